/**
 * Path-truth metrics. Cardinality is bounded by Rollouts × (gateways + caller namespaces): no pod, ReplicaSet or
 * revision labels, header-route variants left out. Values are kept per Rollout and exported at scrape time only
 * for Rollouts still in the cache, so a deleted Rollout's series disappear without bookkeeping (ADR 0054's rule).
 */
import { Gauge, Histogram, type Registry } from 'prom-client';
import type { Rollout } from '../api/rollout.js';
import type { TrafficPath } from '../mesh/types.js';
import type { ObservedSplit } from '../plan/observed-paths.js';

export interface PathObservation {
  paths: readonly TrafficPath[];
  desiredShare: number;
  seconds: number;
  /** The observed split (ADR 0265), when a telemetry reading exists. */
  observed?: ObservedSplit;
}

interface Stored {
  desired: number;
  /** One entry per (kind, from); a failing path (null share) is exported as NaN. */
  shares: { kind: string; from: string; share: number }[];
  /** Per path label, the observed requests and share (NaN below the minimum sample). */
  observed: { path: string; share: number; requests: number }[];
}

export interface PathMetrics {
  observe(rollout: Rollout, observation: PathObservation | undefined): void;
}

function rolloutKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function storedOf(observation: PathObservation): Stored {
  const shares = new Map<string, Stored['shares'][number]>();
  for (const p of observation.paths) {
    if (p.variant !== undefined) continue;
    shares.set(`${p.kind}|${p.from}`, { kind: p.kind, from: p.from, share: p.canaryShare ?? Number.NaN });
  }
  return {
    desired: observation.desiredShare,
    shares: [...shares.values()],
    observed: observedOf(observation),
  };
}

function observedOf(observation: PathObservation): Stored['observed'] {
  const split = observation.observed;
  if (split?.state !== 'read') return [];
  return split.figures.map((f) => ({
    path: f.label,
    share: f.observed?.share ?? Number.NaN,
    requests: f.observed?.totalRequests ?? 0,
  }));
}

/** Registers the gauges; `rollouts` lists the Rollouts that still exist (the informer cache). */
export function registerPathMetrics(registry: Registry, rollouts: () => Rollout[]): PathMetrics {
  const store = new Map<string, Stored>();
  const live: LiveSeries = () => {
    const present = new Set(rollouts().map((r) => rolloutKey(r.metadata.namespace ?? '', r.metadata.name)));
    for (const key of store.keys()) if (!present.has(key)) store.delete(key);
    return [...store.entries()].map(([key, stored]) => {
      const slash = key.indexOf('/');
      return [{ namespace: key.slice(0, slash), rollout: key.slice(slash + 1) }, stored];
    });
  };
  new Gauge({
    name: 'truesplit_path_canary_share',
    help: 'Share of requests (0..1) reaching the canary, per traffic path (kind: gateway|mesh|plain|ambient).',
    labelNames: ['namespace', 'rollout', 'kind', 'from'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, stored] of live())
        for (const s of stored.shares) this.set({ ...labels, kind: s.kind, from: s.from }, s.share);
    },
  });
  new Gauge({
    name: 'truesplit_path_desired_share',
    help: 'Canary share (0..1) the Rollout currently asks for.',
    labelNames: ['namespace', 'rollout'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, stored] of live()) this.set(labels, stored.desired);
    },
  });
  registerObservedGauges(registry, live);
  const evaluation = new Histogram({
    name: 'truesplit_path_evaluation_seconds',
    help: 'Time of the pure pass (planner, router, traffic-path model, gate) of a reconcile that evaluated the paths.',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  return {
    observe(rollout, observation) {
      const key = rolloutKey(rollout.metadata.namespace ?? '', rollout.metadata.name);
      if (!observation) {
        store.delete(key);
        return;
      }
      store.set(key, storedOf(observation));
      evaluation.observe(observation.seconds);
    },
  };
}

type LiveSeries = () => [{ namespace: string; rollout: string }, Stored][];

/** `truesplit_path_observed_share` and `truesplit_path_observed_requests`, per model path (ADR 0265). */
function registerObservedGauges(registry: Registry, live: LiveSeries): void {
  const gauges: [string, string, (o: Stored['observed'][number]) => number][] = [
    [
      'truesplit_path_observed_share',
      'Share of requests (0..1) that reached the canary per traffic path, from Istio telemetry over the observed ' +
        'window; NaN below the minimum sample.',
      (o) => o.share,
    ],
    [
      'truesplit_path_observed_requests',
      'Requests per traffic path in the observed window, from Istio telemetry.',
      (o) => o.requests,
    ],
  ];
  for (const [name, help, pick] of gauges)
    new Gauge({
      name,
      help,
      labelNames: ['namespace', 'rollout', 'path'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, stored] of live())
          for (const o of stored.observed) this.set({ ...labels, path: o.path }, pick(o));
      },
    });
}
