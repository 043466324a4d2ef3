/**
 * One reconcile of an AnalysisRun, as pure steps around the measuring the controller does:
 *
 *   planAnalysisRun(run, now)  → which metrics to measure / resume / terminate now, and the status, events and
 *                                requeue if nothing is measured (a completed run: nothing at all);
 *   recordMeasurement(…)       → the status with one measurement applied (counters, in-flight replaced);
 *   concludeAnalysisRun(…)     → metric and run phases, summaries, retention, events, and when to come back.
 *
 * Everything is decided from `spec` and `status` alone, so a restarted controller continues where the status says
 * and never measures twice for the same due time. ADR 0135.
 */
import type { AnalysisRun, AnalysisRunStatus, Measurement, Metric, MetricResult } from '../api/analysis.js';
import { formatTime } from '../util/time.js';
import { countMeasurement, isCompleted } from './metric-rules.js';
import { argValuesWithoutSecrets, resolveRunMetrics } from './run-args.js';
import { assessRun, isTerminating, runCompletionEvent, type AnalysisRunEvent } from './run-rules.js';
import { dueTasks, nextReconcileAt, type DueTasks } from './run-schedule.js';
import { validateMetrics } from './run-validate.js';
import { dryRunMetricNames, retentionLimits } from './run-spec.js';

export interface RunConclusion {
  status: AnalysisRunStatus;
  events: AnalysisRunEvent[];
  /** Reconcile again after this long: the next measurement (or resume) is due then. Undefined: not needed. */
  requeueAfterMs?: number;
}

export interface AnalysisRunPlan extends DueTasks, RunConclusion {
  /** Completed (or being deleted): nothing to measure and nothing to write. */
  completed: boolean;
  /** The run's metrics with `{{args.x}}` resolved (secret args hold a placeholder; they are read to measure). */
  metrics: Metric[];
  dryRun: ReadonlySet<string>;
}

function errorPlan(run: AnalysisRun, message: string, now: number): AnalysisRunPlan {
  const status: AnalysisRunStatus = {
    ...run.status,
    phase: 'Error',
    message,
    completedAt: run.status?.completedAt ?? formatTime(now),
  };
  status.metricResults ??= [];
  return {
    ...noTasks(),
    completed: false,
    metrics: [],
    dryRun: new Set(),
    status,
    events: [runCompletionEvent('Error')],
  };
}

const noTasks = (): DueTasks => ({ measure: [], resume: [], terminateRunning: [] });

/** `finishedAtMs`: the exact end of the metrics' last measurements where the caller knows it (run-schedule.ts). */
export function planAnalysisRun(
  run: AnalysisRun,
  now: number,
  finishedAtMs?: ReadonlyMap<string, number>,
): AnalysisRunPlan {
  if (isCompleted(run.status?.phase) || run.metadata.deletionTimestamp) {
    return {
      ...noTasks(),
      completed: true,
      metrics: [],
      dryRun: new Set(),
      status: run.status ?? {},
      events: [],
    };
  }
  const resolved = resolveRunMetrics(run.spec.metrics ?? [], argValuesWithoutSecrets(run.spec.args));
  if (!resolved.ok) return errorPlan(run, `Unable to resolve metric arguments: ${resolved.error}`, now);
  const metrics = resolved.metrics;
  const invalid = validateMetrics(metrics);
  if (invalid) return errorPlan(run, `Analysis spec invalid: ${invalid}`, now);
  const dryRun = dryRunMetricNames(run.spec.dryRun, metrics);
  if (!dryRun.ok) return errorPlan(run, `Analysis spec invalid: ${dryRun.error}`, now);
  const retention = retentionLimits(run.spec.measurementRetention, metrics);
  if (!retention.ok) return errorPlan(run, `Analysis spec invalid: ${retention.error}`, now);
  const tasks = dueTasks(metrics, run.status, isTerminating(run.spec, run.status), now);
  const status: AnalysisRunStatus = { ...run.status, metricResults: run.status?.metricResults ?? [] };
  const conclusion = concludeAnalysisRun(run, status, now, {
    metrics,
    dryRun: dryRun.names,
    ...(finishedAtMs ? { finishedAtMs } : {}),
  });
  return { ...tasks, ...conclusion, completed: false, metrics, dryRun: dryRun.names };
}

/**
 * Applies one measurement of `metricName`: a new result when it is the first (phase Running), the counters when the
 * measurement completed (finishedAt defaults to now), appended — or replacing the in-flight last measurement.
 */
export function recordMeasurement(
  status: AnalysisRunStatus,
  metricName: string,
  measurement: Measurement,
  now: number,
  options: { dryRun?: boolean } = {},
): AnalysisRunStatus {
  // Copy on write: the result measured gets a new object and measurements array; everything else is shared.
  const results = [...(status.metricResults ?? [])];
  const index = results.findIndex((r) => r.name === metricName);
  const previous = index >= 0 ? results[index] : undefined;
  let result: MetricResult = previous
    ? { ...previous }
    : { name: metricName, phase: 'Running', ...(options.dryRun ? { dryRun: true } : {}) };
  const taken = { ...measurement };
  if (isCompleted(taken.phase)) {
    taken.finishedAt ??= formatTime(now);
    result = countMeasurement(result, taken.phase);
  }
  const measurements = [...(result.measurements ?? [])];
  const last = measurements[measurements.length - 1];
  if (last && !last.finishedAt) measurements[measurements.length - 1] = taken;
  else measurements.push(taken);
  result.measurements = measurements;
  if (index >= 0) results[index] = result;
  else results.push(result);
  const next: AnalysisRunStatus = { ...status, metricResults: results };
  return next;
}

/**
 * Assesses the status after this pass's measurements, trims measurements, and computes the requeue (from the exact
 * end of this pass's measurements when `resolved.finishedAtMs` has them: run-schedule.ts).
 */
export function concludeAnalysisRun(
  run: AnalysisRun,
  status: AnalysisRunStatus,
  now: number,
  resolved: {
    metrics: readonly Metric[];
    dryRun: ReadonlySet<string>;
    finishedAtMs?: ReadonlyMap<string, number>;
  },
): RunConclusion {
  const assessed = assessRun(run.spec, status, resolved.metrics, resolved.dryRun, formatTime(now));
  const limits = retentionLimits(run.spec.measurementRetention, resolved.metrics);
  for (const result of assessed.status.metricResults ?? []) {
    const rule = limits.ok ? (limits.limits.get(result.name) ?? 0) : 0;
    const limit = rule > 0 ? rule : DEFAULT_MEASUREMENT_RETENTION;
    if (result.measurements && result.measurements.length > limit)
      result.measurements = result.measurements.slice(-limit);
  }
  if (isCompleted(assessed.status.phase)) return assessed;
  if (isTerminating(run.spec, assessed.status)) return { ...assessed, requeueAfterMs: 0 };
  const at = nextReconcileAt(resolved.metrics, assessed.status, now, resolved.finishedAtMs);
  return at === undefined ? assessed : { ...assessed, requeueAfterMs: Math.max(0, at - now) };
}

/** Argo's DefaultMeasurementHistoryLimit. */
export const DEFAULT_MEASUREMENT_RETENTION = 10;
