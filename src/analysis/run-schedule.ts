/**
 * When each metric is measured (Argo's `generateMetricTasks` and `calculateNextReconcileTime`): the first
 * measurement once `initialDelay` has passed since the run started; the next one `interval` after the last finished
 * (10 s after an Error when no interval applies — Argo's DefaultErrorRetryInterval); none once the effective count is
 * reached or the metric completed. An in-flight measurement (a job) is resumed at its `resumeAt`, or terminated when
 * the run is terminating; a terminating run starts no new measurement. Due means `now >= due time` (Argo: strictly
 * after), so a requeue at exactly the due time measures.
 */
import type { AnalysisRunStatus, Measurement, Metric, MetricResult } from '../api/analysis.js';
import { formatTime, parseTime } from '../util/time.js';
import { effectiveCount } from './metric-limits.js';
import { isCompleted } from './metric-rules.js';
import { durationMilliseconds } from './duration.js';

export const ERROR_RETRY_INTERVAL_MS = 10_000;

export interface DueTasks {
  /** Metrics to take a new measurement of now. */
  measure: string[];
  /** Metrics whose in-flight measurement is resumed now. */
  resume: string[];
  /** Metrics whose in-flight measurement is terminated now (the run is terminating). */
  terminateRunning: string[];
}

function resultOf(status: AnalysisRunStatus | undefined, name: string): MetricResult | undefined {
  return status?.metricResults?.find((r) => r.name === name);
}

function lastOf(result: MetricResult | undefined): Measurement | undefined {
  const measurements = result?.measurements;
  return measurements?.[measurements.length - 1];
}

/**
 * When the next measurement of a metric whose last one finished is due, or undefined (none is due again).
 * `finishedAtMs`: when the last measurement really finished, if known to the millisecond (status keeps seconds).
 */
function nextMeasurementAt(
  metric: Metric,
  result: MetricResult,
  last: Measurement,
  finishedAtMs?: number,
): number | undefined {
  const count = effectiveCount(metric);
  if (count !== undefined && (result.count ?? 0) >= count) return undefined;
  // The exact time stands only for the measurement it was taken for: the one whole-second finishedAt shows.
  const exact = finishedAtMs !== undefined && formatTime(finishedAtMs) === last.finishedAt;
  const finished = exact ? finishedAtMs : parseTime(last.finishedAt);
  if (finished === undefined) return undefined;
  if (last.phase === 'Error') return finished + ERROR_RETRY_INTERVAL_MS;
  if (!metric.interval) return undefined;
  const interval = durationMilliseconds(metric.interval);
  return interval === undefined ? undefined : finished + interval;
}

/** When the first measurement is due: at once, or `initialDelay` after the run started (undefined: not started). */
function firstMeasurementAt(
  metric: Metric,
  status: AnalysisRunStatus | undefined,
  now: number,
): number | undefined {
  if (!metric.initialDelay) return now;
  const started = parseTime(status?.startedAt);
  const delay = durationMilliseconds(metric.initialDelay);
  if (started === undefined || delay === undefined) return undefined;
  return started + delay;
}

/** The measurements to take, resume or terminate at `now`. */
export function dueTasks(
  metrics: readonly Metric[],
  status: AnalysisRunStatus | undefined,
  terminating: boolean,
  now: number,
): DueTasks {
  const tasks: DueTasks = { measure: [], resume: [], terminateRunning: [] };
  for (const metric of metrics) {
    const result = resultOf(status, metric.name);
    if (isCompleted(result?.phase)) continue;
    const last = lastOf(result);
    if (last && !last.finishedAt) {
      const resumeAt = parseTime(last.resumeAt);
      if (terminating) tasks.terminateRunning.push(metric.name);
      else if (resumeAt === undefined || resumeAt <= now) tasks.resume.push(metric.name);
      continue;
    }
    if (terminating) continue;
    const due =
      result && last ? nextMeasurementAt(metric, result, last) : firstMeasurementAt(metric, status, now);
    if (due !== undefined && due <= now) tasks.measure.push(metric.name);
  }
  return tasks;
}

/**
 * The earliest time a metric needs the run reconciled again, or undefined when none does. `finishedAtMs` holds the
 * exact end of the measurements taken just now, by metric: the next one is due `interval` after that instant, as
 * Argo computes it from the in-memory FinishedAt (status times are whole seconds; from them alone every 1 s metric
 * of every run would fall due at the same whole second).
 */
export function nextReconcileAt(
  metrics: readonly Metric[],
  status: AnalysisRunStatus | undefined,
  now: number,
  finishedAtMs?: ReadonlyMap<string, number>,
): number | undefined {
  let earliest: number | undefined;
  const consider = (at: number | undefined) => {
    if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
  };
  for (const metric of metrics) {
    const result = resultOf(status, metric.name);
    if (isCompleted(result?.phase)) continue;
    const last = lastOf(result);
    if (!result || !last) {
      if (metric.initialDelay) consider(firstMeasurementAt(metric, status, now));
      continue;
    }
    if (!last.finishedAt) {
      consider(parseTime(last.resumeAt));
      continue;
    }
    consider(nextMeasurementAt(metric, result, last, finishedAtMs?.get(metric.name)));
  }
  return earliest;
}
