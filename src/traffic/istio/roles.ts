import type { Destination, DestinationRule, VirtualService } from '../../api/istio.js';
import type { IstioDestinationRuleRef, IstioVirtualServiceRef, Rollout } from '../../api/rollout.js';

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

/** [stable, canary] Service names; with ping-pong the pair follows `status.canary.stablePingPong` (default ping). */
export function stableAndCanaryServices(rollout: Rollout): [string, string] {
  const canary = rollout.spec.strategy.canary;
  const pingPong = canary?.pingPong;
  if (pingPong) {
    const stableIsPing = rollout.status?.canary?.stablePingPong !== 'pong';
    return stableIsPing
      ? [pingPong.pingService, pingPong.pongService]
      : [pingPong.pongService, pingPong.pingService];
  }
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

/** The VirtualService references of a Rollout: `virtualServices[]` when set, else `virtualService`. */
export function virtualServiceRefs(rollout: Rollout): IstioVirtualServiceRef[] {
  const istio = rollout.spec.strategy.canary?.trafficRouting?.istio;
  if (!istio) return [];
  if (multipleVirtualServicesConfigured(rollout)) return istio.virtualServices ?? [];
  return istio.virtualService ? [istio.virtualService] : [];
}

export function multipleVirtualServicesConfigured(rollout: Rollout): boolean {
  return rollout.spec.strategy.canary?.trafficRouting?.istio?.virtualServices !== undefined;
}

export interface ObjectName {
  namespace: string;
  name: string;
}

/**
 * `name`, `name.namespace`, or `name.namespace.svc.cluster.local`: the last dot-segment (after dropping the cluster
 * suffix) is the namespace; a bare name lives in the Rollout's namespace.
 */
export function resolveVirtualServiceName(refName: string, rolloutNamespace: string): ObjectName {
  const trimmed = refName.replace(/\.svc\.cluster\.local$/, '').replace(/\.cluster\.local$/, '');
  const dot = trimmed.lastIndexOf('.');
  if (dot <= 0) return { namespace: rolloutNamespace, name: trimmed };
  return { namespace: trimmed.slice(dot + 1), name: trimmed.slice(0, dot) };
}

export function findVirtualService(
  all: readonly VirtualService[],
  target: ObjectName,
): VirtualService | undefined {
  return all.find(
    (vs) => vs.metadata.name === target.name && (vs.metadata.namespace ?? '') === target.namespace,
  );
}

export function findDestinationRule(
  rollout: Rollout,
  candidate: DestinationRule | undefined,
): DestinationRule | undefined {
  const ref = rollout.spec.strategy.canary?.trafficRouting?.istio?.destinationRule;
  if (!ref || !candidate) return undefined;
  const sameNamespace = (candidate.metadata.namespace ?? '') === (rollout.metadata.namespace ?? '');
  return candidate.metadata.name === ref.name && sameNamespace ? candidate : undefined;
}

/** Names of HTTP routes truesplit may create or delete: `managedRoutes` plus every step header/mirror route. */
export function managedRouteNames(rollout: Rollout): Set<string> {
  const canary = rollout.spec.strategy.canary;
  const names = new Set((canary?.trafficRouting?.managedRoutes ?? []).map((r) => r.name));
  for (const step of canary?.steps ?? []) {
    if (step.setHeaderRoute) names.add(step.setHeaderRoute.name);
    if (step.setMirrorRoute) names.add(step.setMirrorRoute.name);
  }
  return names;
}

export function virtualServiceObjectRef(target: ObjectName): string {
  return `VirtualService/${target.namespace}/${target.name}`;
}
