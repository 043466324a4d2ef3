/**
 * A traffic generator that speaks Istio's standard telemetry: it plays gateway, in-mesh sidecar and plain (no
 * sidecar) callers of one Service and counts their requests in `istio_requests_total` on a `MetricsEndpoint`, with
 * the labels Istio's proxies set, for a real Prometheus to scrape.
 *
 * API
 * - `startIstioTraffic(endpoint, target)` → `IstioTraffic`. Every `tickMs` (default 100) each caller path in the
 *   current plan sends `requestsPerTick` requests, `canaryShare` of them to the canary's revision; `canaryErrorRate` /
 *   `stableErrorRate` of each side answer 503. Counts are spread exactly (running totals floored), so the share over
 *   any whole number of ticks is the plan's to within one request per series.
 * - `set(plan)` changes the split from the next tick (e.g. in-mesh 50 % before the fix, 10 % after); `totals()` the
 *   requests sent so far per path and revision; `stop()` stops the ticks.
 *
 * What each path reports, as Istio does: a gateway or a sidecar caller is reported by its own proxy
 * (`reporter="source"`, its workload and namespace) and again by the destination's sidecar (`reporter="destination"`,
 * same source workload); a plain caller only by the destination (`source_workload="unknown"`).
 */
import type { Labels, MetricsEndpoint } from './prometheus.ts';

export type CallerPath = 'gateway' | 'mesh' | 'plain';

export interface PathTraffic {
  requestsPerTick: number;
  canaryShare: number;
  canaryErrorRate?: number;
  stableErrorRate?: number;
}

export type TrafficPlan = Partial<Record<CallerPath, PathTraffic>>;

export interface TrafficTarget {
  service: string;
  namespace: string;
  canaryRevision: string;
  stableRevision: string;
  tickMs?: number;
  /** Who a gateway or sidecar caller is (default: istio-system/istio-ingressgateway, frontend/frontend). */
  callers?: Partial<Record<'gateway' | 'mesh', { workload: string; namespace: string }>>;
}

export interface IstioTraffic {
  set(plan: TrafficPlan): void;
  totals(): Record<string, number>;
  stop(): void;
}

export const ISTIO_REQUESTS = 'istio_requests_total';

const CALLERS: Record<CallerPath, { workload: string; namespace: string; reporters: string[] }> = {
  gateway: {
    workload: 'istio-ingressgateway',
    namespace: 'istio-system',
    reporters: ['source', 'destination'],
  },
  mesh: { workload: 'frontend', namespace: 'frontend', reporters: ['source', 'destination'] },
  plain: { workload: 'unknown', namespace: 'unknown', reporters: ['destination'] },
};

function callerOf(target: TrafficTarget, path: CallerPath): (typeof CALLERS)[CallerPath] {
  const named = path === 'plain' ? undefined : target.callers?.[path];
  return named ? { ...CALLERS[path], ...named } : CALLERS[path];
}

export function startIstioTraffic(endpoint: MetricsEndpoint, target: TrafficTarget): IstioTraffic {
  endpoint.declare(ISTIO_REQUESTS, 'counter', 'Total requests (Istio standard metric).');
  let plan: TrafficPlan = {};
  /** Requests owed so far per series key, fractional; what was sent, whole. */
  const owed = new Map<string, number>();
  const sent = new Map<string, number>();
  const emit = (path: CallerPath, revision: string, code: string, requests: number) => {
    const key = `${path}/${revision}/${code}`;
    const due = (owed.get(key) ?? 0) + requests;
    owed.set(key, due);
    const whole = Math.floor(due) - (sent.get(key) ?? 0);
    if (whole <= 0) return;
    sent.set(key, (sent.get(key) ?? 0) + whole);
    for (const reporter of callerOf(target, path).reporters) {
      endpoint.inc(ISTIO_REQUESTS, seriesLabels(target, path, reporter, revision, code), whole);
    }
  };
  const tick = () => {
    for (const [path, traffic] of Object.entries(plan) as [CallerPath, PathTraffic][]) {
      const canary = traffic.requestsPerTick * traffic.canaryShare;
      const stable = traffic.requestsPerTick - canary;
      for (const [revision, count, errorRate] of [
        [target.canaryRevision, canary, traffic.canaryErrorRate ?? 0],
        [target.stableRevision, stable, traffic.stableErrorRate ?? 0],
      ] as const) {
        emit(path, revision, '503', count * errorRate);
        emit(path, revision, '200', count * (1 - errorRate));
      }
    }
  };
  const timer = setInterval(tick, target.tickMs ?? 100);
  return {
    set(next) {
      plan = next;
    },
    totals: () => Object.fromEntries(sent),
    stop: () => clearInterval(timer),
  };
}

function seriesLabels(
  target: TrafficTarget,
  path: CallerPath,
  reporter: string,
  revision: string,
  code: string,
): Labels {
  const caller = callerOf(target, path);
  return {
    reporter,
    source_workload: caller.workload,
    source_workload_namespace: caller.namespace,
    source_principal:
      path === 'plain' ? 'unknown' : `spiffe://cluster.local/ns/${caller.namespace}/sa/${caller.workload}`,
    destination_workload: target.service,
    destination_workload_namespace: target.namespace,
    destination_service: `${target.service}.${target.namespace}.svc.cluster.local`,
    destination_service_name: target.service,
    destination_service_namespace: target.namespace,
    destination_canonical_service: target.service,
    destination_canonical_revision: revision,
    request_protocol: 'http',
    response_code: code,
    response_flags: '-',
    connection_security_policy: path === 'plain' || reporter === 'source' ? 'unknown' : 'mutual_tls',
  };
}
