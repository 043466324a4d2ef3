import type {
  Destination,
  HTTPMatchRequest,
  HTTPRoute,
  RouteDestination,
  VirtualService,
} from '../../api/istio.js';
import type { CanaryStep, Rollout, StringMatch } from '../../api/rollout.js';
import type { ManagedRoute } from '../../rollout/intent.js';
import { failed, UNCHANGED, updated, type RouterResult } from '../router.js';
import { invalidRoute, messages } from './errors.js';
import { isRecord } from './shape.js';
import { managedRouteNames } from './roles.js';

/**
 * Header and mirror routes truesplit owns inside a user's VirtualService. Shapes follow Argo: a header route sends
 * matching requests 100% to the canary; a mirror route copies the weighted route's destinations and mirrors a
 * percentage to the canary. Routes named in `managedRoutes` come first, in that order; the user's routes follow in
 * their own order.
 */

export type HeaderRouteStep = NonNullable<CanaryStep['setHeaderRoute']>;
export type MirrorRouteStep = NonNullable<CanaryStep['setMirrorRoute']>;

/** Where managed routes send traffic: the canary Service (host mode) or the DR host + canary subset (subset mode). */
export interface CanaryTarget {
  host: string;
  subset: string;
}

function canaryDestination(target: CanaryTarget, port: number | undefined): Destination {
  const dest: Destination = { host: target.host };
  if (target.subset) dest.subset = target.subset;
  if (port !== undefined && port > 0) dest.port = { number: port };
  return dest;
}

/** Port of the first destination of the weighted route (Argo copies it into managed routes). */
export function weightedRoutePort(weighted: HTTPRoute | undefined): number | undefined {
  const port = weighted?.route?.[0]?.destination.port?.number;
  return typeof port === 'number' ? port : undefined;
}

function stringMatch(value: StringMatch): StringMatch {
  const out: StringMatch = {};
  if (value.exact) out.exact = value.exact;
  if (value.regex) out.regex = value.regex;
  if (value.prefix) out.prefix = value.prefix;
  return out;
}

export function buildHeaderRoute(
  step: HeaderRouteStep,
  target: CanaryTarget,
  weighted: HTTPRoute | undefined,
): HTTPRoute {
  return {
    name: step.name,
    match: (step.match ?? []).map((m) => ({ headers: { [m.headerName]: stringMatch(m.headerValue) } })),
    route: [{ destination: canaryDestination(target, weightedRoutePort(weighted)), weight: 100 }],
  };
}

export function buildMirrorRoute(
  step: MirrorRouteStep,
  target: CanaryTarget,
  weighted: HTTPRoute | undefined,
): HTTPRoute {
  const match = (step.match ?? []).map((m) => {
    const out: HTTPMatchRequest = {};
    if (m.method) out.method = m.method;
    if (m.path) out.uri = m.path;
    if (m.headers) out.headers = m.headers;
    return out;
  });
  const route: RouteDestination[] = structuredClone(weighted?.route ?? []);
  return {
    name: step.name,
    match,
    route,
    mirror: canaryDestination(target, weightedRoutePort(weighted)),
    mirrorPercentage: { value: step.percentage ?? 100 },
  };
}

export function buildManagedRoute(
  route: ManagedRoute,
  target: CanaryTarget,
  weighted: HTTPRoute | undefined,
): HTTPRoute {
  return route.kind === 'header'
    ? buildHeaderRoute(route.step, target, weighted)
    : buildMirrorRoute(route.step, target, weighted);
}

/** Header routes are appended, mirror routes prepended, after dropping any route of the same name. */
export function placeManagedRoute(
  routes: readonly HTTPRoute[],
  kind: ManagedRoute['kind'],
  route: HTTPRoute,
): HTTPRoute[] {
  const others = routes.filter((r) => r.name !== route.name);
  return kind === 'header' ? [...others, route] : [route, ...others];
}

export function withoutRoutesNamed(routes: readonly HTTPRoute[], names: ReadonlySet<string>): HTTPRoute[] {
  return routes.filter((r) => !(typeof r.name === 'string' && names.has(r.name)));
}

/** Routes named in `managedRoutes` first, in that order; every other route after, in its current order. */
export function orderManagedRoutes(routes: readonly HTTPRoute[], order: readonly string[]): HTTPRoute[] {
  if (order.length === 0) return [...routes];
  const ordered = order.flatMap((name) => routes.filter((r) => r.name === name));
  const set = new Set(order);
  return [...ordered, ...routes.filter((r) => !(typeof r.name === 'string' && set.has(r.name)))];
}

export function managedRouteOrder(rollout: Rollout): string[] {
  return (rollout.spec.strategy.canary?.trafficRouting?.managedRoutes ?? []).map((r) => r.name);
}

/** Argo's RemoveManagedRoutes on one VirtualService: drop every managed or step route, keep the user's routes. */
export function removeManagedRoutes(vs: VirtualService, rollout: Rollout): RouterResult<VirtualService> {
  const objectRef = `VirtualService/${vs.metadata.namespace ?? rollout.metadata.namespace ?? ''}/${vs.metadata.name}`;
  const http: unknown = vs.spec.http;
  if (http === undefined) return UNCHANGED;
  if (!Array.isArray(http)) return failed(invalidRoute(objectRef, messages.httpRoutesNotList, 'spec.http'));
  const names = managedRouteNames(rollout);
  if (names.size === 0) return UNCHANGED;
  const entries = http as unknown[];
  const bad = entries.findIndex((r) => !isRecord(r));
  if (bad >= 0) return failed(invalidRoute(objectRef, messages.splitManagedRoutes, `spec.http[${bad}]`));
  const kept = withoutRoutesNamed(entries as HTTPRoute[], names);
  if (kept.length === entries.length) return UNCHANGED;
  const message = `VirtualService \`${vs.metadata.name}\` removed all managed routes.`;
  return updated({ ...vs, spec: { ...vs.spec, http: kept } }, [
    { type: 'Normal', reason: 'Updated VirtualService', message },
  ]);
}
