import { describe, expect, it } from 'vitest';

import { UsageError } from '../../../src/cli/cli-errors.js';
import { parseRunArgs } from '../../../src/cli/run-args.js';
import type { RunOptions } from '../../../src/cli/run-args.js';

const IDENTITY = { hostname: 'box', pid: 123 };

function parse(argv: string[], env: Record<string, string> = {}): RunOptions {
  const invocation = parseRunArgs(argv, env, IDENTITY);
  if (invocation.kind !== 'run') throw new Error('expected a run invocation');
  return invocation.options;
}

function parseError(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseRunArgs(argv, env, IDENTITY);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be rejected`);
}

describe('parseRunArgs', () => {
  it('applies the defaults', () => {
    expect(parse(['--store', 'memory', '--exec', 'work'])).toEqual({
      store: { kind: 'memory' },
      namespace: '/metafora',
      node: 'box-123',
      handler: { kind: 'exec', command: 'work', args: [] },
      stateMachine: false,
      leaseTtlSeconds: 10,
      balancer: 'fair',
      balanceEveryMs: 60_000,
      stopGraceMs: 10_000,
      shutdownTimeoutMs: 30_000,
      logLevel: 'info',
    });
  });

  it('reads every option', () => {
    const options = parse([
      '--etcd',
      'http://127.0.0.1:2379,http://127.0.0.1:2380',
      '--namespace',
      '/jobs',
      '--node',
      'n1',
      '--lease-ttl',
      '4',
      '--balancer',
      'sleep',
      '--balance-every',
      '0.5',
      '--stop-grace',
      '2',
      '--shutdown-timeout',
      '7',
      '--log-level',
      'debug',
      '--state-machine',
      '--handler',
      './handler.js',
    ]);

    expect(options).toEqual({
      store: { kind: 'etcd', endpoints: ['http://127.0.0.1:2379', 'http://127.0.0.1:2380'] },
      namespace: '/jobs',
      node: 'n1',
      handler: { kind: 'module', path: './handler.js' },
      stateMachine: true,
      leaseTtlSeconds: 4,
      balancer: 'sleep',
      balanceEveryMs: 500,
      stopGraceMs: 2_000,
      shutdownTimeoutMs: 7_000,
      logLevel: 'debug',
    });
  });

  it('reads --state-machine before --exec', () => {
    const options = parse(['--store', 'memory', '--state-machine', '--exec', 'cmd', '--state-machine']);

    expect(options.stateMachine).toBe(true);
    expect(options.handler).toEqual({ kind: 'exec', command: 'cmd', args: ['--state-machine'] });
  });

  it('passes everything after --exec verbatim', () => {
    const options = parse(['--store', 'memory', '--exec', 'cmd', '--node', 'x', '--help', '--', '']);

    expect(options.handler).toEqual({ kind: 'exec', command: 'cmd', args: ['--node', 'x', '--help', '--', ''] });
    expect(options.node).toBe('box-123');
  });

  it('reads etcd endpoints from the environment', () => {
    const env = { METAFORA_ETCD: 'http://127.0.0.2:2379', ETCD_ENDPOINTS: 'http://127.0.0.3:2379' };

    expect(parse(['--exec', 'x'], env).store).toEqual({ kind: 'etcd', endpoints: ['http://127.0.0.2:2379'] });
    expect(parse(['--exec', 'x'], { ETCD_ENDPOINTS: 'http://127.0.0.3:2379' }).store).toEqual({
      kind: 'etcd',
      endpoints: ['http://127.0.0.3:2379'],
    });
  });

  it('prefers --store memory over the environment', () => {
    expect(parse(['--store', 'memory', '--exec', 'x'], { METAFORA_ETCD: 'http://h:1' }).store).toEqual({
      kind: 'memory',
    });
  });

  it('returns help before any other check', () => {
    expect(parseRunArgs(['--bogus', '-h'], {}, IDENTITY)).toEqual({ kind: 'help' });
    expect(parseRunArgs(['--help'], {}, IDENTITY)).toEqual({ kind: 'help' });
  });

  it.each([
    [['--store', 'memory', '--bogus', '--exec', 'x'], 'unknown option --bogus: see metafora run --help'],
    [['--store', 'memory', 'extra', '--exec', 'x'], 'unexpected argument "extra": see metafora run --help'],
    [['--store', 'memory', '--node'], 'missing value for option --node'],
    [['--exec', 'x'], 'missing store: give --etcd URLS'],
    [['--store', 'disk', '--exec', 'x'], 'invalid --store "disk": use memory or etcd'],
    [['--store', 'memory', '--etcd', 'http://h:1', '--exec', 'x'], 'conflicting options --store memory and --etcd'],
    [['--etcd', 'localhost:2379', '--exec', 'x'], 'invalid etcd endpoint "localhost:2379" in --etcd'],
    [['--etcd', 'http://h:1/v3', '--exec', 'x'], 'invalid etcd endpoint "http://h:1/v3"'],
    [['--etcd', ' , ', '--exec', 'x'], 'invalid --etcd " , "'],
    [['--store', 'memory'], 'missing handler'],
    [['--store', 'memory', '--exec'], 'missing command after --exec'],
    [['--store', 'memory', '--handler', 'h.js', '--exec', 'x'], 'conflicting options --exec and --handler'],
    [['--store', 'memory', '--handler', '', ], 'invalid --handler ""'],
    [['--store', 'memory', '--namespace', 'jobs', '--exec', 'x'], 'invalid namespace "jobs"'],
    [['--store', 'memory', '--node', 'a/b', '--exec', 'x'], 'invalid node name "a/b"'],
    [['--store', 'memory', '--lease-ttl', '1', '--exec', 'x'], 'invalid --lease-ttl "1"'],
    [['--store', 'memory', '--lease-ttl', '2.5', '--exec', 'x'], 'invalid --lease-ttl "2.5"'],
    [['--store', 'memory', '--lease-ttl', 'ten', '--exec', 'x'], 'invalid --lease-ttl "ten"'],
    [['--store', 'memory', '--lease-ttl', '0x10', '--exec', 'x'], 'invalid --lease-ttl "0x10"'],
    [['--store', 'memory', '--lease-ttl', '3000000', '--exec', 'x'], 'invalid --lease-ttl "3000000"'],
    [['--store', 'memory', '--balance-every', '0', '--exec', 'x'], 'invalid --balance-every "0"'],
    [['--store', 'memory', '--shutdown-timeout', '-1', '--exec', 'x'], 'missing value for option --shutdown-timeout'],
    [['--store', 'memory', '--stop-grace', '1e3', '--exec', 'x'], 'invalid --stop-grace "1e3"'],
    [['--store', 'memory', '--balancer', 'round-robin', '--exec', 'x'], 'invalid --balancer "round-robin": use one of fair, sleep, dumb'],
    [['--store', 'memory', '--log-level', 'loud', '--exec', 'x'], 'invalid --log-level "loud"'],
  ])('rejects %j', (argv, message) => {
    expect(parseError(argv)).toContain(message);
  });

  it('names the lease TTL minimum', () => {
    expect(parseError(['--store', 'memory', '--lease-ttl', '1', '--exec', 'x'])).toMatch(/from 2 to/);
  });

  it('reads a dash value given with =', () => {
    expect(parseError(['--store', 'memory', '--shutdown-timeout=-1', '--exec', 'x'])).toContain(
      'invalid --shutdown-timeout "-1"',
    );
  });
});
