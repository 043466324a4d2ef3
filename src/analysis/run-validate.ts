/**
 * The checks the AnalysisRun controller applies to a run's resolved metrics before measuring (Argo's
 * `ValidateMetrics` / `ValidateMetric`, same messages): a run that fails them ends in Error with
 * `Analysis spec invalid: <message>`.
 */
import type { Metric } from '../api/analysis.js';
import { intValue } from './metric-limits.js';
import { durationMilliseconds } from './duration.js';
import { NO_PROVIDER_MESSAGE } from './supported-providers.js';

/** Provider keys set on a metric (`prometheus`, `web`, `datadog`, …); a `plugin` map counts each plugin. */
export function providerKeys(metric: Metric): string[] {
  return Object.entries(metric.provider ?? {}).flatMap(([key, value]) => {
    if (value === undefined || value === null) return [];
    if (key === 'plugin' && typeof value === 'object') return Object.keys(value).map((p) => `plugin:${p}`);
    return [key];
  });
}

function countChecks(
  count: number,
  failureLimit: number,
  successLimit: number,
  inconclusiveLimit: number,
): string | undefined {
  if (count <= 0) return undefined;
  if (successLimit >= 0 && failureLimit >= 0 && count < failureLimit + successLimit)
    return `count (${count}) must be >= failureLimit + consecutiveSuccessLimit (${failureLimit} + ${successLimit}) if both >= 0`;
  if (successLimit >= 0 && failureLimit < 0 && count < successLimit)
    return 'count must be >= consecutiveSuccessLimit';
  if (count < inconclusiveLimit) return 'count must be >= inconclusiveLimit';
  return undefined;
}

function durationCheck(value: string | undefined, label: string): string | undefined {
  if (!value || durationMilliseconds(value) !== undefined) return undefined;
  return `invalid ${label} string: time: invalid duration "${value}"`;
}

export function validateMetric(metric: Metric): string | undefined {
  const count = intValue(metric.count) ?? 0;
  const failureLimit = intValue(metric.failureLimit) ?? 0;
  const successLimit = intValue(metric.consecutiveSuccessLimit) ?? 0;
  const inconclusiveLimit = intValue(metric.inconclusiveLimit) ?? 0;
  if (successLimit < 0) return 'consecutiveSuccessLimit must be >= 0';
  if (failureLimit < -1) return 'failureLimit must be >= 0, or -1 to be disabled';
  if (successLimit === 0 && failureLimit === -1)
    return 'failureLimit and consecutiveSuccessLimit cannot both be disabled';
  if (inconclusiveLimit < 0) return 'inconclusiveLimit must be >= 0';
  if ((intValue(metric.consecutiveErrorLimit) ?? 0) < 0) return 'consecutiveErrorLimit must be >= 0';
  const counted = countChecks(count, failureLimit, successLimit, inconclusiveLimit);
  if (counted) return counted;
  if (count > 1 && !metric.interval) return 'interval must be specified when count > 1';
  const duration =
    durationCheck(metric.interval, 'interval') ?? durationCheck(metric.initialDelay, 'startDelay');
  if (duration) return duration;
  const providers = providerKeys(metric).length;
  if (providers === 0) return NO_PROVIDER_MESSAGE;
  if (providers > 1) return 'multiple providers specified';
  return undefined;
}

export function validateMetrics(metrics: readonly Metric[]): string | undefined {
  if (metrics.length === 0) return 'no metrics specified';
  const seen = new Set<string>();
  for (const [i, metric] of metrics.entries()) {
    if (seen.has(metric.name)) return `metrics[${i}]: duplicate name '${metric.name}'`;
    seen.add(metric.name);
    const problem = validateMetric(metric);
    if (problem) return `metrics[${i}]: ${problem}`;
  }
  return undefined;
}
