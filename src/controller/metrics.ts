/**
 * Prometheus metrics with Argo Rollouts' names (so existing dashboards and alerts keep working) plus truesplit's
 * own. Cardinality: `controller_clientset_k8s_request_total` drops Argo's `name` label (one series per object and
 * verb grows without bound); everything else is per Rollout, as in Argo.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Rollout } from '../api/rollout.js';
import type { RequestRecord } from '../kube/instrumented-cluster.js';
import type { RolloutEvent } from '../rollout/plan-types.js';
import type { PropagationWait } from '../plan/propagation.js';
import { registerPathMetrics, type PathObservation } from './path-metrics.js';

export interface ControllerMetrics {
  registry: Registry;
  observeReconcile(rollout: { namespace: string; name: string }, seconds: number, result: string): void;
  countRequest(record: RequestRecord): void;
  countEvent(rollout: Rollout, event: RolloutEvent): void;
  setQueueDepth(depth: number): void;
  /** Supplies the Rollouts for the `rollout_info*` gauges, read at scrape time. */
  setRolloutSource(source: () => Rollout[]): void;
  /** The path evaluation of a reconcile (`truesplit_path_*`); undefined removes the Rollout's path series. */
  observePathTruth(rollout: Rollout, observation: PathObservation | undefined): void;
  /** A propagation wait that ended (`truesplit_propagation_seconds`, ADR 0275). */
  observePropagation(rollout: Rollout, wait: PropagationWait): void;
}

type RolloutSource = () => Rollout[];

function trafficRouter(rollout: Rollout): string {
  const routing = rollout.spec.strategy.canary?.trafficRouting;
  if (!routing) return '';
  return Object.keys(routing)
    .filter((k) => k !== 'managedRoutes' && k !== 'maxTrafficWeight')
    .map((k) => (k === 'istio' ? 'Istio' : k))
    .sort()
    .join(',');
}

function strategy(rollout: Rollout): string {
  if (rollout.spec.strategy.blueGreen) return 'blueGreen';
  return rollout.spec.strategy.canary ? 'canary' : 'none';
}

function rolloutLabels(r: Rollout): { namespace: string; name: string } {
  return { namespace: r.metadata.namespace ?? '', name: r.metadata.name };
}

const REPLICA_GAUGES: [suffix: string, help: string, pick: (r: Rollout) => number][] = [
  ['available', 'The number of available replicas per rollout.', (r) => r.status?.availableReplicas ?? 0],
  [
    'unavailable',
    'The number of unavailable replicas per rollout.',
    (r) => Math.max(0, (r.status?.replicas ?? 0) - (r.status?.availableReplicas ?? 0)),
  ],
  ['desired', 'The number of desired replicas per rollout.', (r) => r.spec.replicas ?? 1],
  ['updated', 'The number of updated replicas per rollout.', (r) => r.status?.updatedReplicas ?? 0],
];

/** `rollout_info` and `rollout_info_replicas_*`, recomputed from the Rollout cache on every scrape. */
function registerRolloutGauges(registry: Registry, source: () => RolloutSource): void {
  new Gauge({
    name: 'rollout_info',
    help: 'Information about rollout.',
    labelNames: ['namespace', 'name', 'strategy', 'traffic_router', 'phase'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const r of source()()) {
        const extra = {
          strategy: strategy(r),
          traffic_router: trafficRouter(r),
          phase: r.status?.phase ?? '',
        };
        this.set({ ...rolloutLabels(r), ...extra }, 1);
      }
    },
  });
  for (const [suffix, help, pick] of REPLICA_GAUGES) {
    new Gauge({
      name: `rollout_info_replicas_${suffix}`,
      help,
      labelNames: ['namespace', 'name'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const r of source()()) this.set(rolloutLabels(r), pick(r));
      },
    });
  }
}

function registerCounters(registry: Registry) {
  const perRollout = ['namespace', 'name'] as const;
  return {
    reconcile: new Histogram({
      name: 'rollout_reconcile',
      help: 'Rollout reconciliation performance.',
      labelNames: perRollout,
      buckets: [0.01, 0.15, 0.3, 0.6, 1],
      registers: [registry],
    }),
    reconcileError: new Counter({
      name: 'rollout_reconcile_error',
      help: 'Error occurring during the rollout',
      labelNames: perRollout,
      registers: [registry],
    }),
    events: new Counter({
      name: 'rollout_events_total',
      help: 'Count of rollout events',
      labelNames: ['namespace', 'name', 'type', 'reason'] as const,
      registers: [registry],
    }),
    requests: new Counter({
      name: 'controller_clientset_k8s_request_total',
      help: 'Number of kubernetes requests executed during application reconciliation (no name label: bounded).',
      labelNames: ['kind', 'namespace', 'verb', 'status_code'] as const,
      registers: [registry],
    }),
    depth: new Gauge({
      name: 'truesplit_workqueue_depth',
      help: 'Keys waiting in the rollout workqueue.',
      registers: [registry],
    }),
    propagation: new Histogram({
      name: 'truesplit_propagation_seconds',
      help: 'How long routing truesplit wrote took to be known in effect (outcome timed-out: the wait gave up).',
      labelNames: ['namespace', 'rollout', 'signal', 'outcome'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'truesplit_reconcile_duration_seconds',
      help: 'Duration of one rollout reconcile, by result.',
      labelNames: ['result'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
  };
}

export function createControllerMetrics(registry = new Registry()): ControllerMetrics {
  let rollouts: RolloutSource = () => [];
  registerRolloutGauges(registry, () => rollouts);
  const m = registerCounters(registry);
  const paths = registerPathMetrics(registry, () => rollouts());
  return {
    registry,
    observeReconcile(rollout, seconds, result) {
      m.reconcile.observe(rollout, seconds);
      m.duration.observe({ result }, seconds);
      if (result === 'error') m.reconcileError.inc(rollout);
    },
    countRequest(r) {
      m.requests.inc({
        kind: r.kind,
        namespace: r.namespace,
        verb: r.verb,
        status_code: String(r.statusCode),
      });
    },
    countEvent(rollout, event) {
      m.events.inc({ ...rolloutLabels(rollout), type: event.type, reason: event.reason });
    },
    setQueueDepth: (d) => m.depth.set(d),
    setRolloutSource(source) {
      rollouts = source;
    },
    observePathTruth: (rollout, observation) => paths.observe(rollout, observation),
    observePropagation(rollout, wait) {
      const { namespace, name } = rolloutLabels(rollout);
      const outcome = wait.timedOut ? 'timed-out' : 'propagated';
      m.propagation.observe({ namespace, rollout: name, signal: wait.signal, outcome }, wait.seconds);
    },
  };
}
