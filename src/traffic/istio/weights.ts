import type { RouteDestination, VirtualService } from '../../api/istio.js';
import type { WeightDestination } from '../../api/rollout.js';
import type { RouterError } from '../router.js';
import { invalidRoute, messages } from './errors.js';
import { destinationRole, shortHost, type RoutingRoles } from './roles.js';
import type { SelectedRoutes } from './route-selection.js';

/**
 * Weight arithmetic, on a fixed total of 100 like Argo: canary ← W; experiment destinations ← their weight (appended,
 * sorted by host, when missing); additional-subset destinations keep theirs; stable ← the rest. Any other destination
 * with a non-zero weight is dropped (it would break the total); zero-weight ones stay. A weight that already has the
 * desired value is left untouched, so an absent weight stays absent when the target is 0.
 */

export const TOTAL_WEIGHT = 100;

export function checkCanaryWeight(weight: number, objectRef: string): RouterError | undefined {
  if (Number.isInteger(weight) && weight >= 0 && weight <= TOTAL_WEIGHT) return undefined;
  return { reason: 'InvalidWeight', object: objectRef, message: messages.weightOutOfRange(weight) };
}

export function weightOf(dest: RouteDestination): number {
  return typeof dest.weight === 'number' ? dest.weight : 0;
}

function withWeight(dest: RouteDestination, weight: number): RouteDestination {
  return weightOf(dest) === weight ? dest : { ...dest, weight };
}

/** New destination list for one selected route, or the reason it cannot sum to 100. */
export function reweightDestinations(
  destinations: readonly RouteDestination[],
  roles: RoutingRoles,
  canaryWeight: number,
  experiments: readonly WeightDestination[] = [],
): RouteDestination[] | string {
  const pending = new Map(
    experiments.filter((e) => e.serviceName).map((e) => [e.serviceName ?? '', e.weight]),
  );
  const additional = destinations.filter((d) => destinationRole(d.destination, roles) === 'additional');
  const fixed = [...pending.values(), ...additional.map(weightOf)].reduce((a, b) => a + b, 0);
  const stableWeight = TOTAL_WEIGHT - canaryWeight - fixed;
  if (stableWeight < 0) return messages.weightsOverflow(canaryWeight, fixed);
  const next: RouteDestination[] = [];
  for (const dest of destinations) {
    const role = destinationRole(dest.destination, roles);
    const host = shortHost(dest.destination.host);
    if (role === 'canary') next.push(withWeight(dest, canaryWeight));
    else if (role === 'stable') next.push(withWeight(dest, stableWeight));
    else if (role === 'additional') next.push(dest);
    else if (pending.has(host)) {
      next.push(withWeight(dest, pending.get(host) ?? 0));
      pending.delete(host);
    } else if (weightOf(dest) === 0) next.push(dest);
  }
  const missing = [...pending.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const [host, weight] of missing) next.push({ destination: { host }, weight });
  const sum = next.reduce((total, d) => total + weightOf(d), 0);
  return sum === TOTAL_WEIGHT ? next : messages.weightsDoNotSum(sum);
}

/** `vs` with every selected route re-weighted (a new object; the input is not touched). */
export function reweightRoutes(
  vs: VirtualService,
  selected: SelectedRoutes,
  roles: RoutingRoles,
  canaryWeight: number,
  experiments: readonly WeightDestination[],
  objectRef: string,
): VirtualService | RouterError {
  const spec = { ...vs.spec };
  for (const kind of ['http', 'tls', 'tcp'] as const) {
    const routes = spec[kind];
    if (!routes || selected[kind].length === 0) continue;
    const copy = [...routes];
    for (const index of selected[kind]) {
      const route = copy[index];
      if (!route) continue;
      const result = reweightDestinations(route.route ?? [], roles, canaryWeight, experiments);
      if (typeof result === 'string') return invalidRoute(objectRef, result, `spec.${kind}[${index}].route`);
      copy[index] = { ...route, route: result };
    }
    (spec as Record<string, unknown>)[kind] = copy;
  }
  return { ...vs, spec };
}
