import type { ReportProblem } from '../api/validate-values.js';
import { describeValue, isRecord } from '../api/validate-values.js';
import { argNamesIn, stringsIn } from './arg-placeholders.js';
import { goRegExp } from './go-regexp.js';
import { validateMetric } from './validate-metric.js';

/**
 * AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun specs, each problem named by the field a user
 * edits (`spec.metrics[1].successCondition: …`). Pure; values are read defensively (manifests are input).
 */
export interface AnalysisProblem {
  field: string;
  message: string;
}

/** A template's (and a run's) argument sources; `podTemplateHashValue` exists on the Rollout's args only. */
const VALUE_SOURCES = ['secretKeyRef', 'fieldRef'];

/** Every problem of an AnalysisTemplate or ClusterAnalysisTemplate (`object.spec`). */
export function validateAnalysisTemplate(template: { spec?: unknown }): AnalysisProblem[] {
  return collect((report) => validateSpec(template.spec, 'template', report));
}

/** Every problem of an AnalysisRun's spec (metrics and args already resolved from its templates). */
export function validateAnalysisRun(run: { spec?: unknown }): AnalysisProblem[] {
  return collect((report) => validateSpec(run.spec, 'run', report));
}

function collect(check: (report: ReportProblem) => void): AnalysisProblem[] {
  const problems: AnalysisProblem[] = [];
  check((field, message) => problems.push({ field, message }));
  return problems;
}

function validateSpec(spec: unknown, kind: 'template' | 'run', report: ReportProblem): void {
  if (!isRecord(spec)) {
    report('spec', spec === undefined ? 'required' : `must be a map (found ${describeValue(spec)})`);
    return;
  }
  const nested = kind === 'template' ? validateNestedTemplates(spec.templates, report) : 0;
  const metrics = listAt(spec, 'metrics', report);
  if (metrics.length === 0 && nested === 0) report('spec.metrics', 'no metrics specified');
  metrics.forEach((metric, i) => validateMetric(metric, `spec.metrics[${i}]`, report));
  const names = metricNames(metrics, report);
  const declared = validateArgs(listAt(spec, 'args', report), kind, report);
  // With nested templates, metrics and args also come from them: only the merged run can be checked.
  if (nested === 0) {
    validateMetricRules(listAt(spec, 'dryRun', report), 'spec.dryRun', names, report);
    validateMetricRules(
      listAt(spec, 'measurementRetention', report),
      'spec.measurementRetention',
      names,
      report,
    );
    validateArgReferences(metrics, declared, report);
  }
  if (kind === 'run' && spec.terminate !== undefined && typeof spec.terminate !== 'boolean') {
    report('spec.terminate', `must be true or false (found ${describeValue(spec.terminate)})`);
  }
}

function listAt(spec: Record<string, unknown>, field: string, report: ReportProblem): unknown[] {
  const value = spec[field];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  report(`spec.${field}`, `must be a list (found ${describeValue(value)})`);
  return [];
}

/** Metric names, each once: Argo refuses a template (or a merged run) with two metrics of one name. */
function metricNames(metrics: unknown[], report: ReportProblem): string[] {
  const first = new Map<string, number>();
  metrics.forEach((metric, i) => {
    const name = isRecord(metric) ? metric.name : undefined;
    if (typeof name !== 'string' || name === '') return;
    const seen = first.get(name);
    if (seen === undefined) first.set(name, i);
    else report(`spec.metrics[${i}].name`, `duplicate name '${name}' (also spec.metrics[${seen}])`);
  });
  return [...first.keys()];
}

/** `templates[]`: other templates merged into this one. Returns how many are named. */
function validateNestedTemplates(value: unknown, report: ReportProblem): number {
  if (value === undefined || value === null) return 0;
  if (!Array.isArray(value)) {
    report('spec.templates', `must be a list (found ${describeValue(value)})`);
    return 0;
  }
  value.forEach((ref, i) => {
    const path = `spec.templates[${i}]`;
    if (!isRecord(ref) || typeof ref.templateName !== 'string' || ref.templateName === '') {
      report(`${path}.templateName`, 'required');
    } else if (ref.clusterScope !== undefined && typeof ref.clusterScope !== 'boolean') {
      report(`${path}.clusterScope`, `must be true or false (found ${describeValue(ref.clusterScope)})`);
    }
  });
  return value.length;
}

