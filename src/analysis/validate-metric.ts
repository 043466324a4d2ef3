import type { ReportProblem } from '../api/validate-values.js';
import { describeValue, isRecord } from '../api/validate-values.js';
import { hasArgPlaceholder } from './arg-placeholders.js';
import { conditionProblem } from './condition/index.js';
import { parseDuration } from './duration.js';
import { NO_PROVIDER_MESSAGE, unsupportedProviderMessage } from './supported-providers.js';

/**
 * One metric of an AnalysisTemplate, ClusterAnalysisTemplate or AnalysisRun, with Argo's rules
 * (utils/analysis/factory.go ValidateMetric) plus what truesplit can measure. A value that is a
 * `{{args.x}}` placeholder is checked once the run resolves it, not here.
 */
const LIMITS = [
  'failureLimit',
  'inconclusiveLimit',
  'consecutiveErrorLimit',
  'consecutiveSuccessLimit',
] as const;
const CONDITIONS = ['successCondition', 'failureCondition'] as const;
const DURATIONS = { interval: 'interval', initialDelay: 'startDelay' } as const;

export function validateMetric(metric: unknown, path: string, report: ReportProblem): void {
  if (!isRecord(metric)) {
    report(path, `must be a map (found ${describeValue(metric)})`);
    return;
  }
  if (typeof metric.name !== 'string' || metric.name === '') report(`${path}.name`, 'required');
  for (const field of CONDITIONS) validateCondition(metric[field], `${path}.${field}`, report);
  for (const [field, argoName] of Object.entries(DURATIONS)) {
    validateDuration(metric[field], `${path}.${field}`, argoName, report);
  }
  const counts = readCounts(metric, path, report);
  if (counts) validateCounts(counts, metric.interval, path, report);
  validateProvider(metric.provider, `${path}.provider`, report);
}

function validateCondition(value: unknown, field: string, report: ReportProblem): void {
  if (value === undefined || value === '') return;
  if (typeof value !== 'string') {
    report(field, `must be a string (found ${describeValue(value)})`);
    return;
  }
  if (hasArgPlaceholder(value)) return;
  const problem = conditionProblem(value);
  if (problem !== undefined) report(field, `invalid condition: ${problem}`);
}

function validateDuration(value: unknown, field: string, argoName: string, report: ReportProblem): void {
  if (value === undefined || value === '') return;
  if (typeof value !== 'string') {
    report(field, `must be a duration string such as 30s or 5m (found ${describeValue(value)})`);
    return;
  }
  if (hasArgPlaceholder(value)) return;
  const parsed = parseDuration(value);
  if (!parsed.ok) report(field, `invalid ${argoName} string: ${parsed.error}`);
  else if (parsed.milliseconds < 0) report(field, 'must not be negative');
}

/** `count` and the limits, each an integer or a string holding one (Argo's IntOrString); undefined when absent. */
type Counts = Partial<Record<'count' | (typeof LIMITS)[number], number>>;

function readCounts(
  metric: Record<string, unknown>,
  path: string,
  report: ReportProblem,
): Counts | undefined {
  const counts: Counts = {};
  let valid = true;
  for (const field of ['count', ...LIMITS] as const) {
    const value = metric[field];
    if (value === undefined) continue;
    if (typeof value === 'string' && hasArgPlaceholder(value)) continue;
    const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number)) {
      report(`${path}.${field}`, `must be an integer or "{{args.NAME}}" (found ${describeValue(value)})`);
      valid = false;
    } else counts[field] = number;
  }
  return valid ? counts : undefined;
}

function validateCounts(counts: Counts, interval: unknown, path: string, report: ReportProblem): void {
  const { count = 0, failureLimit = 0, inconclusiveLimit = 0, consecutiveSuccessLimit = 0 } = counts;
  const problems: [string, string][] = [];
  if (count < 0) problems.push(['count', 'must be >= 0']);
  if (consecutiveSuccessLimit < 0) problems.push(['consecutiveSuccessLimit', 'must be >= 0']);
  if (failureLimit < -1) problems.push(['failureLimit', 'must be >= 0, or -1 to be disabled']);
  if (inconclusiveLimit < 0) problems.push(['inconclusiveLimit', 'must be >= 0']);
  if ((counts.consecutiveErrorLimit ?? 0) < 0) problems.push(['consecutiveErrorLimit', 'must be >= 0']);
  if (consecutiveSuccessLimit === 0 && failureLimit === -1) {
    problems.push(['failureLimit', 'failureLimit and consecutiveSuccessLimit cannot both be disabled']);
  }
  if (count > 0 && consecutiveSuccessLimit >= 0) {
    const needed = failureLimit >= 0 ? failureLimit + consecutiveSuccessLimit : consecutiveSuccessLimit;
    if (count < needed) {
      const sum = failureLimit >= 0 ? 'failureLimit + consecutiveSuccessLimit' : 'consecutiveSuccessLimit';
      problems.push(['count', `count (${count}) must be >= ${sum} (${needed})`]);
    }
  }
  if (count > 0 && count < inconclusiveLimit) problems.push(['count', 'count must be >= inconclusiveLimit']);
  if (count > 1 && (interval === undefined || interval === '')) {
    problems.push(['count', 'interval must be specified when count > 1']);
  }
  for (const [field, message] of problems) report(`${path}.${field}`, message);
}

function validateProvider(provider: unknown, path: string, report: ReportProblem): void {
  if (!isRecord(provider)) {
    report(path, provider === undefined ? 'required: no provider specified' : 'must be a map');
    return;
  }
  const keys = Object.keys(provider).filter((key) => provider[key] !== null && provider[key] !== undefined);
  if (keys.length === 0) report(path, NO_PROVIDER_MESSAGE);
  else if (keys.length > 1)
    report(path, `multiple providers specified (${keys.join(', ')}); a metric has one`);
  for (const key of keys) {
    const unsupported = unsupportedProviderMessage(key);
    if (unsupported !== undefined) report(`${path}.${key}`, unsupported);
    else validateProviderFields(key, provider[key], `${path}.${key}`, report);
  }
}

/** The one field each supported provider cannot do without. */
const REQUIRED_FIELD: Readonly<Record<string, string>> = { prometheus: 'query', web: 'url', job: 'spec' };

function validateProviderFields(key: string, config: unknown, path: string, report: ReportProblem): void {
  if (!isRecord(config)) {
    report(path, `must be a map (found ${describeValue(config)})`);
    return;
  }
  const required = REQUIRED_FIELD[key];
  if (required !== undefined && (config[required] === undefined || config[required] === '')) {
    report(`${path}.${required}`, 'required');
  }
}
