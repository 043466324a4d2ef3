import { describe, expect, it } from 'vitest';
import { CANONICAL_REVISION_LABEL, PATH_GATE_SOURCE_ANNOTATION } from '../../src/api/labels.ts';
import type { Rollout } from '../../src/api/rollout.ts';
import type { SplitVectors, SplitVectorsRequest } from '../../src/analysis/providers/split-vectors.ts';
import type { ReplicaSet } from '../../src/api/workloads.ts';
import { TelemetryPoller, telemetryTarget } from '../../src/controller/observe-telemetry.ts';
import { ManualClock } from '../../src/kube/clock.ts';
import { revisionReplicaSet } from '../plan/revision-replica-set.ts';

function rollout(
  name: string,
  extra: { stable?: string; canary?: string; annotations?: Record<string, string> } = {},
): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace: 'shop', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [] } },
      strategy: {
        canary: {
          trafficRouting: {
            istio: {
              virtualService: { name: 'vs' },
              destinationRule: { name: 'dr', canarySubsetName: 'canary', stableSubsetName: 'stable' },
            },
          },
        },
      },
    },
    status: { stableRS: extra.stable ?? 'stable1', currentPodHash: extra.canary ?? 'canary1' },
  };
}

function vectors(
  canary: number,
  stable: number,
  revisions = { canary: 'canary1', stable: 'stable1' },
): SplitVectors {
  const sample = (revision: string, value: number) => ({
    labels: {
      source_workload: 'frontend',
      source_workload_namespace: 'frontend',
      destination_canonical_revision: revision,
      response_code: '200',
    },
    value,
  });
  return {
    source: [sample(revisions.canary, canary), sample(revisions.stable, stable)],
    destination: [],
  };
}

function harness(
  rollouts: Rollout[],
  answer: (r: SplitVectorsRequest) => Promise<SplitVectors>,
  concurrency = 2,
  replicaSets: ReplicaSet[] = [
    revisionReplicaSet('canary1', 'canary1'),
    revisionReplicaSet('stable1', 'stable1'),
  ],
) {
  const clock = new ManualClock(1_000_000);
  const changed: string[] = [];
  const requests: SplitVectorsRequest[] = [];
  let inFlight = 0;
  let peak = 0;
  const poller = new TelemetryPoller({
    defaultAddress: 'http://prometheus:9090',
    intervalMs: 15_000,
    concurrency,
    clock,
    rollouts: () => rollouts,
    sourcesOf: () => ({ destinationRuleHost: () => 'shop-svc.shop.svc.cluster.local', replicaSets }),
    query: async (r) => {
      requests.push(r);
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await answer(r);
      } finally {
        inFlight--;
      }
    },
    onChange: (key) => changed.push(key),
  });
  return { clock, poller, changed, requests, peak: () => peak };
}

