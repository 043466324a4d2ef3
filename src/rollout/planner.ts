/**
 * The canary planner: one reconcile of one Rollout, `(snapshot, now) → actions, traffic intent, status, events`.
 * Pure: no I/O, no clock. Follows Argo Rollouts' canary pass (spec §3.1): reset on a new template or steps, create the
 * new ReplicaSet, switch Services, decide traffic, scale, handle pause steps, then sync status.
 */
import { REVISION_ANNOTATION } from '../api/labels.js';
import type { RolloutStatus } from '../api/rollout.js';
import { planAnalysisRuns, type AnalysisDecision } from './analysis-runs.js';
import {
  applyAnalysisDecision,
  haltsScaling,
  inconclusivePause,
  withAnalysisAbort,
} from './analysis-status.js';
import { applyCompatConditions, compatState, planHeldRollout, type CompatState } from './compat-hold.js';
import { buildContext, maxRevision, type PlanContext } from './context.js';
import { computePhase } from './conditions.js';
import { planHistoryCleanup } from './history.js';
import { buildNewReplicaSet, withCreatedReplicaSet } from './new-replicaset.js';
import { formatTime } from '../util/time.js';
import { mergeReplicaSetPatches, PlanOutput } from './plan-output.js';
import type { RolloutPlan, RolloutSnapshot } from './plan-types.js';
import {
  completedCurrentStep,
  completeStep,
  fullPromotionReason,
  holdAtPathGate,
  PATH_GATE_PAUSE,
  pathGateHolds,
  promoteStable,
  reconcilePauseStep,
  releasePathGate,
  type PauseState,
} from './progress.js';
import { planScaling, withScaledReplicas } from './scale.js';
import { planEphemeralMetadata } from './ephemeral-metadata.js';
import { planPodRestart } from './restart.js';
import { isRollbackWithinWindow } from './rollback-window.js';
import { planServiceSwitches } from './services.js';
import { applyConditions, baseStatus, type ConditionFlags } from './status.js';
import { currentStepIndex, isAborted } from './steps.js';
import { planTraffic, type TrafficDecision } from './weights.js';

/** Requeue while the router waits for a ReplicaSet to become available (Argo's weight-verify interval). */
const HOLD_REQUEUE_MS = 10_000;

function templateOrStepsChanged(ctx: PlanContext): boolean {
  const { currentStepHash, currentPodHash } = ctx.prev;
  return (
    Boolean(currentStepHash && currentStepHash !== ctx.stepsHash) ||
    Boolean(currentPodHash && currentPodHash !== ctx.desiredHash)
  );
}

/** Create the new ReplicaSet when missing; otherwise make sure it carries the highest revision. */
function ensureNewReplicaSet(ctx: PlanContext, out: PlanOutput): { ctx: PlanContext; created?: string } {
  if (ctx.newRS) {
    const othersMax = maxRevision(ctx.all.filter((v) => v !== ctx.newRS));
    if (ctx.newRS.revision <= othersMax) {
      const revision = othersMax + 1;
      out.actions.push({
        type: 'annotateReplicaSet',
        name: ctx.newRS.name,
        annotations: { [REVISION_ANNOTATION]: String(revision) },
      });
      return { ctx: { ...ctx, newRS: { ...ctx.newRS, revision } } };
    }
    return { ctx };
  }
  const rs = buildNewReplicaSet(ctx, ctx.desiredHash);
  const next = withCreatedReplicaSet(ctx, rs);
  out.actions.push({ type: 'createReplicaSet', replicaSet: rs });
  out.normal(
    'NewReplicaSetCreated',
    `Created ReplicaSet ${rs.metadata.name} (revision ${next.newRS?.revision ?? 0})`,
  );
  return { ctx: next, created: rs.metadata.name };
}