/** The declared argument names; each arg has a name, at most one of value / valueFrom, and a known source. */
function validateArgs(args: unknown[], kind: 'template' | 'run', report: ReportProblem): Set<string> {
  const declared = new Set<string>();
  args.forEach((arg, i) => {
    const path = `spec.args[${i}]`;
    if (!isRecord(arg) || typeof arg.name !== 'string' || arg.name === '') {
      report(`${path}.name`, 'required');
      return;
    }
    if (declared.has(arg.name)) report(`${path}.name`, `duplicate argument '${arg.name}'`);
    declared.add(arg.name);
    if (arg.value !== undefined && typeof arg.value !== 'string') {
      report(`${path}.value`, `must be a string (found ${describeValue(arg.value)})`);
    }
    if (arg.value !== undefined && arg.valueFrom !== undefined) {
      report(path, 'value and valueFrom are mutually exclusive: set one');
    }
    if (arg.valueFrom !== undefined) validateValueFrom(arg.valueFrom, `${path}.valueFrom`, report);
    if (kind === 'run' && arg.value === undefined && arg.valueFrom === undefined) {
      report(path, `argument ${arg.name} has no value: an AnalysisRun's arguments are resolved`);
    }
  });
  return declared;
}

function validateValueFrom(valueFrom: unknown, path: string, report: ReportProblem): void {
  if (!isRecord(valueFrom)) {
    report(path, `must be a map (found ${describeValue(valueFrom)})`);
    return;
  }
  const sources = VALUE_SOURCES.filter((source) => valueFrom[source] !== undefined);
  if (sources.length !== 1) {
    report(path, `set exactly one of ${VALUE_SOURCES.join(', ')} (found ${sources.length})`);
    return;
  }
  const { secretKeyRef, fieldRef } = valueFrom;
  if (secretKeyRef !== undefined) {
    for (const field of ['name', 'key']) {
      const value = isRecord(secretKeyRef) ? secretKeyRef[field] : undefined;
      if (typeof value !== 'string' || value === '') report(`${path}.secretKeyRef.${field}`, 'required');
    }
  }
  if (fieldRef !== undefined && (!isRecord(fieldRef) || typeof fieldRef.fieldPath !== 'string')) {
    report(`${path}.fieldRef.fieldPath`, 'required');
  }
}

/** `dryRun[]` / `measurementRetention[]`: each `metricName` is a Go regular expression that must match a metric. */
function validateMetricRules(rules: unknown[], path: string, names: string[], report: ReportProblem): void {
  rules.forEach((rule, i) => {
    const field = `${path}[${i}].metricName`;
    const pattern = isRecord(rule) ? rule.metricName : undefined;
    if (typeof pattern !== 'string' || pattern === '') {
      report(field, 'required');
      return;
    }
    const compiled = goRegExp(pattern);
    if (!compiled.ok) report(field, compiled.error);
    else if (!names.some((name) => compiled.regExp.test(name))) {
      report(field, `rule ${JSON.stringify(pattern)} did not match any metric name(s)`);
    }
    const limit = isRecord(rule) ? rule.limit : undefined;
    if (path.endsWith('measurementRetention') && (!Number.isInteger(limit) || (limit as number) < 0)) {
      report(`${path}[${i}].limit`, `must be a non-negative integer (found ${describeValue(limit)})`);
    }
  });
}

/** A `{{args.x}}` in a metric must name an argument the template (or run) declares. */
function validateArgReferences(metrics: unknown[], declared: Set<string>, report: ReportProblem): void {
  metrics.forEach((metric, i) => {
    for (const { field, text } of stringsIn(metric, `spec.metrics[${i}]`)) {
      for (const name of argNamesIn(text)) {
        if (!declared.has(name))
          report(field, `{{args.${name}}} names an argument the spec does not declare`);
      }
    }
  });
}
