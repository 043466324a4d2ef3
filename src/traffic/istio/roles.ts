import type { Destination } from '../../api/istio.js';
import { pingPongServices } from '../../api/ping-pong.js';
import type { IstioDestinationRuleRef, Rollout } from '../../api/rollout.js';

/** Who is canary and who is stable in a route, as the Rollout's `trafficRouting.istio` says. */
export interface RoutingRoles {
  /** Short Service names (before the first dot); '' when not configured. Ping-pong resolves to ping/pong here. */
  canaryHost: string;
  stableHost: string;
  /** Subset names in subset mode ('' in host mode). */
  canarySubset: string;
  stableSubset: string;
  /** Subsets whose destinations keep the weight the user gave them. */
  additionalSubsets: ReadonlySet<string>;
  destinationRule?: IstioDestinationRuleRef;
}

export function routingRoles(rollout: Rollout): RoutingRoles {
  const canary = rollout.spec.strategy.canary;
  const dr = canary?.trafficRouting?.istio?.destinationRule;
  const [stableHost, canaryHost] = stableAndCanaryServices(rollout);
  const roles: RoutingRoles = {
    canaryHost,
    stableHost,
    canarySubset: dr?.canarySubsetName ?? '',
    stableSubset: dr?.stableSubsetName ?? '',
    additionalSubsets: new Set(dr?.additionalSubsetNames ?? []),
  };
  return dr ? { ...roles, destinationRule: dr } : roles;
}

/**
 * [stable, canary] Service names the routes weigh. Argo's Istio router uses `stableService`/`canaryService`, and the
 * ping-pong pair (by `status.canary.stablePingPong`) only when neither is set (GetStableAndCanaryServices with
 * isPingpongPreferred false).
 */
export function stableAndCanaryServices(rollout: Rollout): [string, string] {
  const canary = rollout.spec.strategy.canary;
  const pingPong = pingPongServices(rollout);
  if (pingPong && !canary?.stableService && !canary?.canaryService) return [pingPong.stable, pingPong.canary];
  return [canary?.stableService ?? '', canary?.canaryService ?? ''];
}

/** Argo compares destination hosts on the part before the first dot: `stable.ns.svc.cluster.local` is `stable`. */
export function shortHost(host: unknown): string {
  if (typeof host !== 'string') return '';
  const dot = host.indexOf('.');
  if (dot === 0) return '';
  return dot < 0 ? host : host.slice(0, dot);
}

export type DestinationRole = 'canary' | 'stable' | 'additional' | 'other';

export function destinationRole(dest: Destination, roles: RoutingRoles): DestinationRole {
  const host = shortHost(dest.host);
  const subset = typeof dest.subset === 'string' ? dest.subset : '';
  if (host === '') return 'other';
  if ((roles.canaryHost && host === roles.canaryHost) || (subset && subset === roles.canarySubset))
    return 'canary';
  if ((roles.stableHost && host === roles.stableHost) || (subset && subset === roles.stableSubset))
    return 'stable';
  if (subset && roles.additionalSubsets.has(subset)) return 'additional';
  return 'other';
}

/** The Rollout → Istio references live with the API types (`api/istio-refs.ts`); the router reads them from here. */
export {
  namespaceOf,
  splitVirtualServiceRef,
  routingOf,
  virtualServiceRefs,
  multipleVirtualServicesConfigured,
  findVirtualService,
  findDestinationRule,
  managedRouteNames,
  virtualServiceObjectRef,
} from '../../api/istio-refs.js';
export type {
  ObjectName,
  VirtualServiceTarget,
  DestinationRuleTarget,
  IstioRouting,
} from '../../api/istio-refs.js';
