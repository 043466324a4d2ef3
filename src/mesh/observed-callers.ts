/**
 * The observed split per caller and per model path (ADR 0180): the two `istio_requests_total` results of
 * `buildSplitQueries` read per caller — a gateway workload, an in-mesh namespace, or the callers without a sidecar —
 * and matched to the traffic-path model's paths, so each row of "Traffic paths" can show what it really got.
 *
 * Pure. What telemetry can and cannot tell apart decides the matching:
 * - `gateway ns/name` (a Gateway object): gateway workloads reporting from the Gateway's namespace; when the model has
 *   a single gateway path, every gateway workload (the Gateway object and its Deployment often live apart).
 * - `mesh N`: sidecar callers whose `source_workload_namespace` is N; `mesh *`: those of namespaces no other mesh path
 *   names.
 * - `plain`: a request without a source proxy carries no source namespace (`unknown`), so every plain path gets the
 *   plain callers' total.
 * - A path with a `variant` (a header route) and `ambient` paths get nothing: the standard metrics do not tell
 *   request classes apart, and ztunnel's reports are not read (ADR 0180, "Not modelled").
 */
import type { PathKind } from './types.js';
import type { CallerSplit } from './observed-split.js';

export type { CallerSplit } from './observed-split.js';

/** What a model path was observed to get. */
export interface ObservedPathShare {
  /** Fraction 0..1 of the path's requests that reached the canary; undefined below the minimum sample size. */
  share: number | undefined;
  canaryRequests: number;
  totalRequests: number;
  /** The callers counted (`CallerSplit.from`), sorted. */
  callers: string[];
}

/** A model path as the matching needs it. */
export interface ModelPathRef {
  kind: PathKind;
  from: string;
  variant?: string | undefined;
}

/** The callers a model path stands for (see the module comment); empty when telemetry cannot tell. */
export function callersOfPath(
  path: ModelPathRef,
  callers: readonly CallerSplit[],
  modelPaths: readonly ModelPathRef[],
): CallerSplit[] {
  if (path.variant) return [];
  const plainPaths = modelPaths.filter((p) => !p.variant);
  switch (path.kind) {
    case 'gateway': {
      const single = plainPaths.filter((p) => p.kind === 'gateway').length === 1;
      const namespace = path.from.split('/')[0];
      return callers.filter((c) => c.path === 'gateway' && (single || c.from.split('/')[0] === namespace));
    }
    case 'mesh': {
      if (path.from !== '*') return callers.filter((c) => c.path === 'mesh' && c.from === path.from);
      const named = new Set(plainPaths.filter((p) => p.kind === 'mesh').map((p) => p.from));
      return callers.filter((c) => c.path === 'mesh' && !named.has(c.from));
    }
    case 'plain':
      return callers.filter((c) => c.path === 'plain');
    default:
      return [];
  }
}

/** What a model path was observed to get; undefined when no caller it stands for sent anything. */
export function observedShareOf(
  path: ModelPathRef,
  callers: readonly CallerSplit[],
  modelPaths: readonly ModelPathRef[],
  minSamples: number,
): ObservedPathShare | undefined {
  const counted = callersOfPath(path, callers, modelPaths);
  if (counted.length === 0) return undefined;
  const canaryRequests = counted.reduce((sum, c) => sum + c.canaryRequests, 0);
  const totalRequests = counted.reduce((sum, c) => sum + c.totalRequests, 0);
  return {
    share: totalRequests >= minSamples && totalRequests > 0 ? canaryRequests / totalRequests : undefined,
    canaryRequests,
    totalRequests,
    callers: counted.map((c) => c.from).sort(),
  };
}
