/**
 * How the analysis decisions of a pass reach the rest of the planner (Argo's pauseContext): a failed run aborts from
 * this pass on (traffic, scaling and step progress all see it); an inconclusive run adds the
 * `InconclusiveAnalysisRun` pause and, while that pause stands, no ReplicaSet is scaled (Argo's haltProgress); the
 * current runs are recorded in `status.canary`. Pure.
 */
import type { RolloutStatus } from '../api/rollout.js';
import { formatTime } from '../util/time.js';
import { INCONCLUSIVE_PAUSE, type AnalysisDecision } from './analysis-runs.js';
import { runStatusOf } from './analysis-history.js';
import type { PlanContext } from './context.js';
import type { PlanOutput } from './plan-output.js';
import type { PauseState } from './progress.js';
import { findPauseCondition, isAborted } from './steps.js';

/** The context of the rest of the pass: aborted when a current run failed; the step run's phase for completion. */
export function withAnalysisAbort(ctx: PlanContext, analysis: AnalysisDecision | undefined): PlanContext {
  if (!analysis) return ctx;
  const next: PlanContext = { ...ctx, stepRunPhase: analysis.step?.status?.phase ?? '' };
  if (analysis.abortMessage !== undefined && !isAborted(ctx)) next.prev = { ...ctx.prev, abort: true };
  return next;
}

/** Argo's haltProgress: no scaling while manually paused or paused on an inconclusive run, nor when one is added. */
export function haltsScaling(ctx: PlanContext, analysis: AnalysisDecision | undefined): boolean {
  return (
    ctx.cfg.paused ||
    analysis?.pause === true ||
    findPauseCondition(ctx.prev.pauseConditions, INCONCLUSIVE_PAUSE) !== undefined
  );
}

/** Add the InconclusiveAnalysisRun pause once (a controller pause, as Argo's CalculatePauseConditions). */
export function inconclusivePause(ctx: PlanContext, pause: PauseState): void {
  if (findPauseCondition(pause.conditions, INCONCLUSIVE_PAUSE)) return;
  pause.conditions.push({ reason: INCONCLUSIVE_PAUSE, startTime: formatTime(ctx.now) });
  pause.added = true;
}

/** `status.canary.current*AnalysisRunStatus` are the current runs of this pass (Argo's SetCurrentAnalysisRuns). */
export function applyAnalysisDecision(
  status: RolloutStatus,
  analysis: AnalysisDecision,
  out: PlanOutput,
): void {
  const canary = { ...(status.canary ?? {}) };
  delete canary.currentStepAnalysisRunStatus;
  delete canary.currentBackgroundAnalysisRunStatus;
  if (analysis.step) canary.currentStepAnalysisRunStatus = runStatusOf(analysis.step);
  if (analysis.background) canary.currentBackgroundAnalysisRunStatus = runStatusOf(analysis.background);
  if (status.canary || Object.keys(canary).length > 0) status.canary = canary;
  out.events.push(...analysis.events);
}
