/**
 * The analysis part of a canary pass, Argo's reconcileAnalysisRuns (rollout/analysis.go) as a pure function: the
 * current step run and background run (those `status.canary.current*AnalysisRunStatus` name), which runs to create
 * or terminate, and what their phases do to the Rollout — Inconclusive adds the `InconclusiveAnalysisRun` pause,
 * Failed or Error aborts with Argo's message. Other runs are terminated and pruned (analysis-history.ts). ADR 0144.
 */
import { isCompletedPhase, type AnalysisRun, type RolloutRunType } from '../api/analysis.js';
import { STEP_INDEX_LABEL } from '../api/analysis.js';
import type { RolloutAnalysis } from '../api/rollout.js';
import { analysisRunForRollout } from '../analysis/rollout-run.js';
import { lookupIn, resolveTemplateRefs } from '../analysis/template-refs.js';
import { deepEqual } from '../util/json.js';
import { otherRunWrites, runStatusEvents } from './analysis-history.js';
import type { PlanContext } from './context.js';
import type { AnalysisObservation, AnalysisRunWrite, RolloutEvent } from './plan-types.js';
import { currentStep, currentStepIndex, findPauseCondition, isAborted } from './steps.js';

export const INCONCLUSIVE_PAUSE = 'InconclusiveAnalysisRun';
export const STEP_ABORT_MESSAGE = 'Step-based analysis phase error/failed';
export const BACKGROUND_ABORT_MESSAGE = 'Background analysis phase error/failed';

export interface AnalysisDecision {
  writes: AnalysisRunWrite[];
  /** The current runs after this pass (a run created this pass has no status yet). */
  step?: AnalysisRun;
  background?: AnalysisRun;
  /** Add the InconclusiveAnalysisRun pause condition (Argo then skips scaling and the pause step this pass). */
  pause: boolean;
  /** Abort the update, with this message after Argo's "Rollout aborted update to revision N: ". */
  abortMessage?: string;
  events: RolloutEvent[];
  /** A run could not be built (Argo returns the error: the pass is retried). */
  failure?: string;
}

interface Work {
  ctx: PlanContext;
  observed: AnalysisObservation;
  decision: AnalysisDecision;
}

function runNamed(observed: AnalysisObservation, name: string | undefined): AnalysisRun | undefined {
  return name ? observed.runs.find((run) => run.metadata.name === name) : undefined;
}

/** Argo's cancelAnalysisRuns for one run: `spec.terminate: true` unless completed or already terminating. */
export function terminateWrite(run: AnalysisRun | undefined): AnalysisRunWrite[] {
  if (!run || run.spec.terminate === true || isCompletedPhase(run.status?.phase)) return [];
  return [{ type: 'terminateAnalysisRun', name: run.metadata.name }];
}

/** Argo's needsNewAnalysisRun. */
function needsNewRun(ctx: PlanContext, current: AnalysisRun | undefined): boolean {
  if (!current) return true;
  const conditions = ctx.prev.pauseConditions;
  if (ctx.prev.controllerPause === true && !findPauseCondition(conditions, 'CanaryPauseStep'))
    return current.status?.phase === 'Inconclusive';
  return ctx.prev.abortedAt !== undefined;
}

function sameSpec(a: AnalysisRun, b: AnalysisRun): boolean {
  const key = (run: AnalysisRun) => ({
    metrics: run.spec.metrics,
    args: run.spec.args,
    dryRun: run.spec.dryRun,
    measurementRetention: run.spec.measurementRetention,
  });
  return deepEqual(JSON.parse(JSON.stringify(key(a))), JSON.parse(JSON.stringify(key(b))));
}

/**
 * Argo's CreateWithCollisionCounter, decided on the observation: the first of `name`, `name.1`, `name.2`, … that is
 * free; a run of ours already under that name, still in progress and with the same spec, is taken as the new run.
 */
function placeRun(observed: AnalysisObservation, run: AnalysisRun): { run: AnalysisRun; create: boolean } {
  const base = run.metadata.name;
  for (let n = 0; ; n++) {
    const name = n === 0 ? base : `${base}.${n}`;
    const existing = runNamed(observed, name);
    if (existing && !isCompletedPhase(existing.status?.phase) && sameSpec(existing, run))
      return { run: existing, create: false };
    if (!existing && !(observed.takenNames ?? []).includes(name))
      return { run: { ...run, metadata: { ...run.metadata, name } }, create: true };
  }
}

function createRun(
  work: Work,
  analysis: RolloutAnalysis,
  type: RolloutRunType,
  field: string,
  stepIndex?: number,
): AnalysisRun | undefined {
  const { ctx, observed, decision } = work;
  const namespace = ctx.rollout.metadata.namespace ?? 'default';
  const refs = resolveTemplateRefs(lookupIn(observed.templates), namespace, analysis.templates ?? [], field);
  if (!refs.ok) {
    decision.failure = `${refs.error.field}: ${refs.error.message}`;
    return undefined;
  }
  const built = analysisRunForRollout({
    rollout: ctx.rollout,
    analysis,
    type,
    ...(stepIndex !== undefined ? { stepIndex } : {}),
    hashes: { latest: ctx.newRS?.hash ?? ctx.desiredHash, stable: ctx.stableRS?.hash ?? '' },
    revision: String(ctx.newRS?.revision ?? 0),
    set: refs.set,
  });
  if (!built.ok) {
    decision.failure = `${field}: ${built.error}`;
    return undefined;
  }
  const placed = placeRun(observed, built.value);
  if (placed.create) decision.writes.push({ type: 'createAnalysisRun', run: placed.run });
  return placed.run;
}

