import type { Scenario } from '../sim/scenario.js';
import { scenario as buggifiedChurn } from './buggified-churn.js';
import { scenario as clockSkew } from './clock-skew.js';
import { scenario as commandStorm } from './command-storm.js';
import { scenario as compactionPartition } from './compaction-partition.js';
import { scenario as crashThenLeaderChange } from './crash-then-leader-change.js';
import { scenario as flappingLink } from './flapping-link.js';
import { scenario as longPause } from './long-pause.js';
import { scenario as nodeCrash } from './node-crash.js';
import { scenario as oneWayPartition } from './one-way-partition.js';
import { scenario as ownerPartition } from './owner-partition.js';
import { scenario as replyLossClaims } from './reply-loss-claims.js';
import { scenario as rollingRestart } from './rolling-restart.js';
import { scenario as scaleIn } from './scale-in.js';
import { scenario as scaleOut } from './scale-out.js';
import { scenario as slowHandlersJoin } from './slow-handlers-join.js';
import { scenario as slowStopping } from './slow-stopping.js';
import { scenario as stateMachineCommands } from './statemachine-commands.js';
import { scenario as stateMachinePartition } from './statemachine-partition.js';
import { scenario as stateMachineRestart } from './statemachine-restart.js';
import { scenario as steadyState } from './steady-state.js';
import { scenario as storeRestart } from './store-restart.js';
import { scenario as thunderingHerd } from './thundering-herd.js';

/** The built-in scenarios, by name, in the order `metafora sim --all` runs them. */
export const SCENARIOS: readonly Scenario[] = [
  steadyState,
  nodeCrash,
  rollingRestart,
  scaleOut,
  scaleIn,
  ownerPartition,
  flappingLink,
  oneWayPartition,
  replyLossClaims,
  storeRestart,
  compactionPartition,
  longPause,
  clockSkew,
  slowStopping,
  commandStorm,
  thunderingHerd,
  crashThenLeaderChange,
  slowHandlersJoin,
  buggifiedChurn,
  stateMachineCommands,
  stateMachinePartition,
  stateMachineRestart,
];

/** Returns the built-in scenario named `name`, or undefined. */
export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
