import type {
  HTTPRoute,
  L4MatchAttributes,
  RouteDestination,
  TCPRoute,
  TLSRoute,
  VirtualService,
} from '../../api/istio.js';
import type { IstioVirtualServiceRef } from '../../api/rollout.js';
import type { RouterError } from '../router.js';
import { invalidRoute, messages } from './errors.js';
import { shortHost, type RoutingRoles } from './roles.js';

/** Indexes into `spec.http`, `spec.tls`, `spec.tcp` of the routes whose weights the Rollout drives. */
export interface SelectedRoutes {
  http: number[];
  tls: number[];
  tcp: number[];
}

export type Selection = { indexes: number[] } | { message: string; field: string };

/**
 * HTTP routes named in `routes`; with `routes` omitted, the first unnamed route, else the only route that is not a
 * managed route. (Ambiguity — more than one unmanaged route with `routes` omitted — is checked by `selectRoutes`.)
 */
export function selectHttpRouteIndexes(
  names: readonly string[] | undefined,
  routes: readonly HTTPRoute[],
  managed: ReadonlySet<string> = new Set(),
): Selection {
  if (names && names.length > 0) {
    const indexes: number[] = [];
    for (const name of names) {
      const index = routes.findIndex((r) => r.name === name);
      if (index < 0) return { message: messages.httpRouteNotFound(name), field: 'spec.http' };
      indexes.push(index);
    }
    return { indexes };
  }
  const unnamed = routes.findIndex((r) => r.name === undefined || r.name === '');
  if (unnamed >= 0) return { indexes: [unnamed] };
  const unmanaged = unmanagedIndexes(routes, managed);
  return { indexes: unmanaged.length === 1 ? unmanaged : [] };
}

function unmanagedIndexes(routes: readonly HTTPRoute[], managed: ReadonlySet<string>): number[] {
  return routes.flatMap((r, i) => (typeof r.name === 'string' && managed.has(r.name) ? [] : [i]));
}

function matchPortsAndHosts(match: L4MatchAttributes[] | undefined): {
  ports: Set<number>;
  sni: Set<string>;
} {
  const ports = new Set<number>();
  const sni = new Set<string>();
  for (const m of match ?? []) {
    ports.add(typeof m.port === 'number' ? m.port : 0);
    for (const host of m.sniHosts ?? []) sni.add(host);
  }
  return { ports, sni };
}

