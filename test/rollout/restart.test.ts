import { describe, expect, it } from 'vitest';
import type { Rollout } from '../../src/api/rollout.js';
import type { Pod, ReplicaSet } from '../../src/api/workloads.js';
import { buildContext } from '../../src/rollout/context.js';
import { planRollout } from '../../src/rollout/planner.js';
import { planRestart, RESTART_RECHECK_MS } from '../../src/rollout/restart.js';
import { snapshotOf } from '../../src/rollout/sim-cluster.js';
import { Driver, makeRollout, T0 } from './harness.js';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const RESTART_AT = T0 + 3_600_000;
const NOW = RESTART_AT + 5_000;

interface PodSpec {
  /** Seconds relative to restartAt (negative: created before it). */
  created: number;
  ready?: boolean;
  /** Seconds the pod has been Ready, relative to NOW. */
  readyFor?: number;
  deleting?: boolean;
  owner?: string;
}

function pod(name: string, rs: ReplicaSet, p: PodSpec): Pod {
  const readySince = NOW - (p.readyFor ?? 3_600) * 1000;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'demo',
      creationTimestamp: iso(RESTART_AT + p.created * 1000),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: p.owner ?? rs.metadata.name,
          uid: '',
          controller: true,
        },
      ],
      ...(p.deleting ? { deletionTimestamp: iso(NOW) } : {}),
    },
    status: {
      conditions: [
        { type: 'Ready', status: p.ready === false ? 'False' : 'True', lastTransitionTime: iso(readySince) },
      ],
    },
  };
}

/** A healthy Rollout of `replicas` pods (one ReplicaSet) with `restartAt` and the given pods. */
function restartCase(replicas: number, pods: PodSpec[], edit: (r: Rollout) => void = () => undefined) {
  const rollout = makeRollout({ replicas, traffic: 'none' });
  edit(rollout);
  const d = Driver.healthy(rollout);
  const rs = d.cluster.replicaSets[0]!;
  d.cluster.rollout.spec.restartAt = iso(RESTART_AT);
  const observed = pods.map((p, i) => pod(`web-${i}`, rs, p));
  return { d, pods: observed };
}

const old = (extra: Partial<PodSpec> = {}): PodSpec => ({ created: -600, ...extra });
const fresh = (extra: Partial<PodSpec> = {}): PodSpec => ({ created: 2, ...extra });

describe('restartAt: which pods are evicted this pass (Argo rollout/restart.go)', () => {
  it.each([
    {
      name: 'all old, maxUnavailable 25% of 4 = 1: the oldest one',
      replicas: 4,
      pods: [old({ created: -5 }), old({ created: -900 }), old(), old()],
      evict: ['web-1'],
    },
    {
      name: 'maxUnavailable 2: two at a time, oldest first',
      replicas: 4,
      unavailable: 2,
      pods: [old({ created: -1 }), old({ created: -3 }), old({ created: -2 }), old({ created: -4 })],
      evict: ['web-3', 'web-1'],
    },
    {
      name: 'maxUnavailable 0 still restarts one',
      replicas: 3,
      unavailable: 0,
      surge: 1,
      pods: [old(), old(), old()],
      evict: ['web-0'],
    },
    {
      name: 'one replacement not ready yet: none',
      replicas: 4,
      pods: [fresh({ ready: false }), old(), old(), old()],
      evict: [],
    },
    {
      name: 'a terminating old pod is not evicted again; the next oldest is',
      replicas: 3,
      unavailable: 2,
      pods: [old({ created: -900, deleting: true }), old(), old({ created: -1 })],
      evict: ['web-1'],
    },
    {
      name: 'created at restartAt exactly counts as restarted',
      replicas: 2,
      pods: [{ created: 0 }, old()],
      evict: ['web-1'],
    },
    {
      name: 'ready for less than minReadySeconds is not available',
      replicas: 2,
      minReady: 30,
      pods: [fresh({ readyFor: 3 }), old()],
      evict: [],
    },
    {
      name: "pods of other owners are not the Rollout's",
      replicas: 1,
      pods: [old({ owner: 'other-abc' }), fresh()],
      evict: [],
      done: true,
    },
  ])('$name', ({ replicas, pods, evict, unavailable, surge, minReady, done }) => {
    const { d, pods: observed } = restartCase(replicas, pods, (r) => {
      if (unavailable !== undefined) r.spec.strategy.canary!.maxUnavailable = unavailable;
      if (surge !== undefined) r.spec.strategy.canary!.maxSurge = surge;
      if (minReady !== undefined) r.spec.minReadySeconds = minReady;
    });
    const plan = planRestart(buildContext({ ...snapshotOf(d.cluster), pods: observed }, NOW), observed);
    expect(plan.evict).toEqual(evict);
    if (done) expect(plan.restartedAt).toBe(iso(RESTART_AT));
    else expect([plan.restartedAt, plan.requeueAfterMs]).toEqual([undefined, RESTART_RECHECK_MS]);
  });

  it('every pod newer than restartAt: the restart is done', () => {
    const { d, pods } = restartCase(2, [fresh(), fresh()]);
    const plan = planRestart(buildContext({ ...snapshotOf(d.cluster), pods }, NOW), pods);
    expect(plan).toEqual({ evict: [], restartedAt: iso(RESTART_AT) });
  });

  it('a restart already recorded in status.restartedAt, or restartAt in the future, evicts nothing', () => {
    const { d, pods } = restartCase(2, [old(), old()]);
    d.cluster.rollout.status = { ...d.cluster.rollout.status, restartedAt: iso(RESTART_AT) };
    const done = planRestart(buildContext({ ...snapshotOf(d.cluster), pods }, NOW), pods);
    expect(done).toEqual({ evict: [] });
    d.cluster.rollout.status = { ...d.cluster.rollout.status, restartedAt: iso(T0) };
    const early = planRestart(buildContext({ ...snapshotOf(d.cluster), pods }, RESTART_AT - 7_000), pods);
    expect(early).toEqual({ evict: [], requeueAfterMs: 7_000 });
  });
});

describe('restartAt in the planner', () => {
  it('evictions are plan actions; status.restartedAt once no old pod remains, with events', () => {
    const { d, pods } = restartCase(3, [old(), old(), old()]);
    const first = planRollout({ ...snapshotOf(d.cluster), pods }, NOW);
    expect(first.actions).toEqual([{ type: 'evictPod', name: 'web-0' }]);
    expect(first.status.restartedAt).toBeUndefined();
    expect(first.requeueAfterMs).toBe(RESTART_RECHECK_MS);
    const replaced = [
      pods[1]!,
      pods[2]!,
      { ...pods[0]!, metadata: { ...pods[0]!.metadata, name: 'web-3', creationTimestamp: iso(NOW) } },
    ];
    const second = planRollout({ ...snapshotOf(d.cluster), pods: replaced }, NOW);
    expect(second.actions).toEqual([{ type: 'evictPod', name: 'web-1' }]);
    const all = ['a', 'b', 'c'].map((n) => ({
      ...pods[0]!,
      metadata: { ...pods[0]!.metadata, name: n, creationTimestamp: iso(NOW) },
    }));
    const last = planRollout({ ...snapshotOf(d.cluster), pods: all }, NOW);
    expect(last.actions).toEqual([]);
    expect(last.status.restartedAt).toBe(iso(RESTART_AT));
    expect(last.events.map((e) => e.reason)).toContain('RolloutRestarted');
    expect(first.events.map((e) => e.reason)).toContain('PodRestarted');
  });
});
