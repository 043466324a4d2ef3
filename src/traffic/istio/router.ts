import type { TrafficRouter } from '../router.js';
import { planTraffic, type TrafficPlanInput } from './reconcile-traffic.js';
import { validateIstioTrafficRouting } from './validate.js';

/** The Istio implementation of the router port. */
export const ISTIO_ROUTER: TrafficRouter<TrafficPlanInput> = {
  type: 'Istio',
  plan: planTraffic,
  validate: (input) => validateIstioTrafficRouting(input),
};