/** A route "is on" a port when all its match blocks together name at most one port and it equals `port` (0 = none). */
function singlePortEquals(ports: Set<number>, port: number): boolean {
  if (ports.size > 1) return false;
  const [only = 0] = [...ports];
  return only === port;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

export function selectTlsRouteIndexes(
  refs: IstioVirtualServiceRef['tlsRoutes'],
  routes: readonly TLSRoute[] | undefined,
): Selection {
  return selectL4(refs, routes, 'tls', (route, ref) => {
    const { ports, sni } = matchPortsAndHosts(route.match);
    return singlePortEquals(ports, ref.port ?? 0) && sameSet(sni, new Set(ref.sniHosts ?? []));
  });
}

export function selectTcpRouteIndexes(
  refs: IstioVirtualServiceRef['tcpRoutes'],
  routes: readonly TCPRoute[] | undefined,
): Selection {
  return selectL4(refs, routes, 'tcp', (route, ref) =>
    singlePortEquals(matchPortsAndHosts(route.match).ports, ref.port ?? 0),
  );
}

function selectL4<R extends TLSRoute | TCPRoute, Ref>(
  refs: readonly Ref[] | undefined,
  routes: readonly R[] | undefined,
  kind: 'tls' | 'tcp',
  matches: (route: R, ref: Ref) => boolean,
): Selection {
  const noMatch = kind === 'tls' ? messages.noTlsRoutes : messages.noTcpRoutes;
  if (!refs || refs.length === 0) {
    if (!routes || routes.length === 0) return { indexes: [] };
    if (routes.length > 1) {
      return {
        message: kind === 'tls' ? messages.ambiguousTls : messages.ambiguousTcp,
        field: `spec.${kind}`,
      };
    }
    return { indexes: [0] };
  }
  const indexes: number[] = [];
  for (const ref of refs) {
    const found = (routes ?? []).flatMap((route, i) => (matches(route, ref) ? [i] : []));
    if (found.length === 0) return { message: noMatch, field: `spec.${kind}` };
    indexes.push(...found.filter((i) => !indexes.includes(i)));
  }
  return { indexes };
}

/** Argo's per-route check: the canary and the stable destination (host or subset) are both present. */
export function checkRouteDestinations(
  destinations: readonly RouteDestination[] | undefined,
  roles: RoutingRoles,
): string | undefined {
  const list = destinations ?? [];
  const has = (pred: (d: RouteDestination) => boolean) => list.some(pred);
  if (roles.destinationRule) {
    if (!has((d) => roles.canarySubset !== '' && d.destination.subset === roles.canarySubset)) {
      return messages.canarySubsetMissing(roles.canarySubset);
    }
    if (!has((d) => roles.stableSubset !== '' && d.destination.subset === roles.stableSubset)) {
      return messages.stableSubsetMissing(roles.stableSubset);
    }
    return undefined;
  }
  if (!has((d) => roles.canaryHost !== '' && shortHost(d.destination.host) === roles.canaryHost)) {
    return messages.canaryServiceMissing(roles.canaryHost);
  }
  if (!has((d) => roles.stableHost !== '' && shortHost(d.destination.host) === roles.stableHost)) {
    return messages.stableServiceMissing(roles.stableHost);
  }
  return undefined;
}

/**
 * Every route of `vs` the Rollout drives, checked the way Argo checks them: named routes exist, omitted selectors
 * are unambiguous, and each selected route has both a canary and a stable destination. Managed mirror routes
 * (named in `managed` and carrying a `mirror`) are re-weighted with the rest.
 */
export function selectRoutes(
  vs: VirtualService,
  ref: IstioVirtualServiceRef,
  roles: RoutingRoles,
  managed: ReadonlySet<string>,
  objectRef: string,
): SelectedRoutes | RouterError {
  const hasL4Routes = (vs.spec.tls?.length ?? 0) > 0 || (vs.spec.tcp?.length ?? 0) > 0;
  const http = selectHttp(vs.spec.http, ref.routes, managed, hasL4Routes);
  if ('message' in http) return invalidRoute(objectRef, http.message, http.field);
  const tls = selectTlsRouteIndexes(ref.tlsRoutes, vs.spec.tls);
  if ('message' in tls) return invalidRoute(objectRef, tls.message, tls.field);
  const tcp = selectTcpRouteIndexes(ref.tcpRoutes, vs.spec.tcp);
  if ('message' in tcp) return invalidRoute(objectRef, tcp.message, tcp.field);
  const selected: SelectedRoutes = { http: http.indexes, tls: tls.indexes, tcp: tcp.indexes };
  for (const kind of ['http', 'tls', 'tcp'] as const) {
    for (const index of selected[kind]) {
      const message = checkRouteDestinations(vs.spec[kind]?.[index]?.route, roles);
      if (message) return invalidRoute(objectRef, message, `spec.${kind}[${index}].route`);
    }
  }
  return selected;
}

/** Without `spec.http`, Argo checks no HTTP route when the VirtualService has TLS or TCP routes (a TLS-only host). */
function selectHttp(
  routes: HTTPRoute[] | undefined,
  names: string[] | undefined,
  managed: ReadonlySet<string>,
  hasL4Routes: boolean,
): Selection {
  if (!routes) {
    const [first] = names ?? [];
    return first === undefined || hasL4Routes
      ? { indexes: [] }
      : { message: messages.httpRouteNotFound(first), field: 'spec.http' };
  }
  const picked = selectHttpRouteIndexes(names, routes, managed);
  if ('message' in picked) return picked;
  if ((!names || names.length === 0) && unmanagedIndexes(routes, managed).length > 1) {
    return { message: messages.ambiguousHttp, field: 'spec.http' };
  }
  const mirrors = routes.flatMap((r, i) =>
    r.mirror !== undefined && typeof r.name === 'string' && managed.has(r.name) && !picked.indexes.includes(i)
      ? [i]
      : [],
  );
  return { indexes: [...picked.indexes, ...mirrors] };
}
