/**
 * The canary share and error rate each caller path really gets, from Istio's standard `istio_requests_total`
 * (ADR 0180). Pure: it builds the PromQL and interprets the series Prometheus returns; callers do the HTTP.
 *
 * Two instant queries, each an `increase` over the window summed by the labels that tell paths and revisions apart:
 * - `reporter="source"`: the caller's own proxy reported the request. A caller whose `source_workload` matches the
 *   gateway pattern is on the `gateway` path; every other one is an in-mesh sidecar (`mesh`).
 * - `reporter="destination"` with `source_workload="unknown"`: the destination's sidecar reported a request no source
 *   proxy identified, i.e. a caller without a sidecar (`plain`). Destination reports of callers with a proxy are left
 *   out: their source report already counts them.
 * The canary is told from the stable by `destination_canonical_revision` (the pod template's
 * `service.istio.io/canonical-revision` label, which truesplit expects to carry the pod-template hash — ADR 0181).
 */

export type ObservedPath = 'gateway' | 'mesh' | 'plain';

export interface SplitQueryTarget {
  /** `destination_service_name`. */
  service: string;
  /** `destination_service_namespace`. */
  namespace: string;
  /** A PromQL range such as `1m`. */
  window: string;
}

export interface SplitQueries {
  source: string;
  destination: string;
}

/** One series of an instant-query vector: its labels and value. */
export interface LabelledSample {
  labels: Record<string, string>;
  value: number;
}

export interface PathSplit {
  path: ObservedPath;
  canaryRequests: number;
  totalRequests: number;
  /** canaryRequests / totalRequests; undefined with fewer than `minSamples` requests on the path. */
  share: number | undefined;
  canaryErrors: number;
  /** 5xx among the canary's requests on the path; undefined with fewer than `minSamples` canary requests. */
  canaryErrorRate: number | undefined;
}

export interface SplitReading {
  canaryRevision: string;
  /** Requests below which a share or error rate is "insufficient data". */
  minSamples: number;
  /** Source-reporting workloads matching this are gateways (an anchored regular expression, as PromQL's `=~`). */
  gatewayWorkloads?: string;
}

export const ISTIO_REQUESTS = 'istio_requests_total';
export const DEFAULT_GATEWAY_WORKLOADS = '.*gateway.*';
export const DEFAULT_MIN_SAMPLES = 20;
const GROUPING = 'source_workload_namespace, source_workload, destination_canonical_revision, response_code';
const PATHS: readonly ObservedPath[] = ['gateway', 'mesh', 'plain'];

/** A window that is not a PromQL duration: bad input, not a query failure. */
export class SplitWindowError extends Error {}

/** The two queries whose results `readPathSplits` interprets. */
export function buildSplitQueries(target: SplitQueryTarget): SplitQueries {
  if (!/^\d+(ms|s|m|h|d|w|y)$/.test(target.window)) {
    throw new SplitWindowError(`window ${JSON.stringify(target.window)} is not a PromQL duration such as 1m`);
  }
  const destination =
    `destination_service_name="${escapeLabel(target.service)}",` +
    `destination_service_namespace="${escapeLabel(target.namespace)}"`;
  const query = (selector: string) =>
    `sum by (${GROUPING}) (increase(${ISTIO_REQUESTS}{${selector},${destination}}[${target.window}]))`;
  return {
    source: query('reporter="source"'),
    destination: query('reporter="destination",source_workload="unknown"'),
  };
}

/** The split per path from the two queries' vectors (`source` answers `SplitQueries.source`, and so on). */
export function readPathSplits(
  results: { source: readonly LabelledSample[]; destination: readonly LabelledSample[] },
  reading: SplitReading,
): PathSplit[] {
  const callers = readCallerSplits(results, reading);
  return PATHS.map((path) => ({
    path,
    ...combinePaths(
      callers.filter((c) => c.path === path),
      reading.minSamples,
    ),
  }));
}

/** The requests one caller sent in the window, and how many reached the canary. */
export interface CallerSplit {
  path: ObservedPath;
  /** `namespace/workload` for a gateway, the namespace for a sidecar caller, `*` for callers without a sidecar. */
  from: string;
  canaryRequests: number;
  totalRequests: number;
  canaryErrors: number;
}

/** Both query results read per caller; destination reports of callers with a proxy are left out (counted at source). */
export function readCallerSplits(
  results: { source: readonly LabelledSample[]; destination: readonly LabelledSample[] },
  reading: Pick<SplitReading, 'canaryRevision' | 'gatewayWorkloads'>,
): CallerSplit[] {
  const gateway = new RegExp(`^(?:${reading.gatewayWorkloads ?? DEFAULT_GATEWAY_WORKLOADS})$`);
  const callers = new Map<string, CallerSplit>();
  const add = (path: ObservedPath, from: string, sample: LabelledSample) => {
    const key = `${path}\u0000${from}`;
    let caller = callers.get(key);
    if (!caller) {
      caller = { path, from, canaryRequests: 0, totalRequests: 0, canaryErrors: 0 };
      callers.set(key, caller);
    }
    const value = Number.isFinite(sample.value) ? sample.value : 0;
    caller.totalRequests += value;
    if (sample.labels.destination_canonical_revision !== reading.canaryRevision) return;
    caller.canaryRequests += value;
    if (/^5\d\d$/.test(sample.labels.response_code ?? '')) caller.canaryErrors += value;
  };
  for (const sample of results.source) {
    const workload = sample.labels.source_workload ?? '';
    const namespace = sample.labels.source_workload_namespace ?? '';
    if (gateway.test(workload)) add('gateway', `${namespace}/${workload}`, sample);
    else add('mesh', namespace, sample);
  }
  for (const sample of results.destination) {
    if ((sample.labels.source_workload ?? 'unknown') === 'unknown') add('plain', '*', sample);
  }
  return [...callers.values()].sort((a, b) => a.path.localeCompare(b.path) || a.from.localeCompare(b.from));
}

/** The paths added together (`any`), with the same sample rule. */
export function combinePaths(
  splits: readonly Pick<PathSplit, 'canaryRequests' | 'totalRequests' | 'canaryErrors'>[],
  minSamples: number,
): Omit<PathSplit, 'path'> {
  const canary = sum(splits.map((s) => s.canaryRequests));
  const total = sum(splits.map((s) => s.totalRequests));
  const errors = sum(splits.map((s) => s.canaryErrors));
  return {
    canaryRequests: canary,
    totalRequests: total,
    share: total >= minSamples && total > 0 ? canary / total : undefined,
    canaryErrors: errors,
    canaryErrorRate: canary >= minSamples && canary > 0 ? errors / canary : undefined,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