/** What a completed run does to the Rollout (the same for step and background runs). */
function applyPhase(decision: AnalysisDecision, run: AnalysisRun, abortPrefix: string): void {
  const phase = run.status?.phase;
  if (phase === 'Inconclusive') decision.pause = true;
  if (phase === 'Failed' || phase === 'Error') {
    const message = run.status?.message;
    decision.abortMessage = message ? `${abortPrefix}: ${message}` : abortPrefix;
  }
}

/** Argo's reconcileStepBasedAnalysisRun. */
function stepRun(work: Work): AnalysisRun | undefined {
  const { ctx, observed, decision } = work;
  const current = runNamed(observed, ctx.prev.canary?.currentStepAnalysisRunStatus?.name);
  if ((ctx.prev.pauseConditions?.length ?? 0) > 0 || isAborted(ctx)) return current;
  const index = currentStepIndex(ctx);
  const analysis = currentStep(ctx)?.analysis;
  const fromPreviousStep =
    current !== undefined && current.metadata.labels?.[STEP_INDEX_LABEL] !== String(index);
  if (index === undefined || !analysis?.templates?.length || fromPreviousStep) {
    decision.writes.push(...terminateWrite(current));
    return undefined;
  }
  if (needsNewRun(ctx, current)) {
    const field = `spec.strategy.canary.steps[${index}].analysis.templates`;
    return createRun(work, analysis, 'Step', field, index);
  }
  if (current) applyPhase(decision, current, STEP_ABORT_MESSAGE);
  return current;
}

/** Argo's BeforeStartingStep. */
function beforeStartingStep(ctx: PlanContext, startingStep: number | undefined): boolean {
  const index = currentStepIndex(ctx);
  return startingStep !== undefined && index !== undefined && index < startingStep;
}

/** Argo's reconcileBackgroundAnalysisRun. */
function backgroundRun(work: Work): AnalysisRun | undefined {
  const { ctx, observed, decision } = work;
  const current = runNamed(observed, ctx.prev.canary?.currentBackgroundAnalysisRunStatus?.name);
  const analysis = ctx.rollout.spec.strategy.canary?.analysis;
  if (!analysis?.templates?.length) {
    decision.writes.push(...terminateWrite(current));
    return undefined;
  }
  const { stableRS, currentPodHash } = ctx.prev;
  if (!stableRS || !currentPodHash || stableRS === currentPodHash) return undefined;
  if (beforeStartingStep(ctx, analysis.startingStep)) return undefined;
  if (findPauseCondition(ctx.prev.pauseConditions, INCONCLUSIVE_PAUSE)) return current;
  if (needsNewRun(ctx, current))
    return createRun(work, analysis, 'Background', 'spec.strategy.canary.analysis.templates');
  if (current) applyPhase(decision, current, BACKGROUND_ABORT_MESSAGE);
  return current;
}

/** Argo skips analysis (and cancels the current runs) on these: aborted, promote --full, rollback, first deploy. */
function skipsAnalysis(ctx: PlanContext): boolean {
  const { stableRS, currentPodHash, promoteFull } = ctx.prev;
  const fullyPromoted = Boolean(stableRS) && stableRS === currentPodHash;
  const rollbackToStable = Boolean(stableRS) && ctx.newRS?.hash === stableRS;
  return !stableRS || fullyPromoted || isAborted(ctx) || promoteFull === true || rollbackToStable;
}

/**
 * While analysis is skipped, Argo keeps the recorded runs current (SetCurrentAnalysisRuns(c.currentArs)): an aborted
 * Rollout still shows the run that failed. Back on its stable ReplicaSet (fully promoted or rolled back) it has none.
 */
function keepsRecordedRuns(ctx: PlanContext): boolean {
  const { stableRS, currentPodHash } = ctx.prev;
  return stableRS !== currentPodHash && ctx.newRS?.hash !== stableRS;
}

/** The analysis decisions of one canary pass. */
export function planAnalysisRuns(ctx: PlanContext, observed: AnalysisObservation): AnalysisDecision {
  const decision: AnalysisDecision = { writes: [], pause: false, events: [] };
  const work: Work = { ctx, observed, decision };
  const [recordedStep, recordedBackground] = [
    runNamed(observed, ctx.prev.canary?.currentStepAnalysisRunStatus?.name),
    runNamed(observed, ctx.prev.canary?.currentBackgroundAnalysisRunStatus?.name),
  ];
  const recorded = [recordedStep, recordedBackground];
  const skipped = skipsAnalysis(ctx);
  if (skipped) {
    for (const run of recorded) decision.writes.push(...terminateWrite(run));
    if (recordedStep && keepsRecordedRuns(ctx)) decision.step = recordedStep;
    if (recordedBackground && keepsRecordedRuns(ctx)) decision.background = recordedBackground;
  } else {
    const step = stepRun(work);
    const background = backgroundRun(work);
    if (step) decision.step = step;
    if (background) decision.background = background;
  }
  if (decision.failure !== undefined) return decision;
  const current = [decision.step, decision.background].filter((r): r is AnalysisRun => r !== undefined);
  const keep = new Set([...recorded, ...current].map((run) => run?.metadata.name));
  const others = observed.runs.filter((run) => !keep.has(run.metadata.name));
  decision.writes.push(...otherRunWrites(ctx, others));
  // Argo reports phase changes only of the runs it reconciles, not of those it keeps while skipping analysis.
  if (!skipped) decision.events.push(...runStatusEvents(ctx.prev, decision));
  return decision;
}
