/** Step progress of a pass: pause steps, full promotion, abort, step completion (§3.1 step 7, §3.4, §3.6, §3.7). */
import { REVISION_ANNOTATION } from '../api/labels.js';
import { nextStablePingPong } from '../api/ping-pong.js';
import type { PauseCondition, RolloutStatus, TrafficWeights } from '../api/rollout.js';
import type { PlanContext } from './context.js';
import { formatTime, parseTime } from '../util/time.js';
import type { PlanOutput } from './plan-output.js';
import { atDesiredReplicaCounts, requiredAvailable } from './replicas.js';
import { annotateScaleDownDeadline } from './scale.js';
import {
  currentStep,
  currentStepIndex,
  findPauseCondition,
  isAborted,
  pauseDurationSeconds,
  stepLabel,
} from './steps.js';

const CANARY_PAUSE = 'CanaryPauseStep';

/** Pause-step bookkeeping the status sync applies. */
export interface PauseState {
  conditions: PauseCondition[];
  added: boolean;
}

/** Argo's reconcileCanaryPause: reaching a pause step adds CanaryPauseStep once; a timed pause requeues to expiry. */
export function reconcilePauseStep(ctx: PlanContext, out: PlanOutput): PauseState {
  const state: PauseState = { conditions: [...(ctx.prev.pauseConditions ?? [])], added: false };
  if (ctx.cfg.paused || ctx.prev.promoteFull || isAborted(ctx)) return state;
  const step = currentStep(ctx);
  if (!step?.pause) return state;
  const condition = findPauseCondition(ctx.prev.pauseConditions, CANARY_PAUSE);
  if (!condition) {
    if (!ctx.prev.controllerPause) {
      state.conditions.push({ reason: CANARY_PAUSE, startTime: formatTime(ctx.now) });
      state.added = true;
    }
    return state;
  }
  const seconds = pauseDurationSeconds(step.pause.duration);
  const started = parseTime(condition.startTime);
  if (seconds !== undefined && started !== undefined) out.requeue(started + seconds * 1000 - ctx.now + 1000);
  return state;
}

function completedPauseStep(ctx: PlanContext, duration: unknown): boolean {
  const condition = findPauseCondition(ctx.prev.pauseConditions, CANARY_PAUSE);
  if (ctx.prev.controllerPause && !condition) return true;
  const seconds = pauseDurationSeconds(duration as string | number | undefined);
  const started = parseTime(condition?.startTime);
  return seconds !== undefined && started !== undefined && ctx.now > started + seconds * 1000;
}

/**
 * Argo's completedCurrentCanaryStep. An analysis step completes when its run is Successful (without observed runs, a
 * simulation, at once); experiment and plugin steps never get here: the planner holds them as unsupported
 * (compat-hold.ts, ADR 0120).
 */
export function completedCurrentStep(
  ctx: PlanContext,
  weights: TrafficWeights | undefined,
  hold: boolean,
): boolean {
  if (ctx.cfg.paused) return false;
  const step = currentStep(ctx);
  if (!step) return false;
  if (step.pause) return completedPauseStep(ctx, step.pause.duration);
  if (step.analysis) return ctx.stepRunPhase === undefined || ctx.stepRunPhase === 'Successful';
  if (step.setCanaryScale || typeof step.setWeight === 'number') {
    // `hold`: the router could not apply this pass's weight, so a weight step is not reached yet.
    return !hold && atDesiredReplicaCounts(ctx, weights) && weights?.verified !== false;
  }
  return true;
}

/** Argo's shouldFullPromote: the reason to mark the canary stable now, or '' to wait. */
export function fullPromotionReason(ctx: PlanContext): string {
  if (!ctx.stableRS) return 'Initial deploy';
  if (isAborted(ctx)) return '';
  if (!ctx.newRS || ctx.newRS.available < requiredAvailable(ctx, ctx.cfg.replicas)) return '';
  if (ctx.prev.promoteFull) return 'Full promotion requested';
  const steps = ctx.cfg.steps.length;
  if (steps === 0 || currentStepIndex(ctx) === steps) return `Completed all ${steps} canary steps`;
  return '';
}

