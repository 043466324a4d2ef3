import type { DestinationRule, Service, VirtualService } from '../api/index.js';
import { POD_TEMPLATE_HASH_LABEL } from '../api/index.js';
import { referencedVsRefs } from './context.js';
import type { MeshSnapshot, RolloutTrafficState } from './snapshot.js';

/**
 * What the controller leaves in the cluster for a state, reduced to what the path model reads: canary/stable
 * weights on the managed HTTP routes, the pod-template hash in the DestinationRule subsets and in the canary/stable
 * Service selectors. The Istio router (`src/traffic/istio`) is the authority; this stand-in serves tests and inputs
 * that have no router output.
 */
export function withControllerState(snapshot: MeshSnapshot, state: RolloutTrafficState): MeshSnapshot {
  const ns = state.rollout.metadata.namespace ?? 'default';
  const canary = state.rollout.spec.strategy.canary;
  const drRef = canary?.trafficRouting?.istio?.destinationRule;
  const managed = new Map(referencedVsRefs(state).map((t) => [keyOf(t), t.ref.routes]));
  const virtualServices = snapshot.virtualServices.map((vs) => {
    const key = keyOf({ name: vs.metadata.name, namespace: vs.metadata.namespace ?? 'default' });
    return managed.has(key) ? weighVs(vs, state, managed.get(key)) : vs;
  });
  const destinationRules = snapshot.destinationRules.map((dr) =>
    drRef && dr.metadata.name === drRef.name && (dr.metadata.namespace ?? 'default') === ns
      ? hashDr(dr, state)
      : dr,
  );
  return withServiceHashes({ ...snapshot, virtualServices, destinationRules }, state);
}

/** The canary/stable Services with the pod-template hash in their selectors, as the planner switches them. */
export function withServiceHashes(snapshot: MeshSnapshot, state: RolloutTrafficState): MeshSnapshot {
  const ns = state.rollout.metadata.namespace ?? 'default';
  return { ...snapshot, services: snapshot.services.map((svc) => hashService(svc, state, ns)) };
}

function keyOf(ref: { name: string; namespace: string }): string {
  return `${ref.namespace}/${ref.name}`;
}

function weighVs(
  vs: VirtualService,
  state: RolloutTrafficState,
  routes: string[] | undefined,
): VirtualService {
  const canary = state.rollout.spec.strategy.canary;
  const dr = canary?.trafficRouting?.istio?.destinationRule;
  const isCanary = (host: string, subset: string | undefined) =>
    dr ? subset === dr.canarySubsetName : host.split('.')[0] === canary?.canaryService;
  const isStable = (host: string, subset: string | undefined) =>
    dr ? subset === dr.stableSubsetName : host.split('.')[0] === canary?.stableService;
  const http = (vs.spec.http ?? []).map((route, i) => {
    const selected = routes ? route.name !== undefined && routes.includes(route.name) : i === 0;
    if (!selected || !route.route) return route;
    const weighted = route.route.map((d) => {
      if (isCanary(d.destination.host, d.destination.subset)) return { ...d, weight: state.canaryWeight };
      if (isStable(d.destination.host, d.destination.subset))
        return { ...d, weight: 100 - state.canaryWeight };
      return d;
    });
    return { ...route, route: weighted };
  });
  return { ...vs, spec: { ...vs.spec, http } };
}

function hashDr(dr: DestinationRule, state: RolloutTrafficState): DestinationRule {
  const ref = state.rollout.spec.strategy.canary?.trafficRouting?.istio?.destinationRule;
  const subsets = (dr.spec.subsets ?? []).map((s) => {
    const hash =
      s.name === ref?.canarySubsetName
        ? state.canaryHash || state.stableHash
        : s.name === ref?.stableSubsetName
          ? state.stableHash
          : undefined;
    return hash ? { ...s, labels: { ...(s.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } } : s;
  });
  return { ...dr, spec: { ...dr.spec, subsets } };
}

function hashService(svc: Service, state: RolloutTrafficState, ns: string): Service {
  if ((svc.metadata.namespace ?? 'default') !== ns) return svc;
  const canary = state.rollout.spec.strategy.canary;
  const hash =
    svc.metadata.name === canary?.canaryService
      ? state.canaryHash || state.stableHash
      : svc.metadata.name === canary?.stableService
        ? state.stableHash
        : undefined;
  if (!hash) return svc;
  return {
    ...svc,
    spec: { ...svc.spec, selector: { ...(svc.spec.selector ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } },
  };
}
