/** Status assembly: counters, selector, and the condition transitions of a pass (§2.5). */
import type { LabelSelector } from '../api/meta.js';
import type { RolloutStatus } from '../api/rollout.js';
import { sumReplicas, type PlanContext } from './context.js';
import { getCondition, MESSAGE, REASON, refreshCondition, setCondition } from './conditions.js';
import { formatTime, parseTime } from '../util/time.js';
import { currentStep } from './steps.js';
import type { PlanOutput } from './plan-output.js';

/** metav1.FormatLabelSelector: `k=v` and expressions, sorted by key. */
export function formatSelector(selector: LabelSelector | undefined): string {
  if (!selector) return '';
  const parts: [string, string][] = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => [
    k,
    `${k}=${v}`,
  ]);
  for (const e of selector.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text = {
      In: `${e.key} in (${values})`,
      NotIn: `${e.key} notin (${values})`,
      Exists: e.key,
      DoesNotExist: `!${e.key}`,
    }[e.operator];
    parts.push([e.key, text]);
  }
  return parts
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((p) => p[1])
    .join(',');
}

/** The status fields recomputed from observation on every pass. */
export function baseStatus(ctx: PlanContext): RolloutStatus {
  const prev = ctx.prev;
  const status: RolloutStatus = {
    ...prev,
    observedGeneration: String(ctx.rollout.metadata?.generation ?? 0),
    currentPodHash: ctx.desiredHash,
    currentStepHash: ctx.stepsHash,
    replicas: sumReplicas(ctx.all, (v) => v.statusReplicas),
    updatedReplicas: ctx.newRS?.statusReplicas ?? 0,
    readyReplicas: sumReplicas(ctx.all, (v) => v.ready),
    availableReplicas: sumReplicas(ctx.all, (v) => v.available),
    selector: formatSelector(ctx.rollout.spec?.selector),
  };
  status.HPAReplicas = status.replicas ?? 0;
  status.promoteFull = prev.promoteFull === true && status.currentPodHash !== prev.stableRS;
  if (!status.promoteFull) delete status.promoteFull;
  if (ctx.cfg.steps.length === 0) delete status.currentStepIndex;
  return status;
}

