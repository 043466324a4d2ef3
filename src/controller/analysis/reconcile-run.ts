/**
 * reconcileAnalysisRun: read the run (cache, or the object this controller last wrote when the cache still shows
 * the version before it) → planAnalysisRun (pure) → measure what is due → concludeAnalysisRun (pure) → ONE write of
 * the status (a merge patch of the object: Argo's AnalysisRun CRD has no status subresource) → events on the run.
 * Level-based and idempotent on status: what is due comes from the measurements recorded, so a reconcile after a
 * restart continues the count and a second reconcile for the same due time measures nothing. ADR 0136.
 */
import type { AnalysisRun, AnalysisRunStatus } from '../../api/analysis.js';
import { isCompleted } from '../../analysis/metric-rules.js';
import { concludeAnalysisRun, planAnalysisRun, type RunConclusion } from '../../analysis/run-plan.js';
import { runCompletionEvent } from '../../analysis/run-rules.js';
import { ttlDeleteAt } from '../../analysis/run-ttl.js';
import type { Cluster } from '../../kube/cluster.js';
import { isConflict, isNotFound } from '../../kube/errors.js';
import { diffMergePatch } from '../../util/json.js';
import { formatTime } from '../../util/time.js';
import type { EventRecorder } from '../events.js';
import { splitKey } from '../queue-keys.js';
import type { ReconcileOutcome } from '../reconcile.js';
import { collectTrimmed, takeMeasurements, type MeasureDeps } from './measure.js';
import { SecretNotReadable } from './secrets.js';

export interface RunReconcileDeps extends MeasureDeps {
  cluster: Cluster;
  recorder: EventRecorder<AnalysisRun>;
  /** The run as last known: the cache, unless this controller has written a newer version the cache has not seen. */
  read(namespace: string, name: string): AnalysisRun | undefined;
  /** Told the object returned by the status write. */
  written(before: AnalysisRun, after: AnalysisRun): void;
  /** The exact end of each metric's last measurement, as this process took it (status keeps whole seconds). */
  finishedAtMs(key: string): ReadonlyMap<string, number> | undefined;
  measured(key: string, finishedAtMs: ReadonlyMap<string, number>): void;
}

/** The run ends in Error because an argument cannot be resolved (Argo: "Unable to resolve metric arguments"). */
function unresolvable(run: AnalysisRun, message: string, now: number): RunConclusion {
  const status: AnalysisRunStatus = {
    ...run.status,
    phase: 'Error',
    message: `Unable to resolve metric arguments: ${message}`,
    completedAt: run.status?.completedAt ?? formatTime(now),
  };
  return { status, events: [runCompletionEvent('Error')] };
}

/** The conclusion, and the status as measured before its measurements were trimmed to their retention limits. */
async function measureAndConclude(
  deps: RunReconcileDeps,
  run: AnalysisRun,
  plan: ReturnType<typeof planAnalysisRun>,
): Promise<{ conclusion: RunConclusion; measured?: AnalysisRunStatus }> {
  if (plan.measure.length + plan.resume.length + plan.terminateRunning.length === 0)
    return { conclusion: plan };
  try {
    const taken = await takeMeasurements(run, plan, deps);
    const key = `${run.metadata.namespace ?? ''}/${run.metadata.name}`;
    const finishedAtMs = new Map([...(deps.finishedAtMs(key) ?? []), ...taken.finishedAtMs]);
    deps.measured(key, finishedAtMs);
    const conclusion = concludeAnalysisRun(run, taken.status, deps.now(), { ...plan, finishedAtMs });
    return { conclusion, measured: taken.status };
  } catch (err) {
    if (err instanceof SecretNotReadable) return { conclusion: unresolvable(run, err.message, deps.now()) };
    throw err;
  }
}

/** The requeue counted from the conclusion, less the time the status write and events took since. */
function afterWrites(
  requeueAfterMs: number | undefined,
  concludedAt: number,
  now: number,
): number | undefined {
  return requeueAfterMs === undefined ? undefined : Math.max(0, concludedAt + requeueAfterMs - now);
}

/** A run that completed now comes back when its ttlStrategy expires (undefined: it is kept). */
function untilExpired(completed: AnalysisRun, now: number): number | undefined {
  const deleteAt = ttlDeleteAt(completed);
  return deleteAt === undefined ? undefined : Math.max(0, deleteAt - now);
}

/** A completed run past its ttlStrategy is deleted; before that, the reconcile comes back when it expires. */
async function collectExpired(
  deps: RunReconcileDeps,
  run: AnalysisRun,
  writes: string[],
): Promise<ReconcileOutcome> {
  const deleteAt = ttlDeleteAt(run);
  if (deleteAt === undefined || run.metadata.deletionTimestamp) return { kind: 'done', writes };
  const now = deps.now();
  if (deleteAt > now) return { kind: 'done', requeueAfterMs: deleteAt - now, writes };
  await deps.cluster.delete('AnalysisRun', run.metadata.namespace ?? '', run.metadata.name);
  writes.push(`delete AnalysisRun ${run.metadata.name} (ttlStrategy)`);
  return { kind: 'done', writes };
}

export async function reconcileAnalysisRun(deps: RunReconcileDeps, key: string): Promise<ReconcileOutcome> {
  const [namespace, name] = splitKey(key);
  const run = deps.read(namespace, name);
  const writes: string[] = [];
  if (!run) return { kind: 'done', writes };
  try {
    const plan = planAnalysisRun(run, deps.now(), deps.finishedAtMs(key));
    if (plan.completed) return await collectExpired(deps, run, writes);
    const { conclusion, measured } = await measureAndConclude(deps, run, plan);
    const concludedAt = deps.now();
    const statusPatch = diffMergePatch(run.status ?? {}, conclusion.status);
    if (statusPatch !== undefined) {
      const after = await deps.cluster.patch('AnalysisRun', namespace, name, { status: statusPatch });
      deps.written(run, after);
      writes.push(`status AnalysisRun ${name} ${conclusion.status.phase ?? ''}`.trim());
    }
    if (measured) await collectTrimmed(deps, run, measured, conclusion.status);
    for (const event of conclusion.events) await deps.recorder.record(run, event);
    const requeue = isCompleted(conclusion.status.phase)
      ? untilExpired({ ...run, status: conclusion.status }, deps.now())
      : afterWrites(conclusion.requeueAfterMs, concludedAt, deps.now());
    return { kind: 'done', ...(requeue !== undefined ? { requeueAfterMs: requeue } : {}), writes };
  } catch (err) {
    if (isNotFound(err)) return { kind: 'done', writes };
    if (isConflict(err)) return { kind: 'requeue', reason: (err as Error).message, writes };
    return { kind: 'retry', error: err instanceof Error ? err : new Error(String(err)), writes };
  }
}
