import type { DestinationRule, HTTPRoute, VirtualService } from '../../api/istio.js';
import type { Rollout, WeightDestination } from '../../api/rollout.js';
import type { ManagedRoute } from '../../rollout/intent.js';
import { failed, type RouterEvent, type RouterResult } from '../router.js';
import { deepEqual } from '../../util/json.js';
import { invalidRoute } from './errors.js';
import {
  buildManagedRoute,
  placeManagedRoute,
  withoutRoutesNamed,
  type HeaderRouteStep,
  type MirrorRouteStep,
} from './managed-routes.js';
import { selectRoutes } from './route-selection.js';
import {
  canaryTarget,
  contextOrFail,
  finish,
  isRouterError,
  managedRouteEvent,
  reorder,
  weightedHttpRoute,
  weightEvent,
  withHttpRoutes,
  type VirtualServiceContext,
} from './virtual-service.js';
import { checkCanaryWeight, reweightRoutes } from './weights.js';

/** Argo's SetWeight on one VirtualService: re-weight every selected route (and managed mirror routes), then reorder. */
export function setWeight(
  vs: VirtualService,
  rollout: Rollout,
  canaryWeight: number,
  additional: readonly WeightDestination[] = [],
): RouterResult<VirtualService> {
  const ctx = contextOrFail(vs, rollout);
  if ('kind' in ctx) return ctx;
  const weighted = weightAll(vs, ctx, canaryWeight, additional);
  if (isRouterError(weighted)) return failed(weighted);
  const output = reorder(weighted, ctx);
  return finish(vs, output, [weightEvent(vs, canaryWeight)]);
}

function weightAll(
  vs: VirtualService,
  ctx: VirtualServiceContext,
  canaryWeight: number,
  additional: readonly WeightDestination[],
) {
  const weightError = checkCanaryWeight(canaryWeight, ctx.objectRef);
  if (weightError) return weightError;
  const selected = selectRoutes(vs, ctx.ref, ctx.roles, ctx.managed, ctx.objectRef);
  if (isRouterError(selected)) return selected;
  return reweightRoutes(vs, selected, ctx.roles, canaryWeight, additional, ctx.objectRef);
}

function setManagedRoute(
  vs: VirtualService,
  rollout: Rollout,
  route: ManagedRoute,
  destinationRule: DestinationRule | undefined,
): RouterResult<VirtualService> {
  const ctx = contextOrFail(vs, rollout);
  if ('kind' in ctx) return ctx;
  const http = vs.spec.http;
  if (!http) return failed(invalidRoute(ctx.objectRef, 'spec.http not found', 'spec.http'));
  if (!route.step.match) return removeNamedRoute(vs, ctx, route.name);
  const target = canaryTarget(rollout, ctx.roles, destinationRule);
  if (isRouterError(target)) return failed(target);
  const base = withHttpRoutes(vs, withoutRoutesNamed(http, new Set([route.name])));
  const selected = selectRoutes(base, ctx.ref, ctx.roles, ctx.managed, ctx.objectRef);
  if (isRouterError(selected)) return failed(selected);
  const built = buildManagedRoute(route, target, weightedHttpRoute(base, selected));
  const output = reorder(withHttpRoutes(vs, placeManagedRoute(http, route.kind, built)), ctx);
  return finish(vs, output, [managedRouteEvent(vs, route)]);
}

function removeNamedRoute(
  vs: VirtualService,
  ctx: VirtualServiceContext,
  name: string,
): RouterResult<VirtualService> {
  const output = reorder(withHttpRoutes(vs, withoutRoutesNamed(vs.spec.http ?? [], new Set([name]))), ctx);
  const message = `VirtualService \`${vs.metadata.name}\` removed route '${name}'`;
  return finish(vs, output, [{ type: 'Normal', reason: 'Updated VirtualService', message }]);
}

/** setHeaderRoute step: a route sending matching requests 100% to the canary; no `match` removes it. */
export function setHeaderRoute(
  vs: VirtualService,
  rollout: Rollout,
  step: HeaderRouteStep,
  destinationRule?: DestinationRule,
): RouterResult<VirtualService> {
  return setManagedRoute(vs, rollout, { kind: 'header', name: step.name, step }, destinationRule);
}

export function removeHeaderRoute(
  vs: VirtualService,
  rollout: Rollout,
  name: string,
): RouterResult<VirtualService> {
  return setHeaderRoute(vs, rollout, { name });
}

