import type { TrafficRouter } from '../router.js';
import { planTraffic } from './reconcile-traffic.js';
import { istioSpecProblems } from './spec-problems.js';

/** The Istio implementation of the router port. */
export const ISTIO_ROUTER: TrafficRouter = {
  type: 'Istio',
  plan: planTraffic,
  specProblems: istioSpecProblems,
};
