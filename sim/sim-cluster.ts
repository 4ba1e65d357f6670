import type { Random } from '../src/runtime/random.js';
import { NodeClock } from './node-clock.js';
import type { NodeEnvironment } from './sim-node.js';
import { SimNode } from './sim-node.js';

/**
 * The nodes of a run by name. A name keeps its machine clock across restarts; each start makes a
 * new incarnation with its own random stream, so a restart does not shift other draws.
 */
export class SimCluster {
  private readonly nodes = new Map<string, SimNode>();
  private readonly clocks = new Map<string, NodeClock>();
  private readonly incarnations = new Map<string, number>();
  private readonly startAgainIfFailed = new Set<string>();

  constructor(
    readonly env: NodeEnvironment,
    private readonly random: Random,
  ) {}

  get names(): string[] {
    return [...this.nodes.keys()].sort();
  }

  node(name: string): SimNode | undefined {
    return this.nodes.get(name);
  }

  /** The machine clock of `name`, created on first use. */
  clock(name: string): NodeClock {
    let clock = this.clocks.get(name);
    if (clock === undefined) {
      clock = new NodeClock(this.env.scheduler);
      this.clocks.set(name, clock);
    }
    return clock;
  }

  /** Starts a new incarnation of `name` unless one is starting, running or stopping. */
  /**
   * Starts a new incarnation of `name` unless one is starting, running or stopping. A start asked
   * for while an earlier one is still starting is remembered: if that one fails, for example
   * because the name was still registered, the node starts again, as a process supervisor would.
   */
  start(name: string): void {
    const current = this.nodes.get(name);
    if (current?.status === 'starting') {
      this.startAgainIfFailed.add(name);
      return;
    }
    if (current !== undefined && ['running', 'stopping'].includes(current.status)) return;
    const incarnation = (this.incarnations.get(name) ?? 0) + 1;
    this.incarnations.set(name, incarnation);
    const node = new SimNode(name, this.clock(name), this.random.fork(`node/${name}/${incarnation}`), this.env);
    this.nodes.set(name, node);
    void node.start().then((running) => {
      const again = this.startAgainIfFailed.delete(name);
      if (!running && again && this.nodes.get(name) === node && node.status === 'stopped') this.start(name);
    });
  }

  crash(name: string): void {
    this.nodes.get(name)?.crash();
  }

  shutdown(name: string): void {
    this.nodes.get(name)?.shutdown();
  }

  /** Nodes whose consumer runs, sorted. */
  liveNodes(): string[] {
    return this.names.filter((name) => this.nodes.get(name)?.status === 'running');
  }

  /** Heals every link and resumes every paused node. */
  healAll(): void {
    for (const node of this.nodes.values()) {
      node.link.heal();
      node.link.config = { ...node.link.config, lossRate: 0, replyLossRate: 0 };
      node.gate.resume();
    }
  }
}
