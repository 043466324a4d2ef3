/**
 * One metric's bookkeeping and phase, with Argo's rules (`analysis/analysis.go`: the counters of `runMeasurements`,
 * `assessMetricStatus`, `assessMetricFailureInconclusiveOrError`).
 */
import type { AnalysisPhase, Measurement, Metric, MetricResult } from '../api/analysis.js';
import { effectiveCount, metricLimits } from './metric-limits.js';

export const COMPLETED_PHASES: ReadonlySet<AnalysisPhase> = new Set([
  'Successful',
  'Failed',
  'Error',
  'Inconclusive',
]);

export function isCompleted(phase: AnalysisPhase | undefined): boolean {
  return phase !== undefined && COMPLETED_PHASES.has(phase);
}

/** The counters after one completed measurement (a Running one changes nothing). */
export function countMeasurement(result: MetricResult, phase: AnalysisPhase): MetricResult {
  const next = { ...result };
  const bump = (field: 'successful' | 'failed' | 'inconclusive' | 'error' | 'count') =>
    (next[field] = (next[field] ?? 0) + 1);
  switch (phase) {
    case 'Successful':
      bump('successful');
      bump('count');
      next.consecutiveError = 0;
      next.consecutiveSuccess = (next.consecutiveSuccess ?? 0) + 1;
      break;
    case 'Failed':
    case 'Inconclusive':
      bump(phase === 'Failed' ? 'failed' : 'inconclusive');
      bump('count');
      next.consecutiveError = 0;
      next.consecutiveSuccess = 0;
      break;
    case 'Error':
      bump('error');
      next.consecutiveError = (next.consecutiveError ?? 0) + 1;
      next.consecutiveSuccess = 0;
      break;
    default:
      break;
  }
  return next;
}

/** Failed / Inconclusive / Error by the limits, with Argo's reason text (the last that applies wins, as in Argo). */
export function limitVerdict(
  metric: Metric,
  result: MetricResult,
): { phase: 'Failed' | 'Inconclusive' | 'Error'; reason: string } | undefined {
  const limits = metricLimits(metric);
  const failed = result.failed ?? 0;
  const inconclusive = result.inconclusive ?? 0;
  const consecutiveError = result.consecutiveError ?? 0;
  let verdict: { phase: 'Failed' | 'Inconclusive' | 'Error'; reason: string } | undefined;
  if (limits.failureLimit >= 0 && failed > limits.failureLimit)
    verdict = { phase: 'Failed', reason: `failed (${failed}) > failureLimit (${limits.failureLimit})` };
  if (inconclusive > limits.inconclusiveLimit)
    verdict = {
      phase: 'Inconclusive',
      reason: `inconclusive (${inconclusive}) > inconclusiveLimit (${limits.inconclusiveLimit})`,
    };
  if (consecutiveError > limits.consecutiveErrorLimit)
    verdict = {
      phase: 'Error',
      reason: `consecutiveErrors (${consecutiveError}) > consecutiveErrorLimit (${limits.consecutiveErrorLimit})`,
    };
  return verdict;
}

/** The phase a count reached gives: Successful, unless consecutiveSuccessLimit was required and not reached. */
function phaseAtCount(metric: Metric): AnalysisPhase {
  const { failureLimit, consecutiveSuccessLimit } = metricLimits(metric);
  const successApplicable = consecutiveSuccessLimit > 0;
  if (!successApplicable) return 'Successful';
  return failureLimit >= 0 ? 'Inconclusive' : 'Failed';
}

function lastOf(measurements: Measurement[] | undefined): Measurement | undefined {
  return measurements?.[measurements.length - 1];
}

/** Argo's `assessMetricStatus`: the metric's phase from its counters, limits and whether the run is terminating. */
export function assessMetricPhase(metric: Metric, result: MetricResult, terminating: boolean): AnalysisPhase {
  if (isCompleted(result.phase)) return result.phase;
  const last = lastOf(result.measurements);
  if (!last) return terminating ? 'Successful' : 'Pending';
  if (!isCompleted(last.phase)) return 'Running';
  const verdict = limitVerdict(metric, result);
  if (verdict) return verdict.phase;
  const { consecutiveSuccessLimit } = metricLimits(metric);
  if (consecutiveSuccessLimit > 0 && (result.consecutiveSuccess ?? 0) >= consecutiveSuccessLimit)
    return 'Successful';
  const count = effectiveCount(metric);
  if (count !== undefined && (result.count ?? 0) >= count) return phaseAtCount(metric);
  return terminating ? 'Successful' : 'Running';
}
