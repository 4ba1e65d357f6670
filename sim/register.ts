/**
 * An external system that side effects go to, fenced by token: per task it accepts a write only
 * if its token is at least the highest it accepted before, so a stale claim cannot overwrite a
 * newer one's work.
 */
export class FencedRegister {
  private readonly highest = new Map<string, number>();

  /** Returns whether the write was accepted. */
  write(task: string, token: number): boolean {
    const highest = this.highest.get(task) ?? 0;
    if (token < highest) return false;
    this.highest.set(task, token);
    return true;
  }
}
