/**
 * The run-level lists that name metrics by regular expression (Argo's `GetDryRunMetrics`,
 * `GetMeasurementRetentionMetrics`): each rule must match at least one metric name (unanchored, as Go's
 * `regexp.MatchString`), else the run is invalid.
 */
import type { Metric } from '../api/analysis.js';

function matches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return false;
  }
}

export function dryRunMetricNames(
  rules: readonly { metricName: string }[] | undefined,
  metrics: readonly Metric[],
): { ok: true; names: Set<string> } | { ok: false; error: string } {
  const names = new Set<string>();
  for (const [i, rule] of (rules ?? []).entries()) {
    const matched = metrics.filter((m) => matches(rule.metricName, m.name));
    if (matched.length === 0)
      return { ok: false, error: `dryRun[${i}]: Rule didn't match any metric name(s)` };
    for (const m of matched) names.add(m.name);
  }
  return { ok: true, names };
}

/** The retention limit per metric name a rule names (later rules win); a limit ≤ 0 means the default. */
export function retentionLimits(
  rules: readonly { metricName: string; limit: number }[] | undefined,
  metrics: readonly Metric[],
): { ok: true; limits: Map<string, number> } | { ok: false; error: string } {
  const limits = new Map<string, number>();
  for (const [i, rule] of (rules ?? []).entries()) {
    const matched = metrics.filter((m) => matches(rule.metricName, m.name));
    if (matched.length === 0)
      return { ok: false, error: `measurementRetention[${i}]: Rule didn't match any metric name(s)` };
    for (const m of matched) limits.set(m.name, rule.limit);
  }
  return { ok: true, limits };
}
