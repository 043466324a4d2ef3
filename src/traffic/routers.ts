/** The router factory the reconcile pass dispatches through: one implementation per `trafficRouting` kind. */
import type { Rollout } from '../api/rollout.js';
import { ISTIO_ROUTER } from './istio/router.js';
import type { TrafficRouter } from './router.js';

/** The router for the Rollout's `trafficRouting` (Istio is the only one); undefined without traffic routing. */
export function routerFor(rollout: Rollout): TrafficRouter | undefined {
  return rollout.spec.strategy.canary?.trafficRouting?.istio ? ISTIO_ROUTER : undefined;
}
