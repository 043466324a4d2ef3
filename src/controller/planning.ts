/**
 * The pure functions the reconciler composes: validation, the rollout planner and the Istio traffic router. Bundled
 * as one value so the reconciler is wired to the real implementations in one place (`defaultPlanning`).
 */
import type { KubeObject } from '../api/meta.js';
import { validateRollout } from '../api/validate.js';
import { validateRolloutContext } from '../api/validate-context.js';
import { planRollout } from '../rollout/planner.js';
import { planTraffic } from '../traffic/istio/reconcile-traffic.js';
import { istioSpecProblems } from '../traffic/istio/spec-problems.js';
import type { Rollout } from '../api/rollout.js';
import type { ValidationError } from '../api/validate.js';
import type { RolloutPlan, RolloutSnapshot } from '../rollout/plan-types.js';
import type { TrafficPlanInput } from '../traffic/istio/reconcile-traffic.js';
import type { TrafficPlan } from '../traffic/router.js';

export interface Planning {
  validateRollout(rollout: Rollout): ValidationError[];
  validateRolloutContext(rollout: Rollout, objects: readonly KubeObject[]): ValidationError[];
  planRollout(snapshot: RolloutSnapshot, now: number): RolloutPlan;
  planTraffic(input: TrafficPlanInput): TrafficPlan;
}

/** The real implementations: the only Planning the controller runs with. */
export const defaultPlanning: Planning = {
  validateRollout,
  validateRolloutContext: (rollout, objects) => {
    const references = validateRolloutContext(rollout, objects);
    return references.length > 0 ? references : istioSpecProblems(rollout, objects);
  },
  planRollout,
  planTraffic,
};