function madeProgress(prev: RolloutStatus, next: RolloutStatus): boolean {
  const oldPrev = (prev.replicas ?? 0) - (prev.updatedReplicas ?? 0);
  const oldNext = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  const stepMoved =
    prev.currentStepIndex !== undefined &&
    next.currentStepIndex !== undefined &&
    prev.currentStepIndex !== next.currentStepIndex;
  return (
    (next.updatedReplicas ?? 0) !== (prev.updatedReplicas ?? 0) ||
    oldNext < oldPrev ||
    (next.readyReplicas ?? 0) > (prev.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (prev.availableReplicas ?? 0) ||
    next.stableRS !== prev.stableRS ||
    stepMoved ||
    next.currentStepHash !== prev.currentStepHash
  );
}

/** Argo's RolloutHealthy: everything updated and available, all steps done, stable == current, old pods gone. */
export function isHealthy(ctx: PlanContext, status: RolloutStatus): boolean {
  const R = ctx.cfg.replicas;
  const steps = ctx.cfg.steps.length;
  const allSteps = steps === 0 || status.currentStepIndex === undefined || status.currentStepIndex === steps;
  const promoted = Boolean(status.stableRS) && status.stableRS === status.currentPodHash;
  return (
    (status.updatedReplicas ?? 0) === R &&
    (status.availableReplicas ?? 0) === R &&
    allSteps &&
    promoted &&
    (status.replicas ?? 0) === R
  );
}

export interface ConditionFlags {
  createdReplicaSet?: string;
  paused: boolean;
  aborted: boolean;
  /** The pass that reset progress for a new template or steps. */
  reset?: boolean;
  /** Why an unsupported field holds the Rollout (shown in the RolloutPaused event). */
  holdReason?: string;
  /** Why this pass aborts (a failed AnalysisRun), appended to Argo's RolloutAborted message. */
  abortMessage?: string;
}

function revisionOf(ctx: PlanContext): number {
  return ctx.newRS?.revision ?? 0;
}

/**
 * Progress deadline: Progressing=False ProgressDeadlineExceeded (and abort with progressDeadlineAbort). An analysis
 * step waits for its run, not for pods: it does not count against progress (Argo's isIndefiniteStep).
 */
function checkDeadline(ctx: PlanContext, status: RolloutStatus, out: PlanOutput, rsName: string): void {
  if (currentStep(ctx)?.analysis) return;
  const current = getCondition(status.conditions, 'Progressing');
  if (!current || current.reason === REASON.newReplicaSetAvailable) return;
  const since = parseTime(current.lastUpdateTime);
  if (current.reason !== REASON.timedOut) {
    if (since === undefined) return;
    const deadline = since + ctx.cfg.progressDeadlineSeconds * 1000;
    if (deadline >= ctx.now) {
      out.requeue(deadline - ctx.now + 1000);
      return;
    }
  }
  const message = MESSAGE.timedOut(rsName);
  const now = formatTime(ctx.now);
  if (!setCondition(status, { type: 'Progressing', status: 'False', reason: REASON.timedOut, message }, now))
    return;
  out.warning(REASON.timedOut, message);
  if (ctx.cfg.progressDeadlineAbort) {
    status.abort = true;
    status.abortedAt = now;
    out.warning(REASON.aborted, message);
  }
}

interface ProgressingChoice {
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  /** Write even when status and reason are unchanged (refreshes lastUpdateTime, the deadline's base). */
  refresh?: boolean;
  event?: 'Normal' | 'Warning';
}

function chooseProgressing(
  ctx: PlanContext,
  status: RolloutStatus,
  flags: ConditionFlags,
): ProgressingChoice | undefined {
  const rsName = ctx.newRS?.name ?? ctx.name;
  const prevReason = getCondition(ctx.prev.conditions, 'Progressing')?.reason;
  const updated = {
    status: 'True',
    reason: REASON.replicaSetUpdated,
    message: MESSAGE.progressing(rsName),
    refresh: true,
  } as const;
  if (flags.aborted) {
    const aborted = MESSAGE.aborted(revisionOf(ctx));
    const message = flags.abortMessage ? `${aborted}: ${flags.abortMessage}` : aborted;
    return { status: 'False', reason: REASON.aborted, message, event: 'Warning' };
  }
  if (flags.createdReplicaSet) {
    return {
      status: 'True',
      reason: REASON.newReplicaSetCreated,
      message: MESSAGE.created(flags.createdReplicaSet),
      refresh: true,
    };
  }
  if (flags.reset) return updated;
  if (prevReason === REASON.aborted)
    return { status: 'True', reason: REASON.retry, message: MESSAGE.retry, event: 'Normal' };
  if (isHealthy(ctx, status))
    return { status: 'True', reason: REASON.newReplicaSetAvailable, message: MESSAGE.progressed(rsName) };
  if (flags.paused) return { status: 'Unknown', reason: REASON.paused, message: MESSAGE.paused };
  if (prevReason === REASON.paused)
    return { status: 'Unknown', reason: REASON.resumed, message: MESSAGE.resumed };
  if (madeProgress(ctx.prev, status) || prevReason === undefined) return updated;
  return undefined;
}

function setProgressing(
  ctx: PlanContext,
  status: RolloutStatus,
  out: PlanOutput,
  flags: ConditionFlags,
): void {
  const choice = chooseProgressing(ctx, status, flags);
  if (!choice) return checkDeadline(ctx, status, out, ctx.newRS?.name ?? ctx.name);
  const condition = {
    type: 'Progressing',
    status: choice.status,
    reason: choice.reason,
    message: choice.message,
  };
  const now = formatTime(ctx.now);
  let written = true;
  if (choice.refresh) refreshCondition(status, condition, now);
  else written = setCondition(status, condition, now);
  if (written && choice.event === 'Warning') out.warning(choice.reason, choice.message);
  if (written && choice.event === 'Normal') out.normal(choice.reason, choice.message);
}

function setPaused(ctx: PlanContext, status: RolloutStatus, out: PlanOutput, flags: ConditionFlags): void {
  const now = formatTime(ctx.now);
  if (flags.paused) {
    if (
      setCondition(
        status,
        { type: 'Paused', status: 'True', reason: REASON.paused, message: MESSAGE.paused },
        now,
      )
    ) {
      const why = ctx.cfg.paused
        ? 'spec.paused'
        : (status.pauseConditions?.[0]?.reason ?? flags.holdReason ?? 'unknown');
      out.normal(REASON.paused, `${MESSAGE.paused} (${why})`);
    }
  } else if (getCondition(status.conditions, 'Paused')?.status === 'True') {
    setCondition(
      status,
      { type: 'Paused', status: 'False', reason: REASON.resumed, message: MESSAGE.resumed },
      now,
    );
    out.normal(REASON.resumed, MESSAGE.resumed);
  }
}

function setHealthy(ctx: PlanContext, status: RolloutStatus, paused: boolean): void {
  const now = formatTime(ctx.now);
  const wasTracked = getCondition(ctx.prev.conditions, 'Healthy') !== undefined;
  if (!paused && isHealthy(ctx, status)) {
    setCondition(
      status,
      { type: 'Healthy', status: 'True', reason: REASON.healthy, message: MESSAGE.healthy },
      now,
    );
  } else if (wasTracked) {
    setCondition(
      status,
      { type: 'Healthy', status: 'False', reason: REASON.healthy, message: MESSAGE.notHealthy },
      now,
    );
  }
}

function setAvailable(ctx: PlanContext, status: RolloutStatus): void {
  const available = (status.availableReplicas ?? 0) >= ctx.cfg.replicas;
  const message = available ? MESSAGE.available : MESSAGE.notAvailable;
  const condition = {
    type: 'Available',
    status: available ? 'True' : 'False',
    reason: REASON.available,
    message,
  } as const;
  setCondition(status, condition, formatTime(ctx.now));
}

function setCompleted(ctx: PlanContext, status: RolloutStatus, out: PlanOutput): void {
  const completed = Boolean(status.stableRS) && status.stableRS === status.currentPodHash;
  const condition = {
    type: 'Completed',
    status: completed ? 'True' : 'False',
    reason: REASON.completed,
    message: REASON.completed,
  } as const;
  if (setCondition(status, condition, formatTime(ctx.now)) && !completed) {
    const hash = status.currentPodHash ?? '';
    out.normal(
      REASON.notCompleted,
      `Rollout not completed, started update to revision ${revisionOf(ctx)} (${hash})`,
    );
  }
}

/** Set Healthy, Progressing, Available, Paused and Completed for the new status. */
export function applyConditions(
  ctx: PlanContext,
  status: RolloutStatus,
  out: PlanOutput,
  flags: ConditionFlags,
): void {
  setHealthy(ctx, status, flags.paused);
  setProgressing(ctx, status, out, flags);
  setAvailable(ctx, status);
  setPaused(ctx, status, out, flags);
  setCompleted(ctx, status, out);
}
