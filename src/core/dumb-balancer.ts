import type { Balancer, ClaimDecision } from './balancer.js';

/** Claims every task it is offered and never releases one. */
export class DumbBalancer implements Balancer {
  init(): void {}

  canClaim(): ClaimDecision {
    return { claim: true };
  }

  balance(): Promise<string[]> {
    return Promise.resolve([]);
  }
}
