import type {
  DestinationRule,
  HTTPMatchRequest,
  HTTPRoute,
  RouteDestination,
  StringMatch,
  VirtualService,
} from '../api/index.js';
import { objectRef } from '../api/index.js';
import { stableAndCanaryServices } from '../traffic/istio/roles.js';
import { ANY_NAMESPACE, isExportedTo, MESH_GATEWAY, resolveGatewayRef, resolveHost } from './hosts.js';
import type { SnapshotIndex } from './index-snapshot.js';
import { countEndpoints, destinationRuleFor, findService } from './index-snapshot.js';
import type { RolloutTrafficState } from './snapshot.js';

/** One request class through a VirtualService: the default requests, or a variant such as a header route. */
export interface RouteChoice {
  /** Undefined for ordinary requests; a description ("header x-canary: yes") for a variant. */
  variant?: string;
  route: HTTPRoute;
}

/**
 * Rule 2.5: routes in order; a route without an applicable `match` is the catch-all; earlier matches are variants.
 * `callerNs` is the namespace of a mesh caller (`*`: any other namespace); `sourceNamespace` matches apply only
 * to that namespace. A match the model cannot settle for a whole namespace of callers (`sourceLabels`, or
 * `sourceNamespace` for generic or gateway callers) before the catch-all makes the choice `uncertain`.
 */
export function chooseRoutes(
  vs: VirtualService,
  source: string,
  callerNs: string = ANY_NAMESPACE,
): { choices: RouteChoice[]; hasDefault: boolean; uncertain?: string } {
  const ns = vs.metadata.namespace ?? 'default';
  const choices: RouteChoice[] = [];
  let uncertain: string | undefined;
  for (const route of vs.spec.http ?? []) {
    const matches = route.match ?? [];
    const applicable = matches.filter((m) => matchAppliesTo(m, source, ns, callerNs) !== 'no');
    if (matches.length > 0 && applicable.length === 0) continue;
    const unsettled = applicable.find((m) => matchAppliesTo(m, source, ns, callerNs) === 'unknown');
    if (unsettled) uncertain ??= `route '${route.name ?? ''}' matches ${describeSource(unsettled)}`;
    if (matches.length === 0 || applicable.some((m) => isCatchAll(m, source, ns, callerNs))) {
      choices.unshift({ route });
      return uncertain ? { choices, hasDefault: true, uncertain } : { choices, hasDefault: true };
    }
    choices.push({ variant: describeMatch(applicable), route });
  }
  return uncertain ? { choices, hasDefault: false, uncertain } : { choices, hasDefault: false };
}

type Applies = 'yes' | 'no' | 'unknown';

function matchAppliesTo(match: HTTPMatchRequest, source: string, vsNs: string, callerNs: string): Applies {
  if (match.gateways && match.gateways.length > 0) {
    if (!match.gateways.some((g) => resolveGatewayRef(g, vsNs) === source)) return 'no';
  }
  const sourceNs = match['sourceNamespace'];
  if (typeof sourceNs === 'string') {
    if (source !== MESH_GATEWAY || callerNs === ANY_NAMESPACE) return 'unknown';
    if (sourceNs !== callerNs) return 'no';
  }
  if (match['sourceLabels'] !== undefined) return 'unknown';
  return 'yes';
}

/** Fields that say who may send, not which requests: settled per caller, so they do not narrow a catch-all. */
const CALLER_FIELDS = new Set(['gateways', 'name', 'sourceNamespace']);

function isCatchAll(match: HTTPMatchRequest, source: string, vsNs: string, callerNs: string): boolean {
  if (matchAppliesTo(match, source, vsNs, callerNs) !== 'yes') return false;
  const keys = Object.keys(match).filter((k) => !CALLER_FIELDS.has(k));
  if (keys.length === 0) return true;
  return keys.length === 1 && match.uri?.prefix === '/';
}

