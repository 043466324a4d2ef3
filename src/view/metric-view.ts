/**
 * One metric of an AnalysisRun as people read it: its conditions (arguments filled in, secret ones left as
 * placeholders), the limits that decide its phase with how far each has come, and its measurements as points to chart.
 * Pure: the run in, plain data out.
 */
import type { AnalysisPhase, Measurement, Metric, MetricResult, TemplateArg } from '../api/analysis.js';
import { effectiveCount, metricLimits } from '../analysis/metric-limits.js';
import { resolveMetricArgs } from '../analysis/run-args.js';
import { providerKeys } from '../analysis/run-validate.js';
import { parseTime } from '../util/time.js';

export interface MeasurementCounts {
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
}

export interface MeasurementView {
  phase: AnalysisPhase;
  /** When it finished (epoch ms), or started while still running; null when the run recorded neither. */
  at: number | null;
  /** The value as the run stores it ('' when none). */
  value: string;
  /** The number charted: the value, or the first number of a list (a Prometheus vector); null otherwise. */
  numeric: number | null;
  message: string;
}

export interface ConditionView {
  /** The expression with the run's arguments filled in. */
  expression: string;
  /** Constants `result` (or `result[0]`) is compared with by <, <=, > or >=: lines on the chart. */
  thresholds: number[];
}

export type LimitKind = 'failed' | 'inconclusive' | 'consecutiveError';

/** A limit on a kind of measurement: the metric ends Failed / Inconclusive / Error once `observed > limit`. */
export interface LimitView {
  kind: LimitKind;
  /** null: unlimited (failureLimit -1). */
  limit: number | null;
  observed: number;
  breached: boolean;
  text: string;
}

export interface MetricView {
  name: string;
  phase: AnalysisPhase;
  message: string;
  /** The provider key (`web`, `prometheus`, …). */
  provider: string;
  dryRun: boolean;
  /** As written ('' when unset). */
  interval: string;
  /** Measurements the metric takes; null: until the run is terminated. */
  count: number | null;
  successCondition: ConditionView | null;
  failureCondition: ConditionView | null;
  limits: LimitView[];
  counts: MeasurementCounts;
  measurements: MeasurementView[];
}

const LIMIT_WORDS: Record<LimitKind, { field: string; counted: string; phase: AnalysisPhase }> = {
  failed: { field: 'failureLimit', counted: 'failed measurements', phase: 'Failed' },
  inconclusive: { field: 'inconclusiveLimit', counted: 'inconclusive measurements', phase: 'Inconclusive' },
  consecutiveError: { field: 'consecutiveErrorLimit', counted: 'consecutive errors', phase: 'Error' },
};

/** Argument values for display: plain ones filled in; secret or unresolved ones stay `{{args.NAME}}`. */
export function displayArgValues(args: readonly TemplateArg[] | undefined): Map<string, string> {
  const values = new Map<string, string>();
  for (const arg of args ?? []) {
    const plain = arg.valueFrom?.secretKeyRef === undefined && arg.value !== undefined;
    values.set(arg.name, plain ? (arg.value ?? '') : `{{args.${arg.name}}}`);
  }
  return values;
}

/** The number a measured value charts as, or null. */
export function numericValue(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (Array.isArray(parsed)) parsed = parsed[0];
  if (typeof parsed === 'string' && parsed.trim() !== '') parsed = Number(parsed);
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : null;
}

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
const RESULT = String.raw`result(?:\s*\[\s*0\s*\])?`;
const COMPARISON = String.raw`<=|>=|<|>`;
const RESULT_FIRST = new RegExp(String.raw`^\(?\s*${RESULT}\s*(?:${COMPARISON})\s*(${NUMBER})\s*\)?$`);
const NUMBER_FIRST = new RegExp(String.raw`^\(?\s*(${NUMBER})\s*(?:${COMPARISON})\s*${RESULT}\s*\)?$`);

/** The constants of the simple comparisons in `expression` (each side of `&&`, `||`, `and`, `or`). */
export function conditionThresholds(expression: string): number[] {
  const found: number[] = [];
  for (const part of expression.split(/&&|\|\||\band\b|\bor\b/)) {
    const text = part.trim();
    const match = RESULT_FIRST.exec(text) ?? NUMBER_FIRST.exec(text);
    const value = match?.[1] !== undefined ? Number(match[1]) : Number.NaN;
    if (Number.isFinite(value) && !found.includes(value)) found.push(value);
  }
  return found;
}

function conditionView(expression: string | undefined): ConditionView | null {
  if (expression === undefined || expression.trim() === '') return null;
  return { expression, thresholds: conditionThresholds(expression) };
}

/** `Failed when failed measurements > 0 (failureLimit)`: the rule in the terms of Argo's metric message. */
function limitText(kind: LimitKind, limit: number | null): string {
  const { field, counted, phase } = LIMIT_WORDS[kind];
  if (limit === null) return `no limit on ${counted} (${field} -1)`;
  return `${phase} when ${counted} > ${limit} (${field})`;
}

function limitView(kind: LimitKind, limit: number, observed: number): LimitView {
  const bounded = kind === 'failed' && limit < 0 ? null : limit;
  return {
    kind,
    limit: bounded,
    observed,
    breached: bounded !== null && observed > bounded,
    text: limitText(kind, bounded),
  };
}

export function measurementView(measurement: Measurement): MeasurementView {
  const at = parseTime(measurement.finishedAt) ?? parseTime(measurement.startedAt) ?? null;
  return {
    phase: measurement.phase,
    at,
    value: measurement.value ?? '',
    numeric: numericValue(measurement.value),
    message: measurement.message ?? '',
  };
}

/** The metric `written` of a run, with its result (none yet: Pending, nothing measured). */
export function buildMetricView(
  written: Metric,
  result: MetricResult | undefined,
  args: ReadonlyMap<string, string>,
): MetricView {
  const resolved = resolveMetricArgs(written, args);
  const metric = resolved.ok ? resolved.metric : written;
  const limits = metricLimits(metric);
  return {
    name: written.name,
    phase: result?.phase ?? 'Pending',
    message: result?.message ?? '',
    provider: providerKeys(metric)[0] ?? '',
    dryRun: result?.dryRun === true,
    interval: metric.interval ?? '',
    count: effectiveCount(metric) ?? null,
    successCondition: conditionView(metric.successCondition),
    failureCondition: conditionView(metric.failureCondition),
    limits: [
      limitView('failed', limits.failureLimit, result?.failed ?? 0),
      limitView('inconclusive', limits.inconclusiveLimit, result?.inconclusive ?? 0),
      limitView('consecutiveError', limits.consecutiveErrorLimit, result?.consecutiveError ?? 0),
    ],
    counts: {
      successful: result?.successful ?? 0,
      failed: result?.failed ?? 0,
      inconclusive: result?.inconclusive ?? 0,
      error: result?.error ?? 0,
    },
    measurements: (result?.measurements ?? []).map(measurementView),
  };
}
