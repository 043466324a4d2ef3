/**
 * The Rollout's AnalysisRuns other than the current ones, and what a pass reports about the current ones. Others are
 * terminated when still in progress and pruned as Argo's FilterAnalysisRunsToDelete does: a run without a pod-hash
 * label, or whose ReplicaSet is gone, is deleted; of the rest, newest first, the completed runs beyond
 * `spec.analysis.successfulRunHistoryLimit` (Successful) / `unsuccessfulRunHistoryLimit` (Failed, Error,
 * Inconclusive; 5 each) are deleted, runs in progress are never counted. Events: Argo's emitAnalysisRunStatusChanges.
 */
import type { AnalysisRun } from '../api/analysis.js';
import { POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import type { RolloutStatus } from '../api/rollout.js';
import type { PlanContext } from './context.js';
import type { AnalysisRunWrite, RolloutEvent } from './plan-types.js';
import { isCompletedPhase } from '../api/analysis.js';

export const DEFAULT_RUN_HISTORY_LIMIT = 5;

type RunStatus = NonNullable<NonNullable<RolloutStatus['canary']>['currentStepAnalysisRunStatus']>;

function limit(value: number | undefined): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
    ? value
    : DEFAULT_RUN_HISTORY_LIMIT;
}

function newestFirst(runs: readonly AnalysisRun[]): AnalysisRun[] {
  const created = (run: AnalysisRun) => run.metadata.creationTimestamp ?? '';
  return [...runs].sort((a, b) => (created(a) < created(b) ? 1 : created(a) > created(b) ? -1 : 0));
}

/** Argo's FilterAnalysisRunsToDelete over the runs that are not current. */
export function runsToDelete(ctx: PlanContext, others: readonly AnalysisRun[]): AnalysisRun[] {
  const hashes = new Set(ctx.all.map((view) => view.hash));
  const limits = ctx.rollout.spec.analysis;
  const kept = { successful: 0, unsuccessful: 0 };
  const max = {
    successful: limit(limits?.successfulRunHistoryLimit),
    unsuccessful: limit(limits?.unsuccessfulRunHistoryLimit),
  };
  return newestFirst(others).filter((run) => {
    const hash = run.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
    if (hash === undefined || !hashes.has(hash)) return true;
    const phase = run.status?.phase;
    const bucket =
      phase === 'Successful' ? 'successful' : isCompletedPhase(phase) ? 'unsuccessful' : undefined;
    if (!bucket) return false;
    if (kept[bucket] < max[bucket]) {
      kept[bucket]++;
      return false;
    }
    return true;
  });
}

/** Terminate the others still in progress, delete those beyond the history (never one already being deleted). */
export function otherRunWrites(ctx: PlanContext, others: readonly AnalysisRun[]): AnalysisRunWrite[] {
  const terminate: AnalysisRunWrite[] = others
    .filter((run) => run.spec.terminate !== true && !isCompletedPhase(run.status?.phase))
    .map((run) => ({ type: 'terminateAnalysisRun', name: run.metadata.name }));
  const remove: AnalysisRunWrite[] = runsToDelete(ctx, others)
    .filter((run) => !run.metadata.deletionTimestamp)
    .map((run) => ({ type: 'deleteAnalysisRun', name: run.metadata.name }));
  return [...terminate, ...remove];
}

/** `{name, status, message}` of a current run, as `status.canary.current*AnalysisRunStatus` records it. */
export function runStatusOf(run: AnalysisRun): RunStatus {
  const message = run.status?.message;
  return { name: run.metadata.name, status: run.status?.phase ?? '', ...(message ? { message } : {}) };
}

function statusEvent(previous: RunStatus | undefined, run: AnalysisRun | undefined, type: string) {
  const phase = run?.status?.phase;
  if (!run || !phase) return [];
  if (previous && (previous.name !== run.metadata.name || previous.status === phase)) return [];
  const event: RolloutEvent = {
    type: phase === 'Failed' || phase === 'Error' ? 'Warning' : 'Normal',
    reason: `AnalysisRun${phase}`,
    message: `${type} Analysis Run '${run.metadata.name}' Status New: '${phase}' Previous: '${previous ? previous.status : 'NoPreviousStatus'}'`,
  };
  return [event];
}

/** Argo's reconcileAnalysisRunStatusChanges: an event when a current run's phase differs from the recorded one. */
export function runStatusEvents(
  prev: RolloutStatus,
  current: { step?: AnalysisRun; background?: AnalysisRun },
): RolloutEvent[] {
  return [
    ...statusEvent(prev.canary?.currentStepAnalysisRunStatus, current.step, 'Step'),
    ...statusEvent(prev.canary?.currentBackgroundAnalysisRunStatus, current.background, 'Background'),
  ];
}