function describeSource(match: HTTPMatchRequest): string {
  const ns = match['sourceNamespace'];
  const labels = match['sourceLabels'];
  const parts: string[] = [];
  if (typeof ns === 'string') parts.push(`sourceNamespace ${ns}`);
  if (labels && typeof labels === 'object') {
    const text = Object.entries(labels as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`);
    parts.push(`sourceLabels ${text.join(',')}`);
  }
  return parts.join(' and ');
}

function describeStringMatch(m: StringMatch | undefined): string {
  if (!m) return '*';
  if (m.exact !== undefined) return m.exact;
  if (m.prefix !== undefined) return `${m.prefix}*`;
  return `~${m.regex ?? ''}`;
}

function describeMatch(matches: readonly HTTPMatchRequest[]): string {
  const first = matches[0] ?? {};
  const parts: string[] = [];
  for (const [name, value] of Object.entries(first.headers ?? {})) {
    parts.push(`header ${name}: ${describeStringMatch(value)}`);
  }
  if (first.uri) parts.push(`uri ${describeStringMatch(first.uri)}`);
  if (first.method) parts.push(`method ${describeStringMatch(first.method)}`);
  const text = parts.length > 0 ? parts.join(', ') : 'matching requests';
  return matches.length > 1 ? `${text} (or ${matches.length - 1} more)` : text;
}

export type FailureCode = 'subset-missing' | 'no-ready-endpoints';

export interface DestinationFailure {
  code: FailureCode;
  objects: string[];
  detail: string;
}

/** Canary fraction per destination (`fqdn|subset|DestinationRule`), shared by every path of one Rollout. */
export type FractionCache = Map<string, number | DestinationFailure>;

export interface RouteShare {
  /** Fraction of the route's requests reaching canary pods; null when a weighted destination has no endpoint. */
  share: number | null;
  /** What the weights ask for (rule 2.6): canary destination weight / sum of weights. */
  intended: number;
  failures: DestinationFailure[];
}

/** Istio: a lone destination without weight takes 100; with several, a missing weight is 0. */
function weightOf(dest: RouteDestination, count: number): number {
  return dest.weight ?? (count === 1 ? 100 : 0);
}

function isCanaryDestination(dest: RouteDestination, state: RolloutTrafficState): boolean {
  const canary = state.rollout.spec.strategy.canary;
  const subsetName = canary?.trafficRouting?.istio?.destinationRule?.canarySubsetName;
  if (subsetName !== undefined) return dest.destination.subset === subsetName;
  const service = stableAndCanaryServices(state.rollout)[1];
  return service !== '' && dest.destination.host.split('.')[0] === service;
}

/**
 * Rules 2.6, 2.7, 2.10: each weighted destination sends its weight to the pods its Service and subset select;
 * the canary share is the weighted mean of the canary fraction of each destination's ready endpoints.
 */
export function routeShare(
  index: SnapshotIndex,
  state: RolloutTrafficState,
  vs: VirtualService,
  route: HTTPRoute,
  callerNs: string,
  cache: FractionCache = new Map(),
): RouteShare {
  const destinations = route.route ?? [];
  let total = 0;
  let canaryIntended = 0;
  let canaryEffective = 0;
  const failures: DestinationFailure[] = [];
  for (const dest of destinations) {
    const weight = weightOf(dest, destinations.length);
    if (weight <= 0) continue;
    total += weight;
    if (isCanaryDestination(dest, state)) canaryIntended += weight;
    const fraction = destinationCanaryFraction(index, state, vs, dest, callerNs, cache);
    if (typeof fraction === 'number') canaryEffective += weight * fraction;
    else failures.push(fraction);
  }
  if (total === 0) return { share: null, intended: 0, failures };
  return {
    share: failures.length > 0 ? null : canaryEffective / total,
    intended: canaryIntended / total,
    failures,
  };
}

function destinationCanaryFraction(
  index: SnapshotIndex,
  state: RolloutTrafficState,
  vs: VirtualService,
  dest: RouteDestination,
  callerNs: string,
  cache: FractionCache,
): number | DestinationFailure {
  const fqdn = resolveHost(dest.destination.host, vs.metadata.namespace ?? 'default');
  const subsetName = dest.destination.subset;
  const dr =
    subsetName === undefined ? undefined : destinationRuleFor(index, fqdn, visibleTo(callerNs), callerNs);
  const key = `${fqdn}|${subsetName ?? ''}|${dr ? objectRef(dr) : ''}`;
  let fraction = cache.get(key);
  if (fraction === undefined) {
    fraction = computeFraction(index, state, fqdn, subsetName, dr);
    cache.set(key, fraction);
  }
  return fraction;
}

function visibleTo(callerNs: string) {
  return (dr: DestinationRule) =>
    isExportedTo(dr.spec.exportTo, dr.metadata.namespace ?? 'default', callerNs);
}

function computeFraction(
  index: SnapshotIndex,
  state: RolloutTrafficState,
  fqdn: string,
  subsetName: string | undefined,
  dr: DestinationRule | undefined,
): number | DestinationFailure {
  const service = findService(index, fqdn);
  if (!service) return 0;
  const serviceRef = objectRef(service);
  if (subsetName === undefined) {
    const count = countEndpoints(index, service, state);
    if (count.ready > 0) return count.canaryReady / count.ready;
    return {
      code: 'no-ready-endpoints',
      objects: [serviceRef],
      detail: `${serviceRef} selects no ready pod`,
    };
  }
  const subset = dr?.spec.subsets?.find((s) => s.name === subsetName);
  if (!dr || !subset) {
    const detail = dr ? `subset '${subsetName}' is not defined` : `no DestinationRule for host ${fqdn}`;
    return { code: 'subset-missing', objects: [dr ? objectRef(dr) : serviceRef], detail };
  }
  const count = countEndpoints(index, service, state, subset.labels ?? {});
  if (count.ready > 0) return count.canaryReady / count.ready;
  return {
    code: 'subset-missing',
    objects: [objectRef(dr)],
    detail: `subset '${subsetName}' selects no ready pod`,
  };
}
