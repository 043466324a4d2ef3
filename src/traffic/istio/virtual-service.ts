import type { DestinationRule, HTTPRoute, VirtualService } from '../../api/istio.js';
import type { IstioVirtualServiceRef, Rollout, WeightDestination } from '../../api/rollout.js';
import type { ManagedRoute } from '../../rollout/intent.js';
import {
  failed,
  UNCHANGED,
  updated,
  type RouterError,
  type RouterEvent,
  type RouterResult,
} from '../router.js';
import { deepEqual } from '../../util/json.js';
import { destinationRuleNotFound, invalidRoute } from './errors.js';
import { managedRouteOrder, orderManagedRoutes, type CanaryTarget } from './managed-routes.js';
import {
  managedRouteNames,
  namespaceOf,
  routingOf,
  routingRoles,
  virtualServiceObjectRef,
  type RoutingRoles,
} from './roles.js';
import type { SelectedRoutes } from './route-selection.js';
import { checkVirtualServiceShape } from './shape.js';

/** What every VirtualService transform needs to know about the Rollout and this VirtualService. */
export interface VirtualServiceContext {
  ref: IstioVirtualServiceRef;
  objectRef: string;
  roles: RoutingRoles;
  /** Names truesplit may create/delete (managedRoutes ∪ step routes). */
  managed: Set<string>;
  /** `managedRoutes` order: these routes go first. */
  order: string[];
}

/** The Rollout's reference that resolves to `vs` (name and namespace). */
export function refFor(vs: VirtualService, rollout: Rollout): IstioVirtualServiceRef | undefined {
  const routing = routingOf(rollout);
  const vsNs = vs.metadata.namespace ?? routing?.namespace;
  return routing?.virtualServices.find((t) => t.name === vs.metadata.name && t.namespace === vsNs)?.ref;
}

export function virtualServiceContext(
  vs: VirtualService,
  rollout: Rollout,
): VirtualServiceContext | RouterError {
  const objectRef = virtualServiceObjectRef({
    namespace: vs.metadata.namespace ?? namespaceOf(rollout),
    name: vs.metadata.name,
  });
  const ref = refFor(vs, rollout);
  if (!ref) {
    const message = `VirtualService is not referenced by Rollout '${rollout.metadata.name}' (spec.strategy.canary.trafficRouting.istio)`;
    return invalidRoute(objectRef, message);
  }
  const shapeError = checkVirtualServiceShape(vs, objectRef);
  if (shapeError) return shapeError;
  const names = managedRouteNames(rollout);
  return { ref, objectRef, roles: routingRoles(rollout), managed: names, order: managedRouteOrder(rollout) };
}

/** Where header and mirror routes point: DR host + canary subset in subset mode, the canary Service otherwise. */
export function canaryTarget(
  rollout: Rollout,
  roles: RoutingRoles,
  destinationRule: DestinationRule | undefined,
): CanaryTarget | RouterError {
  const ref = roles.destinationRule;
  if (!ref) return { host: roles.canaryHost, subset: '' };
  if (!destinationRule) {
    return destinationRuleNotFound(`DestinationRule/${namespaceOf(rollout)}/${ref.name}`, ref.name);
  }
  return { host: destinationRule.spec.host, subset: roles.canarySubset };
}

export function isRouterError(value: unknown): value is RouterError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'reason' in value &&
    'object' in value &&
    'message' in value
  );
}

/** The first weighted HTTP route: header routes copy its port, mirror routes its destinations. */
export function weightedHttpRoute(vs: VirtualService, selected: SelectedRoutes): HTTPRoute | undefined {
  const [first] = selected.http;
  return first === undefined ? undefined : vs.spec.http?.[first];
}

export function withHttpRoutes(vs: VirtualService, http: HTTPRoute[]): VirtualService {
  return { ...vs, spec: { ...vs.spec, http } };
}

export function reorder(vs: VirtualService, ctx: VirtualServiceContext): VirtualService {
  if (!vs.spec.http || ctx.order.length === 0) return vs;
  return withHttpRoutes(vs, orderManagedRoutes(vs.spec.http, ctx.order));
}

/** Compare with the input: "unchanged" when deep-equal, else the new object with its events. */
export function finish(
  input: VirtualService,
  output: VirtualService,
  events: RouterEvent[],
): RouterResult<VirtualService> {
  return deepEqual(input, output) ? UNCHANGED : updated(output, events);
}

export function weightEvent(vs: VirtualService, weight: number): RouterEvent {
  const message = `VirtualService \`${vs.metadata.name}\` set to desiredWeight '${weight}'`;
  return { type: 'Normal', reason: 'Updated VirtualService', message };
}

export function managedRouteEvent(vs: VirtualService, route: ManagedRoute): RouterEvent {
  const what = route.kind === 'header' ? 'headerRoute' : 'mirrorRoute';
  const message = `VirtualService \`${vs.metadata.name}\` set ${what} '${route.name}'`;
  return { type: 'Normal', reason: 'Updated VirtualService', message };
}

export function contextOrFail(
  vs: VirtualService,
  rollout: Rollout,
): VirtualServiceContext | RouterResult<never> {
  const ctx = virtualServiceContext(vs, rollout);
  return isRouterError(ctx) ? failed(ctx) : ctx;
}

export type ExperimentDestinations = readonly WeightDestination[];
