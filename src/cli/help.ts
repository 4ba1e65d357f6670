import { MIN_LEASE_TTL_SECONDS } from '../coordinator/store-coordinator.js';
import { DEFAULT_STOP_GRACE_MS } from './exec-handler.js';
import { DEFAULT_FUZZ_RUNS, MAX_FUZZ_SECONDS } from './fuzz-args.js';
import { ETCD_ENV_VARIABLES } from './parse-options.js';
import { LOG_LEVELS, MAX_TIMER_SECONDS, RUN_DEFAULTS } from './run-args.js';
import { DEFAULT_SEED } from './sim-args.js';

const ETCD_ENV = ETCD_ENV_VARIABLES.map((name) => `$${name}`).join(', else ');

export const MAIN_HELP = `Usage: metafora <command> [options]

Runs long-lived tasks across a cluster of Node.js processes coordinated by etcd.

Commands:
  run     run a node that claims tasks and runs a handler for each
  ctl     submit and delete tasks, list tasks and nodes, send commands to nodes and tasks
  demo    run a demonstration cluster on this machine
  sim     run scenarios on the deterministic simulator and check the invariants
  fuzz    generate random simulated runs until one breaks an invariant, and save it
  help    show this help, or with a command name, that command's help

Options:
  -h, --help   show this help; metafora <command> --help shows a command's options
  --version    print the version

Exit codes: 0 success, 1 failure, 2 invalid input, etcd not reachable at start, or a node
name already in use.
`;

export const RUN_HELP = `Usage: metafora run (--etcd URLS | --store memory) [options]
                    (--exec CMD [ARGS...] | --handler MODULE)

Runs one node: registers it, claims tasks as the balancer allows and runs the handler for each
until the task is done or stopped. SIGTERM or SIGINT shuts the node down gracefully: handlers are
stopped, claims released, and the process exits with code 0. A second signal exits at once.

Store (one is required):
  --etcd URLS                 comma-separated etcd client URLs, like http://127.0.0.1:2379
                              (default: ${ETCD_ENV})
  --store memory              keep every task in this process only, for trying things out
  --store etcd                use etcd (the default when URLs are given)

Handler (one is required):
  --exec CMD [ARGS...]        run CMD with ARGS for each task, with no shell. Every argument
                              after --exec belongs to the command, so give --exec last.
                              The command gets the environment variables METAFORA_TASK_ID,
                              METAFORA_TASK_PROPS (the props as JSON, empty when none) and
                              METAFORA_FENCING_TOKEN. Any exit marks the task done (a non-zero
                              code is logged as an error); a stopped task is released.
  --handler MODULE            import MODULE (a path from the current directory) and use its
                              default export, or its export named handler, as the handler.
                              A module that exports only statefulHandler runs under the
                              state machine.

Options:
  --state-machine             run the handler under the task state machine, which stores
                              each task's state under <ns>/state/ and takes commands from
                              metafora ctl task-command (see docs/statemachine.md). With
                              --exec, exit code 0 completes the task, and any other exit is
                              an error: the task sleeps 10 minutes, and fails after 8 errors
                              within 4 hours. A task command such as pause stops the command
                              as a stop does; a stop releases the task. With --handler, the
                              module's export statefulHandler is the handler.
  --namespace NS              key prefix of the cluster (default ${RUN_DEFAULTS.namespace})
  --node NAME                 node name, unique in the cluster (default <hostname>-<pid>)
  --lease-ttl SECONDS         time-to-live of the node's lease, a whole number of seconds
                              from ${MIN_LEASE_TTL_SECONDS} (etcd's minimum) up (default ${RUN_DEFAULTS.leaseTtlSeconds})
  --balancer NAME             fair: spread tasks evenly; sleep: delay claims in proportion to
                              the tasks already running here; dumb: claim everything and never
                              release (default ${RUN_DEFAULTS.balancer})
  --balance-every SECONDS     time between two balance runs (default ${RUN_DEFAULTS.balanceEverySeconds})
  --stop-grace SECONDS        time a stopped --exec command gets between SIGTERM and SIGKILL
                              (default ${DEFAULT_STOP_GRACE_MS / 1000}). When the node may have lost its lease,
                              another node can start the task about a quarter of --lease-ttl
                              after the SIGTERM, so a command should exit well within that.
  --shutdown-timeout SECONDS  time handlers get to return after a shutdown signal before the
                              node exits anyway (default ${RUN_DEFAULTS.shutdownTimeoutSeconds})
  --log-level LEVEL           one of ${LOG_LEVELS.join(', ')} (default ${RUN_DEFAULTS.logLevel});
                              logs are JSON lines on stderr
  -h, --help                  show this help

Durations other than --lease-ttl accept decimals, like 0.5. Every duration is at most
${MAX_TIMER_SECONDS} seconds, the longest wait of a Node.js timer.
`;

