import type { VirtualService } from '../../api/istio.js';
import type { Rollout } from '../../api/rollout.js';
import type { RouterError, TrafficPlan, TrafficWrite } from '../router.js';
import { removeManagedRoutes } from './managed-routes.js';
import { findVirtualService, routingOf } from './roles.js';

/**
 * Argo's RemoveManagedRoutes over every referenced VirtualService: missing VirtualServices are skipped (there is
 * nothing to clean), VirtualServices without `spec.http` are left alone. All or nothing on errors.
 */
export function planRouteCleanup(input: {
  rollout: Rollout;
  virtualServices: readonly VirtualService[];
}): TrafficPlan {
  const { rollout } = input;
  const writes: TrafficWrite[] = [];
  const errors: RouterError[] = [];
  const events: TrafficPlan['events'] = [];
  for (const target of routingOf(rollout)?.virtualServices ?? []) {
    const vs = findVirtualService(input.virtualServices, target);
    if (!vs) continue;
    const result = removeManagedRoutes(vs, rollout);
    if (result.kind === 'error') errors.push(result.error);
    if (result.kind === 'updated') {
      writes.push({ kind: 'VirtualService', object: result.object });
      events.push(...result.events);
    }
  }
  return errors.length > 0
    ? { writes: [], errors, events: [], requeue: false }
    : { writes, errors, events, requeue: false };
}
