export type { Clock } from './runtime/clock.js';
export { SystemClock, systemClock } from './runtime/system-clock.js';
export { ManualClock } from './runtime/manual-clock.js';
export type { Random } from './runtime/random.js';
export { SeededRandom } from './runtime/seeded-random.js';
export { systemRandom } from './runtime/system-random.js';
export type { Logger } from './runtime/logger.js';
export { createLogger, silentLogger } from './runtime/logger.js';
export { InvalidArgumentError, InvalidStateError, MetaforaError } from './runtime/errors.js';

export type * from './store/store.js';
export * from './store/errors.js';
export { MemoryStore } from './store/memory-store.js';
export { EtcdStore } from './store/etcd-store.js';

export type { Task } from './core/task.js';
export { validateTaskId, validateNodeName } from './core/task.js';
export type { Handler, HandlerResult, TaskContext } from './core/handler.js';
export type { Balancer, BalancerContext, ClaimDecision, ClusterSnapshot, RunningTask } from './core/balancer.js';
export { FairBalancer } from './core/fair-balancer.js';
export { SleepBalancer } from './core/sleep-balancer.js';
export { DumbBalancer } from './core/dumb-balancer.js';
export type { NodeCommand } from './core/node-command.js';
export type { Claim, Coordinator, CoordinatorContext } from './core/coordinator.js';
export { Consumer } from './core/consumer.js';
export type { ConsumerOptions } from './core/consumer-options.js';
export type { ConsumerEvents, ConsumerState, StopReason } from './core/consumer-events.js';

export { StoreCoordinator } from './coordinator/store-coordinator.js';
export type { StoreCoordinatorOptions } from './coordinator/store-coordinator.js';
export { Client } from './coordinator/client.js';
export { Keys, DEFAULT_NAMESPACE } from './coordinator/keys.js';
export type { TaskCommand, TaskCommandSource } from './core/task-command.js';
export { StateStore } from './coordinator/state-store.js';
export type { StateStoreOptions, StateWriteOutcome, StoredState } from './coordinator/state-store.js';
export { TaskExistsError, TaskNotFoundError, NodeNotFoundError } from './coordinator/errors.js';

export { stateMachineHandler } from './statemachine/state-machine-handler.js';
export type { StateMachineOptions } from './statemachine/state-machine-handler.js';
export type { StatefulContext, StatefulHandler } from './statemachine/stateful-handler.js';
export { TRANSITIONS, applyMessage, nextState } from './statemachine/transitions.js';
export type { Transition } from './statemachine/transitions.js';
export {
  INITIAL_STATE,
  InvalidTaskStateError,
  STATE_NAMES,
  TERMINAL_STATES,
  isStateName,
  isTerminal,
  parseTaskState,
  serializeTaskState,
} from './statemachine/task-state.js';
export type { StateName, TaskError, TaskState } from './statemachine/task-state.js';
export { MESSAGE_TYPES, isMessageType, messageRecord, parseMessage, serializeMessage } from './statemachine/message.js';
export type { Message, MessageType } from './statemachine/message.js';
export { ERROR_HANDLER_DEFAULTS, createErrorHandler, defaultErrorHandler } from './statemachine/error-handler.js';
export type { ErrorHandler, ErrorHandlerOptions, FaultDecision, FaultInput } from './statemachine/error-handler.js';