export const CTL_HELP = `Usage: metafora ctl [--etcd URLS] [--namespace NS] <subcommand> [arguments]

Operates a cluster through etcd; no node needs to run. ctl works with etcd only, because a
memory store lives inside one process.

Subcommands:
  submit ID [--props JSON]    add a task; JSON is any JSON value, stored with the task
  delete ID                   remove a task; a node running it stops it
  tasks [--json]              list tasks with their owner node, state and props
  nodes [--json]              list live nodes with their host, start time and task count
  node-command NODE COMMAND   send a command to a node, one of:
                                freeze            stop claiming and balancing
                                unfreeze          resume claiming and balancing
                                balance           balance now
                                stop-task TASK    stop and release one task
  task-command TASK COMMAND   send a command to a task run under the state machine
                              (metafora run --state-machine); a newer command replaces
                              one not handled yet. COMMAND is one of:
                                run               make a sleeping, paused or faulted task run
                                pause             stop the task until the next run command
                                kill              end the task as killed
                                checkpoint        store the task's state again
                                release           give the task back to the cluster
                                sleep --until T   sleep until time T
  state TASK [--json]         print the stored state of a task: its name, its wake-up time
                              and its recent errors; exit code 1 when it cannot be parsed
  state TASK --set STATE      overwrite the stored state with runnable, paused, or
                              sleeping --until T, for example to repair an invalid state

Options:
  --etcd URLS        comma-separated etcd client URLs, like http://127.0.0.1:2379
                     (default: ${ETCD_ENV})
  --namespace NS     key prefix of the cluster (default ${RUN_DEFAULTS.namespace})
  --json             print JSON instead of a table: tasks as
                     [{"id","owner","props","state"}], nodes as
                     [{"node","host","started","tasks"}], a state as stored
  --until T          an ISO 8601 time with a zone, like 2030-01-02T03:04:05Z, or milliseconds
                     since the epoch
  -h, --help         show this help

Task ids are 1 to 256 bytes of UTF-8 without "/" or control characters. Put -- before an id
that starts with "-", like: metafora ctl delete -- -x
`;

export const DEMO_HELP = `Usage: metafora demo

Runs three nodes inside this process on an in-memory store, with no etcd. It submits 36 tasks,
crashes one node after 10 seconds, adds a fourth node after 17 seconds, and shows which node owns
each task until it ends by itself after about 25 seconds. The exit code is 0 when no task ever ran
on two nodes at once and every unfinished task had an owner at the end, 1 otherwise.
`;

export const SIM_HELP = `Usage: metafora sim NAME [--seed SEED] [--trace FILE] [--json]
       metafora sim --all [--seed SEED] [--json]
       metafora sim --file PATH [--trace FILE] [--json]
       metafora sim --list

Runs a scenario on the deterministic simulator: simulated nodes, store and faults on virtual
time, in this process, with no etcd. At the end every invariant is checked: holds, BROKEN, or
expected-break when the scenario declares that physics lets it break (this counts as holding).
The same scenario and seed always give the same trace, and the same trace hash.

  NAME            run the built-in scenario NAME; --list shows them all
  --all           run every built-in scenario with the same seed, one row each
  --file PATH     run a saved case: a JSON file {"scenario": {...}, "seed": "..."} holding
                  every field of a scenario and its seed
  --list          list the built-in scenarios with their descriptions

Options:
  --seed SEED     any non-empty string; numbers are typical (default ${DEFAULT_SEED}). Give
                  --seed=SEED for a seed that starts with "-". A --file case has its own seed.
  --trace FILE    write the history of the run to FILE as JSON lines; its SHA-256 is the
                  printed trace hash
  --json          print one JSON object instead of the report: {scenario, seed, passed,
                  traceHash, simulatedMs, wallMs, events, verdicts}; with --all,
                  {seed, passed, wallMs, runs: [...]}
  -h, --help      show this help

A failed run prints the command that replays it. Exit codes: 0 when no invariant is broken,
1 when one is, 2 for invalid input.
`;

export const FUZZ_HELP = `Usage: metafora fuzz [--runs N] [--seed S] [--time SECONDS] [--json]

Generates whole simulated runs with fast-check (nodes, lease TTL, balancer, workload, task
submissions and a schedule of faults) and checks every invariant after each run. Each run first
draws which fault kinds it uses and how many, so some runs are quiet and others are storms. On
the first run that breaks an invariant, fast-check shrinks it to a smaller run that still breaks
one, saves it as test/regressions/fuzz-HASH.json in the current directory and prints the command
that replays it: metafora sim --file test/regressions/fuzz-HASH.json.

Options:
  --runs N        generated runs to try (default ${DEFAULT_FUZZ_RUNS})
  --seed S        fast-check's seed, a whole number from -2147483648 to 2147483647; the same seed
                  generates the same runs (default: a random seed, printed in the summary)
  --time SECONDS  stop after this many seconds of wall time, from 1 to ${MAX_FUZZ_SECONDS}, even
                  while shrinking; fewer runs than --runs may then have been tried
  --json          print one JSON object instead of the summary: {passed, seed, runs,
                  simulatedRuns, simulatedMs, wallMs, runsPerMinute, interrupted, failure?}
  -h, --help      show this help

On a terminal a progress line is redrawn in place. The summary gives the runs, the simulated
hours, the wall time and the runs per minute. Exit codes: 0 when every run passed, 1 when one
broke an invariant (the saved file and the replay command are printed), 2 for invalid input.
`;

/** Returns the help text of `command`, or undefined when there is no such command. */
export function helpFor(command: string): string | undefined {
  if (command === 'run') return RUN_HELP;
  if (command === 'ctl') return CTL_HELP;
  if (command === 'demo') return DEMO_HELP;
  if (command === 'sim') return SIM_HELP;
  if (command === 'fuzz') return FUZZ_HELP;
  return undefined;
}