function revisionOf(ctx: PlanContext): string {
  return ctx.newRS?.rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? String(ctx.newRS?.revision ?? 0);
}

/** Mark the current template stable; the previous stable keeps its pods until its scale-down deadline. */
export function promoteStable(
  ctx: PlanContext,
  status: RolloutStatus,
  out: PlanOutput,
  reason: string,
): void {
  status.pauseConditions = [];
  delete status.abort;
  delete status.promoteFull;
  if (ctx.cfg.steps.length > 0) status.currentStepIndex = ctx.cfg.steps.length;
  if (status.stableRS === status.currentPodHash) return;
  if (ctx.rollout.spec.strategy?.canary?.pingPong) {
    const stablePingPong = nextStablePingPong(ctx.prev, !ctx.prev.stableRS);
    status.canary = { ...(status.canary ?? {}), stablePingPong };
  }
  status.stableRS = status.currentPodHash ?? '';
  out.normal(
    'RolloutCompleted',
    `Rollout completed update to revision ${revisionOf(ctx)} (${status.stableRS}): ${reason}`,
  );
  const previous = ctx.stableRS;
  if (previous && previous !== ctx.newRS && ctx.cfg.trafficRouted && previous.replicas > 0) {
    if (ctx.cfg.scaleDownDelaySeconds > 0)
      annotateScaleDownDeadline(ctx, out, previous, ctx.cfg.scaleDownDelaySeconds);
  }
}

/** Advance `currentStepIndex` past a completed step, with Argo's RolloutStepCompleted event. */
export function completeStep(ctx: PlanContext, status: RolloutStatus, out: PlanOutput): void {
  const index = currentStepIndex(ctx) ?? 0;
  const step = ctx.cfg.steps[index];
  if (!step) return;
  status.currentStepIndex = index + 1;
  if (status.canary?.currentStepAnalysisRunStatus) {
    const canary = { ...status.canary };
    delete canary.currentStepAnalysisRunStatus;
    status.canary = canary;
  }
  out.normal(
    'RolloutStepCompleted',
    `Rollout step ${index + 1}/${ctx.cfg.steps.length} completed (${stepLabel(step)})`,
  );
  status.pauseConditions = (status.pauseConditions ?? []).filter((c) => c.reason !== CANARY_PAUSE);
}

export const PATH_GATE_PAUSE = 'PathGate';
/** While the path gate holds, look again this soon even if no watched object changes. */
export const PATH_GATE_RECHECK_MS = 30_000;

/** The path gate holds the current step: a blocked gate at a `setWeight` step. */
export function pathGateHolds(ctx: PlanContext): boolean {
  return ctx.pathGate?.blocked === true && typeof currentStep(ctx)?.setWeight === 'number';
}

/** Drop a PathGate pause left by an earlier pass; `holdAtPathGate` puts it back while the gate still holds. */
export function releasePathGate(status: RolloutStatus): void {
  if (!status.pauseConditions?.some((c) => c.reason === PATH_GATE_PAUSE)) return;
  status.pauseConditions = status.pauseConditions.filter((c) => c.reason !== PATH_GATE_PAUSE);
}

/** The step would complete but the gate holds it: a PathGate pause (start time kept), a controller pause. */
export function holdAtPathGate(ctx: PlanContext, status: RolloutStatus, out: PlanOutput): void {
  const since = findPauseCondition(ctx.prev.pauseConditions, PATH_GATE_PAUSE)?.startTime;
  const condition: PauseCondition = { reason: PATH_GATE_PAUSE, startTime: since ?? formatTime(ctx.now) };
  status.pauseConditions = [...(status.pauseConditions ?? []), condition];
  status.controllerPause = true;
  out.requeue(PATH_GATE_RECHECK_MS);
}
