import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/kube/cluster.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { LeaderElector } from '../../src/kube/leader-election.js';
import { formatMicroTime as microTime } from '../../src/util/time.js';
import { flush, newCluster, NS } from './fixtures.js';

async function twoCandidates() {
  const { cluster, clock } = await newCluster();
  const log: string[] = [];
  const make = (identity: string) =>
    new LeaderElector({
      cluster,
      clock,
      namespace: NS,
      identity,
      onStartedLeading: () => log.push(`${identity} started`),
      onStoppedLeading: () => log.push(`${identity} stopped`),
    });
  return { cluster, clock, log, a: make('a'), b: make('b') };
}

async function advance(clock: { advance(ms: number): void }, ms: number, step = 1_000): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await flush();
  }
}

describe('LeaderElector', () => {
  it('formats lease times with microseconds', () => {
    expect(microTime(Date.parse('2026-01-01T00:00:01.250Z'))).toBe('2026-01-01T00:00:01.250000Z');
  });

  it('one candidate leads; the other waits while the lease is renewed', async () => {
    const { cluster, clock, log, a, b } = await twoCandidates();
    a.start();
    await flush();
    b.start();
    await advance(clock, 60_000);
    const lease = await cluster.get('Lease', NS, 'truesplit-controller-lock');
    expect(log).toEqual(['a started']);
    expect([lease.spec.holderIdentity, lease.spec.leaseDurationSeconds]).toEqual(['a', 15]);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
  });

  it('a released lease is taken over on the standby’s next retry', async () => {
    const { cluster, clock, log, a, b } = await twoCandidates();
    a.start();
    await flush();
    b.start();
    await flush();
    await a.stop();
    await advance(clock, 2_000);
    expect(log).toEqual(['a started', 'a stopped', 'b started']);
    expect((await cluster.get('Lease', NS, 'truesplit-controller-lock')).spec.leaseTransitions).toBe(1);
  });

  it('a leader that cannot renew within the deadline steps down; the standby acquires after expiry', async () => {
    const { cluster, clock, log, a, b } = await twoCandidates();
    a.start();
    await flush();
    b.start();
    await flush();
    cluster.faultInjector = (op) =>
      op.kind === 'Lease' && op.verb === 'update' && log.length === 1
        ? new KubeApiError(503, 'ServiceUnavailable', 'apiserver unreachable')
        : undefined;
    await advance(clock, 10_000);
    expect(log).toEqual(['a started', 'a stopped']);
    await a.stop();
    await advance(clock, 4_000);
    expect(b.isLeader()).toBe(false);
    await advance(clock, 4_000);
    expect(log).toEqual(['a started', 'a stopped', 'b started']);
    await b.stop();
  });

  it('a leader whose Lease calls hang steps down on its own timer; never two leaders at once', async () => {
    const { cluster, clock } = await newCluster();
    let hang = false;
    /** a's view of the API server: once `hang` is set, every call it makes never answers. */
    const hanging = new Proxy(cluster, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          hang ? new Promise(() => undefined) : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    }) as Cluster;
    const log: string[] = [];
    const make = (identity: string, view: Cluster) =>
      new LeaderElector({
        cluster: view,
        clock,
        namespace: NS,
        identity,
        onStartedLeading: () => log.push(`${identity} started @${clock.now() - start}`),
        onStoppedLeading: () => log.push(`${identity} stopped @${clock.now() - start}`),
      });
    const start = clock.now();
    const a = make('a', hanging);
    const b = make('b', cluster);
    a.start();
    await flush();
    b.start();
    await advance(clock, 4_000);
    hang = true;
    const both: number[] = [];
    for (let t = 0; t < 45_000; t += 500) {
      clock.advance(500);
      await flush();
      if (a.isLeader() && b.isLeader()) both.push(t);
    }
    expect(both).toEqual([]);
    expect(log).toEqual(['a started @0', 'a stopped @14000', 'b started @21000']);
    const stopped = Promise.all([a.stop(), b.stop()]);
    await advance(clock, 4_000);
    await stopped;
  });
});
