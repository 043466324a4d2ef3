/**
 * A metric's count and limits as numbers. The fields are Kubernetes IntOrStrings in Argo: a number, or a string
 * (after `{{args.x}}` resolution) read with `IntOrString.IntValue()` — decimal digits parse, anything else is 0.
 */
import type { Metric } from '../api/analysis.js';

/** Argo's DefaultConsecutiveErrorLimit. */
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

/** `IntOrString.IntValue()`: undefined when the field is absent. */
export function intValue(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return Math.trunc(value);
  return /^[+-]?\d+$/.test(value) ? Number.parseInt(value, 10) : 0;
}

/**
 * Argo's `Metric.EffectiveCount()`: no count (or 0) and no interval ⇒ 1; no count and an interval ⇒ undefined
 * (measure until the run is terminated); otherwise the count.
 */
export function effectiveCount(metric: Metric): number | undefined {
  const count = intValue(metric.count);
  if (count === undefined || count === 0) return metric.interval ? undefined : 1;
  return count;
}

export interface MetricLimits {
  /** -1 (any negative): failures never fail the metric. */
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
  /** 0: off. */
  consecutiveSuccessLimit: number;
}

export function metricLimits(metric: Metric): MetricLimits {
  return {
    failureLimit: intValue(metric.failureLimit) ?? 0,
    inconclusiveLimit: intValue(metric.inconclusiveLimit) ?? 0,
    consecutiveErrorLimit: intValue(metric.consecutiveErrorLimit) ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT,
    consecutiveSuccessLimit: intValue(metric.consecutiveSuccessLimit) ?? 0,
  };
}