function finish(
  ctx: PlanContext,
  status: RolloutStatus,
  out: PlanOutput,
  traffic?: TrafficDecision,
  analysis?: AnalysisDecision,
): RolloutPlan {
  if (!status.pauseConditions?.length) {
    delete status.pauseConditions;
    delete status.controllerPause;
  }
  if (!status.abort) {
    delete status.abort;
    delete status.abortedAt;
  }
  const { phase, message } = computePhase({
    status,
    replicas: ctx.cfg.replicas,
    paused: ctx.cfg.paused,
    trafficRouted: ctx.cfg.trafficRouted,
    generationObserved: true,
  });
  status.phase = phase;
  status.message =
    phase === 'Paused' && message === PATH_GATE_PAUSE && ctx.pathGate
      ? `${PATH_GATE_PAUSE}: ${ctx.pathGate.message}`
      : message;
  const plan: RolloutPlan = { actions: mergeReplicaSetPatches(out.actions), status, events: out.events };
  if (traffic) plan.traffic = traffic.intent;
  if (out.requeueAfterMs !== undefined) plan.requeueAfterMs = out.requeueAfterMs;
  if (analysis?.writes.length) plan.analysisWrites = analysis.writes;
  if (analysis?.failure !== undefined) plan.failure = analysis.failure;
  return plan;
}

/** New template or steps: find/create the new RS and reset progress; nothing else this pass. */
function planReset(initial: PlanContext, out: PlanOutput): RolloutPlan {
  const { ctx, created } = ensureNewReplicaSet(initial, out);
  const status = baseStatus(ctx);
  status.pauseConditions = [];
  delete status.abort;
  delete status.promoteFull;
  if (status.canary) {
    // A copy: the observed status is the informer's shared, frozen object.
    status.canary = { ...status.canary };
    delete status.canary.currentStepAnalysisRunStatus;
    delete status.canary.currentBackgroundAnalysisRunStatus;
  }
  const steps = ctx.cfg.steps.length;
  if (steps > 0) status.currentStepIndex = 0;
  if (steps > 0 && ctx.newRS && ctx.newRS.hash === ctx.prev.stableRS) {
    status.currentStepIndex = steps;
    out.normal('SkipSteps', 'Rollback to stable ReplicaSets');
  } else if (steps > 0 && isRollbackWithinWindow(ctx)) {
    status.currentStepIndex = steps;
    out.normal('SkipSteps', 'Rollback within the rollbackWindow: steps skipped');
  }
  const flags: ConditionFlags = { paused: ctx.cfg.paused, aborted: false, reset: true };
  if (created) flags.createdReplicaSet = created;
  applyConditions(ctx, status, out, flags);
  return finish(ctx, status, out);
}

function planCollision(ctx: PlanContext, out: PlanOutput): RolloutPlan {
  const status: RolloutStatus = { ...ctx.prev, collisionCount: (ctx.prev.collisionCount ?? 0) + 1 };
  out.warning('HashCollision', `Pod template hash collides with ReplicaSet ${ctx.name}-${ctx.desiredHash}`);
  return finish(ctx, status, out);
}

function applyPauseAndAbort(ctx: PlanContext, status: RolloutStatus, pause: PauseState): void {
  status.pauseConditions = pause.conditions;
  status.controllerPause = pause.added || (ctx.prev.controllerPause === true && pause.conditions.length > 0);
  if (ctx.prev.promoteFull) {
    status.pauseConditions = [];
    delete status.abort;
  }
  if (isAborted(ctx) && !ctx.prev.promoteFull) {
    status.abort = true;
    status.abortedAt = ctx.prev.abortedAt ?? formatTime(ctx.now);
    status.pauseConditions = [];
  }
}