/** setMirrorRoute step: copy of the weighted route that also mirrors `percentage` % to the canary; no `match` removes it. */
export function setMirrorRoute(
  vs: VirtualService,
  rollout: Rollout,
  step: MirrorRouteStep,
  destinationRule?: DestinationRule,
): RouterResult<VirtualService> {
  return setManagedRoute(vs, rollout, { kind: 'mirror', name: step.name, step }, destinationRule);
}

export function removeMirrorRoute(
  vs: VirtualService,
  rollout: Rollout,
  name: string,
): RouterResult<VirtualService> {
  return setMirrorRoute(vs, rollout, { name });
}

export function reorderManagedRoutes(vs: VirtualService, rollout: Rollout): RouterResult<VirtualService> {
  const ctx = contextOrFail(vs, rollout);
  if ('kind' in ctx) return ctx;
  return finish(vs, reorder(vs, ctx), []);
}

/** The level-based target for one VirtualService: weight, experiment destinations, and exactly these managed routes. */
export interface VirtualServiceIntent {
  canaryWeight: number;
  managedRoutes: readonly ManagedRoute[];
  additional?: readonly WeightDestination[];
}

/**
 * Converge one VirtualService: drop every managed route, re-weight the user's selected routes, rebuild the wanted
 * managed routes from the re-weighted route (so mirror routes carry the same weights), then reorder. Applying the
 * same intent to the output is "unchanged".
 */
export function applyTrafficIntent(
  vs: VirtualService,
  rollout: Rollout,
  intent: VirtualServiceIntent,
  destinationRule?: DestinationRule,
): RouterResult<VirtualService> {
  const ctx = contextOrFail(vs, rollout);
  if ('kind' in ctx) return ctx;
  const wanted = intent.managedRoutes.filter((r) => r.step.match !== undefined);
  const removable = new Set([...ctx.managed, ...intent.managedRoutes.map((r) => r.name)]);
  const base = vs.spec.http ? withHttpRoutes(vs, withoutRoutesNamed(vs.spec.http, removable)) : vs;
  const weighted = weightAll(base, ctx, intent.canaryWeight, intent.additional ?? []);
  if (isRouterError(weighted)) return failed(weighted);
  const withManaged = addManagedRoutes(weighted, ctx, rollout, wanted, destinationRule);
  if (isRouterError(withManaged)) return failed(withManaged);
  const output = reorder(withManaged, ctx);
  return finish(vs, output, intentEvents(vs, base, weighted, output, intent));
}

function addManagedRoutes(
  weighted: VirtualService,
  ctx: VirtualServiceContext,
  rollout: Rollout,
  wanted: readonly ManagedRoute[],
  destinationRule: DestinationRule | undefined,
) {
  if (wanted.length === 0) return weighted;
  if (!weighted.spec.http) return invalidRoute(ctx.objectRef, 'spec.http not found', 'spec.http');
  const target = canaryTarget(rollout, ctx.roles, destinationRule);
  if (isRouterError(target)) return target;
  const selected = selectRoutes(weighted, ctx.ref, ctx.roles, ctx.managed, ctx.objectRef);
  if (isRouterError(selected)) return selected;
  const source = weightedHttpRoute(weighted, selected);
  let http: HTTPRoute[] = weighted.spec.http;
  for (const route of wanted)
    http = placeManagedRoute(http, route.kind, buildManagedRoute(route, target, source));
  return withHttpRoutes(weighted, http);
}

function intentEvents(
  input: VirtualService,
  base: VirtualService,
  weighted: VirtualService,
  output: VirtualService,
  intent: VirtualServiceIntent,
): RouterEvent[] {
  const events: RouterEvent[] = [];
  if (!deepEqual(base.spec, weighted.spec)) events.push(weightEvent(input, intent.canaryWeight));
  const before = input.spec.http ?? [];
  const after = output.spec.http ?? [];
  for (const route of intent.managedRoutes) {
    const now = after.find((r) => r.name === route.name);
    if (
      now &&
      !deepEqual(
        now,
        before.find((r) => r.name === route.name),
      )
    )
      events.push(managedRouteEvent(input, route));
  }
  const removed = before.filter((r) => r.name !== undefined && !after.some((a) => a.name === r.name));
  if (removed.length > 0) {
    const names = removed.map((r) => `'${r.name ?? ''}'`).join(', ');
    const message = `VirtualService \`${input.metadata.name}\` removed managed routes ${names}`;
    events.push({ type: 'Normal', reason: 'Updated VirtualService', message });
  }
  return events;
}
