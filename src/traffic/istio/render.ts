import type { DestinationRule, VirtualService } from '../../api/istio.js';
import type { Rollout } from '../../api/rollout.js';
import type { TrafficIntent } from '../../rollout/intent.js';
import { resultObject, type RouterError } from '../router.js';
import { updateHashes } from './destination-rule.js';
import { applyTrafficIntent } from './operations.js';
import { findDestinationRule } from './roles.js';
import { refFor } from './virtual-service.js';

export interface RenderedTraffic {
  /** Every input object, with the intent applied where it applies (unchanged objects included, input order, DR last). */
  objects: (VirtualService | DestinationRule)[];
  errors: RouterError[];
}

/**
 * The Istio objects as they stand once a step's intent is fully applied (`truesplit simulate --render`). This is the
 * converged state: the pass ordering of `planTraffic` (drain, postponed retarget, delayed switch) is not shown.
 * An object that cannot take the intent is returned as it was, with its error.
 */
export function renderTrafficObjects(
  rollout: Rollout,
  intent: TrafficIntent,
  objects: { virtualServices: readonly VirtualService[]; destinationRule?: DestinationRule },
): RenderedTraffic {
  const errors: RouterError[] = [];
  const dr = findDestinationRule(rollout, objects.destinationRule);
  const experiments = intent.additionalDestinations ?? [];
  const vsIntent = {
    canaryWeight: intent.canaryWeight,
    managedRoutes: intent.managedRoutes,
    additional: experiments,
  };
  const rendered: (VirtualService | DestinationRule)[] = objects.virtualServices.map((vs) => {
    if (!refFor(vs, rollout)) return vs;
    const result = applyTrafficIntent(vs, rollout, vsIntent, dr);
    if (result.kind === 'error') errors.push(result.error);
    return resultObject(vs, result);
  });
  if (objects.destinationRule) {
    const result = dr
      ? updateHashes(dr, rollout, intent.canaryHash, intent.stableHash, experiments)
      : undefined;
    if (result?.kind === 'error') errors.push(result.error);
    rendered.push(result ? resultObject(objects.destinationRule, result) : objects.destinationRule);
  }
  return { objects: rendered, errors };
}
