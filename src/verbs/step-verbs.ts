/**
 * The verbs that move a Rollout through its steps (promote, abort, retry, pause, resume, restart), as the merge
 * patches `kubectl argo rollouts` sends (ADR 0105). Pure: a Rollout in, patches out. Status patches go to the
 * /status subresource; the controller does the rest.
 */
import type { Rollout } from '../api/rollout.js';
import type { MergePatch } from '../util/json.js';
import { formatTime } from '../util/time.js';
import { rolloutRef, VerbError } from './errors.js';

export interface RolloutPatches {
  /** Merge patch on the Rollout (spec). */
  spec?: MergePatch;
  /** Merge patch on the Rollout's /status subresource. */
  status?: MergePatch;
}

const UNPAUSE: MergePatch = { spec: { paused: false } };

/** Argo's GetCurrentCanaryStep index: undefined without canary steps, else status.currentStepIndex (0 when unset). */
function currentStepIndex(rollout: Rollout): number | undefined {
  const steps = rollout.spec.strategy.canary?.steps ?? [];
  if (steps.length === 0) return undefined;
  return rollout.status?.currentStepIndex ?? 0;
}

/** The index after the current step; an index already past the last step stays where it is. */
function nextStepIndex(rollout: Rollout): number | undefined {
  const index = currentStepIndex(rollout);
  const steps = rollout.spec.strategy.canary?.steps?.length ?? 0;
  if (index === undefined) return undefined;
  return index < steps ? index + 1 : index;
}

function inconclusiveStepAnalysis(rollout: Rollout): boolean {
  return (
    rollout.spec.strategy.canary !== undefined &&
    rollout.status?.canary?.currentStepAnalysisRunStatus?.status === 'Inconclusive'
  );
}

/** The status half of a plain `promote`: exactly one of the three changes Argo's plugin makes, or none. */
function promoteStatus(rollout: Rollout): MergePatch | undefined {
  const pauseConditions = rollout.status?.pauseConditions ?? [];
  const next = nextStepIndex(rollout);
  if (inconclusiveStepAnalysis(rollout) && pauseConditions.length > 0 && rollout.status?.controllerPause) {
    if (next === undefined) return undefined;
    return { status: { pauseConditions: null, controllerPause: false, currentStepIndex: next } };
  }
  if (pauseConditions.length > 0) return { status: { pauseConditions: null } };
  if (next === undefined) return undefined;
  return { status: { pauseConditions: null, currentStepIndex: next } };
}

/**
 * `promote`: spec.paused=false when set; then an inconclusive step analysis is passed (pause conditions and
 * controllerPause cleared, next step), else the pause conditions are cleared, else (a canary with steps that is not
 * paused at a step, e.g. waiting for canary pods or at a setWeight step) the current step is skipped.
 */
export function promotePatches(rollout: Rollout): RolloutPatches {
  const status = promoteStatus(rollout);
  return { ...(rollout.spec.paused ? { spec: UNPAUSE } : {}), ...(status ? { status } : {}) };
}

/**
 * `promote --full`: status.promoteFull=true, nothing else (a manual pause stays: Argo's plugin leaves spec.paused
 * alone). Nothing is sent when the current pod hash is already the stable one.
 */
export function promoteFullPatches(rollout: Rollout): RolloutPatches {
  const status = rollout.status ?? {};
  if ((status.currentPodHash ?? '') === (status.stableRS ?? '')) return {};
  return { status: { status: { promoteFull: true } } };
}

/** Which step the deprecated `--skip-current-step` / `--skip-all-steps` flags jump to. */
export type StepSkip = 'current' | 'all';

/** Argo's deprecated step skips: status.currentStepIndex set directly (next step, or past the last one). */
export function skipStepPatches(rollout: Rollout, skip: StepSkip): RolloutPatches {
  if (rollout.spec.strategy.blueGreen !== undefined) {
    throw new VerbError(`${rolloutRef(rollout)}: cannot skip steps of a blue-green rollout`);
  }
  const steps = rollout.spec.strategy.canary?.steps?.length ?? 0;
  if (steps === 0) {
    throw new VerbError(
      `${rolloutRef(rollout)}: cannot skip steps of a rollout without steps (spec.strategy.canary.steps is empty)`,
    );
  }
  const index = skip === 'all' ? steps : nextStepIndex(rollout);
  return { status: { status: { currentStepIndex: index } } };
}

export const abortPatches = (): RolloutPatches => ({ status: { status: { abort: true } } });
export const retryPatches = (): RolloutPatches => ({ status: { status: { abort: false } } });
export const pausePatches = (): RolloutPatches => ({ spec: { spec: { paused: true } } });
/** `resume`: lift a manual pause only; step pauses are left to `promote` (ADR 0105). */
export const resumePatches = (): RolloutPatches => ({ spec: UNPAUSE });

/** `restart`: spec.restartAt = `at` (epoch ms), in whole seconds as Go's time.RFC3339 writes it. */
export function restartPatches(at: number): RolloutPatches {
  return { spec: { spec: { restartAt: formatTime(at) } } };
}
