import type { DestinationRule, Service, VirtualService } from '../api/index.js';
import { POD_TEMPLATE_HASH_LABEL } from '../api/index.js';
import { pingPongServices } from '../api/ping-pong.js';
import { stableAndCanaryServices } from '../traffic/istio/roles.js';
import { referencedVsRefs } from './context.js';
import type { MeshSnapshot, RolloutTrafficState } from './snapshot.js';

/**
 * What the controller leaves in the cluster for a state, reduced to what the path model reads: canary/stable
 * weights on the managed HTTP routes, the pod-template hash in the DestinationRule subsets and in the canary/stable
 * (and ping/pong) Service selectors. The Istio router (`src/traffic/istio`) is the authority; this stand-in serves tests and inputs
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
  const hashes = serviceHashes(state);
  const services = snapshot.services.map((svc) =>
    (svc.metadata.namespace ?? 'default') === ns ? hashService(svc, hashes) : svc,
  );
  return { ...snapshot, services };
}

function keyOf(ref: { name: string; namespace: string }): string {
  return `${ref.namespace}/${ref.name}`;
}

function weighVs(
  vs: VirtualService,
  state: RolloutTrafficState,
  routes: string[] | undefined,
): VirtualService {
  const dr = state.rollout.spec.strategy.canary?.trafficRouting?.istio?.destinationRule;
  const [stableService, canaryService] = stableAndCanaryServices(state.rollout);
  const isCanary = (host: string, subset: string | undefined) =>
    dr ? subset === dr.canarySubsetName : host.split('.')[0] === canaryService;
  const isStable = (host: string, subset: string | undefined) =>
    dr ? subset === dr.stableSubsetName : host.split('.')[0] === stableService;
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

/** Service name → the hash the planner puts in its selector: stable/canary Services and the ping-pong pair. */
function serviceHashes(state: RolloutTrafficState): Map<string, string> {
  const canary = state.rollout.spec.strategy.canary;
  const canaryHash = state.canaryHash || state.stableHash;
  const hashes = new Map<string, string>();
  const pingPong = pingPongServices(state.rollout);
  if (pingPong) {
    hashes.set(pingPong.stable, state.stableHash);
    hashes.set(pingPong.canary, canaryHash);
  }
  if (canary?.stableService) hashes.set(canary.stableService, state.stableHash);
  if (canary?.canaryService) hashes.set(canary.canaryService, canaryHash);
  return hashes;
}

function hashService(svc: Service, hashes: Map<string, string>): Service {
  const hash = hashes.get(svc.metadata.name);
  if (!hash) return svc;
  return {
    ...svc,
    spec: { ...svc.spec, selector: { ...(svc.spec.selector ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } },
  };
}
