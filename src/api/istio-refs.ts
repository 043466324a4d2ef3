/**
 * Every reference from a Rollout to its Istio objects (`trafficRouting.istio.virtualService(s)`, `destinationRule`),
 * resolved one way — Argo's rule for `name.namespace` names — for validation, the router, the path model, the CLI,
 * the dashboard and the sandbox (`routingOf`). Pure: it reads the Rollout's spec only.
 */
import type { DestinationRule, VirtualService } from './istio.js';
import type {
  IstioDestinationRuleRef,
  IstioTrafficRouting,
  IstioVirtualServiceRef,
  Rollout,
} from './rollout.js';

/** The namespace an object lives in: an object read from a file without one is in `default`, as kubectl says. */
export function namespaceOf(object: { metadata: { namespace?: string } }): string {
  return object.metadata.namespace ?? 'default';
}

export interface ObjectName {
  namespace: string;
  name: string;
}

/** One `virtualService` / `virtualServices[i]` reference, resolved to the object it names. */
export interface VirtualServiceTarget extends ObjectName {
  ref: IstioVirtualServiceRef;
  /** Where the reference is written, for messages (`spec.strategy.canary.trafficRouting.istio.virtualServices[0].name`). */
  field: string;
  /** `VirtualService/namespace/name`. */
  objectRef: string;
}

export interface DestinationRuleTarget extends ObjectName {
  ref: IstioDestinationRuleRef;
  field: string;
  objectRef: string;
}

/** Every Istio object a Rollout names, resolved once: the only reader of `trafficRouting.istio` references. */
export interface IstioRouting {
  /** The Rollout's namespace (`default` when it has none). */
  namespace: string;
  /** `virtualServices` was given (Argo's MultipleVirtualServiceConfigured), so `virtualService` is ignored. */
  multiple: boolean;
  virtualServices: VirtualServiceTarget[];
  destinationRule?: DestinationRuleTarget;
}

const ISTIO_PATH = 'spec.strategy.canary.trafficRouting.istio';

/**
 * Argo's GetVirtualServiceNamespaceName: split the reference on every dot; the first field is the name, the second
 * (when present and not empty) the namespace, the rest is ignored. `web.shop.svc.cluster.local` is `shop/web`,
 * `web.vs.shop` is `vs/web`; a bare `web` lives in the Rollout's namespace.
 */
export function splitVirtualServiceRef(refName: string, rolloutNamespace: string): ObjectName {
  const [name = '', namespace = ''] = refName.split('.');
  return { name, namespace: namespace === '' ? rolloutNamespace : namespace };
}

function isNamedRef(value: unknown): value is IstioVirtualServiceRef {
  return (
    typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string'
  );
}

function virtualServiceTargets(istio: IstioTrafficRouting, namespace: string, multiple: boolean) {
  const refs: [string, unknown][] = multiple
    ? (Array.isArray(istio.virtualServices) ? (istio.virtualServices as unknown[]) : []).map((ref, i) => [
        `${ISTIO_PATH}.virtualServices[${i}].name`,
        ref,
      ])
    : [[`${ISTIO_PATH}.virtualService.name`, istio.virtualService]];
  return refs.flatMap(([field, ref]): VirtualServiceTarget[] => {
    if (!isNamedRef(ref) || ref.name === '') return [];
    const target = splitVirtualServiceRef(ref.name, namespace);
    return [{ ...target, ref, field, objectRef: virtualServiceObjectRef(target) }];
  });
}

/** The Rollout's Istio references (undefined without `trafficRouting.istio`). */
export function routingOf(rollout: Rollout): IstioRouting | undefined {
  const strategy: unknown = rollout.spec.strategy;
  if (typeof strategy !== 'object' || strategy === null) return undefined;
  const istio = rollout.spec.strategy.canary?.trafficRouting?.istio;
  if (typeof istio !== 'object' || istio === null) return undefined;
  const namespace = namespaceOf(rollout);
  const multiple = istio.virtualServices !== undefined;
  const routing: IstioRouting = {
    namespace,
    multiple,
    virtualServices: virtualServiceTargets(istio, namespace, multiple),
  };
  const dr: unknown = istio.destinationRule;
  if (!isNamedRef(dr) || dr.name === '') return routing;
  const target = { namespace, name: dr.name };
  const destinationRule: DestinationRuleTarget = {
    ...target,
    ref: dr as IstioDestinationRuleRef,
    field: `${ISTIO_PATH}.destinationRule.name`,
    objectRef: `DestinationRule/${namespace}/${dr.name}`,
  };
  return { ...routing, destinationRule };
}

/** The VirtualService references of a Rollout: `virtualServices[]` when set, else `virtualService`. */
export function virtualServiceRefs(rollout: Rollout): IstioVirtualServiceRef[] {
  return (routingOf(rollout)?.virtualServices ?? []).map((target) => target.ref);
}

export function multipleVirtualServicesConfigured(rollout: Rollout): boolean {
  return routingOf(rollout)?.multiple ?? false;
}

export function findVirtualService(
  all: readonly VirtualService[],
  target: ObjectName,
): VirtualService | undefined {
  return all.find((vs) => vs.metadata.name === target.name && namespaceOf(vs) === target.namespace);
}

/** The Rollout's DestinationRule when `candidate` is it (same name, the Rollout's namespace). */
export function findDestinationRule(
  rollout: Rollout,
  candidate: DestinationRule | undefined,
): DestinationRule | undefined {
  const target = routingOf(rollout)?.destinationRule;
  if (!target || !candidate) return undefined;
  const same = candidate.metadata.name === target.name && namespaceOf(candidate) === target.namespace;
  return same ? candidate : undefined;
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
