import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { StopReason } from './consumer-events.js';
import type { Claim } from './coordinator.js';
import type { Handler, HandlerResult } from './handler.js';
import type { TaskCommandSource } from './task-command.js';

/** One run of one claimed task on this node, from handler start to its final result. */
export class TaskRun {
  /** Wall time the run started, in node clock milliseconds since the epoch. */
  readonly startedAt: number;
  private readonly startedMonotonic: number;
  private readonly controller = new AbortController();
  private stopReason: StopReason | undefined;
  private lostClaim = false;
  /** Settles with the handler's result once the handler returned or threw. */
  readonly result: Promise<HandlerResult>;

  constructor(
    readonly claim: Claim,
    handler: Handler,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly commands?: TaskCommandSource,
  ) {
    this.startedAt = clock.now();
    this.startedMonotonic = clock.monotonic();
    this.result = this.execute(handler);
  }

  get taskId(): string {
    return this.claim.task.id;
  }

  /** True once a stop was requested for any reason. */
  get stopping(): boolean {
    return this.stopReason !== undefined;
  }

  /** True once the claim was reported gone; the run must then end without `done`. */
  get lost(): boolean {
    return this.lostClaim;
  }

  /** Aborts the handler's signal. Returns false when the run was already stopping. */
  stop(reason: StopReason): boolean {
    if (reason === 'lost') this.lostClaim = true;
    if (this.stopReason !== undefined) return false;
    this.stopReason = reason;
    this.logger.info({ reason }, 'task stopping');
    this.controller.abort(reason);
    return true;
  }

  private async execute(handler: Handler): Promise<HandlerResult> {
    this.logger.info({ fencingToken: this.claim.fencingToken }, 'handler started');
    let result: HandlerResult;
    try {
      const returned: unknown = await handler({
        task: this.claim.task,
        signal: this.controller.signal,
        fencingToken: this.claim.fencingToken,
        clock: this.clock,
        logger: this.logger,
        commands: this.commands,
      });
      result = this.checkResult(returned);
    } catch (error) {
      // A thrown error ends the task, as in Metafora, so a task that always crashes is not
      // claimed and crashed again forever.
      this.logger.error({ err: error }, 'handler failed; marking task done');
      result = 'done';
    }
    this.logger.info({ result, runMs: this.clock.monotonic() - this.startedMonotonic }, 'handler returned');
    return result;
  }

  private checkResult(returned: unknown): HandlerResult {
    if (returned === 'done' || returned === 'release') return returned;
    this.logger.error(
      { returned: String(returned) },
      'handler returned neither "done" nor "release"; marking task done',
    );
    return 'done';
  }
}