describe('telemetry poller', () => {
  it('reads a canary in progress, at most once per interval, and enqueues only when the shares change', async () => {
    let canary = 50;
    const h = harness([rollout('a')], () => Promise.resolve(vectors(canary, 100 - canary)));
    await h.poller.pollDue();
    expect(h.poller.reading('shop/a')?.callers).toEqual([
      { path: 'mesh', from: 'frontend', canaryRequests: 50, totalRequests: 100, canaryErrors: 0 },
    ]);
    expect(h.requests.map((r) => [r.service, r.namespace, r.window])).toEqual([['shop-svc', 'shop', '1m']]);
    expect(h.changed).toEqual(['shop/a']);
    await h.poller.pollDue();
    expect(h.requests).toHaveLength(1);
    h.clock.advance(15_000);
    await h.poller.pollDue();
    expect(h.requests).toHaveLength(2);
    expect(h.changed).toEqual(['shop/a']);
    canary = 10;
    h.clock.advance(15_000);
    await h.poller.pollDue();
    expect(h.changed).toEqual(['shop/a', 'shop/a']);
  });

  it('records a failed query as the reading error, naming the address', async () => {
    const h = harness([rollout('a')], () => Promise.reject(new Error('connect ECONNREFUSED')));
    await h.poller.pollDue();
    expect(h.poller.reading('shop/a')?.error).toBe(
      'Prometheus at http://prometheus:9090: connect ECONNREFUSED',
    );
  });

  it('drops the reading when the Rollout is promoted or deleted', async () => {
    const rollouts = [rollout('a'), rollout('b')];
    const h = harness(rollouts, () => Promise.resolve(vectors(1, 1)));
    await h.poller.pollDue();
    expect(h.poller.size()).toBe(2);
    rollouts[0] = rollout('a', { canary: 'stable1' });
    rollouts.pop();
    h.clock.advance(15_000);
    await h.poller.pollDue();
    expect(h.poller.size()).toBe(0);
  });

  it('keeps to the concurrency bound', async () => {
    const many = Array.from({ length: 9 }, (_, i) => rollout(`r${i}`));
    const h = harness(many, () => new Promise((resolve) => setTimeout(() => resolve(vectors(1, 1)), 5)), 3);
    await h.poller.pollDue();
    expect(h.poller.size()).toBe(9);
    expect(h.peak()).toBe(3);
  });

  it.each([
    {
      name: "the user's own revision, the same on both sides: no query, the reason as the reading error",
      revisions: { canary: 'v1', stable: 'v1' },
      requests: [],
      error: /^canary and stable pods carry the same service.istio.io\/canonical-revision "v1"/,
      callers: undefined,
    },
    {
      name: "the user's own revision, different on each side: the canary's value is counted as canary",
      revisions: { canary: 'v2', stable: 'v1' },
      requests: [['shop-svc', 'shop']],
      error: undefined,
      callers: [{ path: 'mesh', from: 'frontend', canaryRequests: 3, totalRequests: 4, canaryErrors: 0 }],
    },
  ])('$name', async ({ revisions, requests, error, callers }) => {
    const r = rollout('a');
    r.spec.template!.metadata!.labels![CANONICAL_REVISION_LABEL] = revisions.canary;
    const sets = [
      revisionReplicaSet('canary1', revisions.canary),
      revisionReplicaSet('stable1', revisions.stable),
    ];
    const h = harness([r], () => Promise.resolve(vectors(3, 1, revisions)), 2, sets);
    await h.poller.pollDue();
    expect(h.requests.map((q) => [q.service, q.namespace])).toEqual(requests);
    const reading = h.poller.reading('shop/a');
    expect(reading?.canaryRevision).toBe('canary1');
    if (error) expect(reading?.error).toMatch(error);
    else expect(reading?.error).toBeUndefined();
    expect(reading?.callers).toEqual(callers);
  });

  it('queries both Services of a ping-pong Rollout', async () => {
    const r = rollout('a');
    r.spec.strategy.canary = {
      pingPong: { pingService: 'a-ping', pongService: 'a-pong' },
      trafficRouting: { istio: { virtualService: { name: 'vs' } } },
    };
    const h = harness([r], () => Promise.resolve(vectors(1, 9)));
    await h.poller.pollDue();
    expect(h.requests.map((q) => [q.service, q.namespace])).toEqual([
      ['a-ping', 'shop'],
      ['a-pong', 'shop'],
    ]);
    expect(h.poller.reading('shop/a')?.callers).toEqual([
      { path: 'mesh', from: 'frontend', canaryRequests: 2, totalRequests: 20, canaryErrors: 0 },
    ]);
  });
});

describe('telemetryTarget', () => {
  it.each([
    { name: 'canary in progress with an address', r: rollout('a'), address: 'http://p', want: true },
    { name: 'no address, predicted gate: nothing to read', r: rollout('a'), address: undefined, want: false },
    {
      name: 'no address, observed gate: a reading saying so',
      r: rollout('a', { annotations: { [PATH_GATE_SOURCE_ANNOTATION]: 'observed' } }),
      address: undefined,
      want: true,
    },
    { name: 'fully promoted', r: rollout('a', { canary: 'stable1' }), address: 'http://p', want: false },
  ])('$name', ({ r, address, want }) => {
    expect(telemetryTarget(r, address) !== undefined).toBe(want);
  });
});
