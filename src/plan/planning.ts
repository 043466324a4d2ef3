/**
 * The pure functions a pass composes: validation, the rollout planner and the router factory. Bundled as one value so
 * the pass is wired to the real implementations in one place (`defaultPlanning`); tests may substitute parts.
 */
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import { validateRollout, type ValidationError } from '../api/validate.js';
import { validateRolloutContext } from '../api/validate-context.js';
import type { RolloutPlan, RolloutSnapshot } from '../rollout/plan-types.js';
import { planRollout } from '../rollout/planner.js';
import type { TrafficRouter } from '../traffic/router.js';
import type { PathModel } from './paths.js';
import { routerFor } from '../traffic/routers.js';

export interface Planning {
  validateRollout(rollout: Rollout): ValidationError[];
  /** The Rollout against the objects it references: existence (api) and the router's own checks. */
  validateRolloutContext(rollout: Rollout, objects: readonly KubeObject[]): ValidationError[];
  planRollout(snapshot: RolloutSnapshot, now: number): RolloutPlan;
  routerFor(rollout: Rollout): TrafficRouter | undefined;
  /** The traffic-path model; default evaluated on every pass (the controller memoises it: `PathModelMemo`). */
  pathModel?: PathModel;
}

/** The real implementations: the only Planning the controller runs with. */
export const defaultPlanning: Planning = {
  validateRollout,
  validateRolloutContext: (rollout, objects) => {
    const references = validateRolloutContext(rollout, objects);
    if (references.length > 0) return references;
    return routerFor(rollout)?.specProblems(rollout, objects) ?? [];
  },
  planRollout,
  routerFor,
};
