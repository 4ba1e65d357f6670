/**
 * Time as a port. Runtime code reads time and waits only through a Clock, so the same code runs
 * on the system clock in production and on virtual time in the simulator.
 */
export interface Clock {
  /**
   * Milliseconds since the Unix epoch, as this node sees them. Wall time can jump when the
   * operating system corrects it, so measure durations with `monotonic()`.
   */
  now(): number;

  /**
   * Milliseconds from an arbitrary origin that only move forward at the node's clock rate, never
   * jumping. Deadlines that guard safety, like the lease deadline, are measured with it.
   */
  monotonic(): number;

  /**
   * Waits `ms` milliseconds. Resolves early, without an error, when `signal` aborts, so loops can
   * check their own stop condition after every wait. A negative or zero `ms` resolves at once.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