function syncStepProgress(
  ctx: PlanContext,
  status: RolloutStatus,
  out: PlanOutput,
  compat: CompatState,
  traffic?: TrafficDecision,
): void {
  const steps = ctx.cfg.steps.length;
  const index = currentStepIndex(ctx);
  if (index !== undefined) status.currentStepIndex = ctx.prev.promoteFull ? steps : index;
  releasePathGate(status);
  // An unsupported step (or background analysis) holds: neither the step nor the update completes; nor does the
  // update while the last routing written is not in effect (ADR 0275, Argo's unverified final weight).
  const reason = compat.stepHold || ctx.trafficVerified === false ? '' : fullPromotionReason(ctx);
  if (reason) return promoteStable(ctx, status, out, reason);
  if (isAborted(ctx)) {
    if (steps > 0) status.currentStepIndex = status.stableRS === status.currentPodHash ? steps : 0;
    return;
  }
  if (ctx.prev.promoteFull || compat.stepHold) return;
  if (!completedCurrentStep(ctx, traffic?.weights, traffic?.holdProgress ?? false)) return;
  if (pathGateHolds(ctx)) holdAtPathGate(ctx, status, out);
  else completeStep(ctx, status, out);
}

/** One reconcile of a canary Rollout. */
export function planRollout(snapshot: RolloutSnapshot, now: number): RolloutPlan {
  const out = new PlanOutput();
  const observed = buildContext(snapshot, now);
  const compat = compatState(observed);
  if (compat.rolloutHolds.length > 0) return planHeldRollout(observed, out, compat);
  if (observed.collision) return planCollision(observed, out);
  if (templateOrStepsChanged(observed)) return planReset(observed, out);
  const ensured = ensureNewReplicaSet(observed, out);
  const analysis = snapshot.analysis ? planAnalysisRuns(ensured.ctx, snapshot.analysis) : undefined;
  let ctx = withAnalysisAbort(ensured.ctx, analysis);
  const traffic = planTraffic(ctx);
  const switches = planServiceSwitches(ctx, traffic?.dynamicRollback ?? false);
  out.actions.push(...switches.actions);
  out.events.push(...switches.events);
  if (traffic?.updatedMessage) out.normal('TrafficWeightUpdated', traffic.updatedMessage);
  if (traffic?.holdProgress) out.requeue(HOLD_REQUEUE_MS);
  const scaled = haltsScaling(ctx, analysis) ? false : planScaling(ctx, out, traffic?.weights);
  ctx = withScaledReplicas(ctx, out);
  planHistoryCleanup(ctx, out);
  planEphemeralMetadata(ctx, out);
  const restartedAt = planPodRestart(ctx, out);
  // A held pause step gets no pause condition: it would never expire under the hold, and `promote` must skip it.
  const pause =
    scaled || compat.stepHold || analysis?.pause
      ? { conditions: [...(ctx.prev.pauseConditions ?? [])], added: false }
      : reconcilePauseStep(ctx, out);
  if (analysis?.pause) inconclusivePause(ctx, pause);
  const status = baseStatus(ctx);
  if (analysis) applyAnalysisDecision(status, analysis, out);
  if (restartedAt !== undefined) status.restartedAt = restartedAt;
  if (traffic) status.canary = { ...(status.canary ?? {}), weights: traffic.weights };
  else if (status.canary) {
    status.canary = { ...status.canary };
    delete status.canary.weights;
  }
  applyPauseAndAbort(ctx, status, pause);
  syncStepProgress(ctx, status, out, compat, traffic);
  const flags: ConditionFlags = {
    paused: ctx.cfg.paused || (status.pauseConditions?.length ?? 0) > 0 || compat.stepHold !== undefined,
    aborted: status.abort === true,
  };
  if (compat.stepHold) flags.holdReason = compat.stepHold.reason;
  if (analysis?.abortMessage !== undefined) flags.abortMessage = analysis.abortMessage;
  if (ensured.created) flags.createdReplicaSet = ensured.created;
  applyConditions(ctx, status, out, flags);
  applyCompatConditions(ctx, status, out, compat);
  return finish(ctx, status, out, traffic, analysis);
}
