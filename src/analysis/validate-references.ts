import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import { isRecord } from '../api/validate-values.js';
import type { AnalysisProblem } from './validate-template.js';
import { validateAnalysisTemplate } from './validate-template.js';

/**
 * A Rollout's analysis references (`canary.analysis`, `canary.steps[].analysis`) checked against the
 * templates in the same input: a template absent from the input is a warning (it may be in the cluster),
 * present but invalid is an error, and so is an argument a template requires that the Rollout does not
 * supply, two metrics of one name across the templates merged into one run, and — in a step, which must
 * end — a metric that measures until terminated. `clusterScope: true` names a ClusterAnalysisTemplate.
 */
export interface ReferenceProblems {
  errors: AnalysisProblem[];
  warnings: AnalysisProblem[];
}

interface FoundTemplate {
  kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate';
  name: string;
  spec: Record<string, unknown>;
}

type Lookup = (name: string, clusterScope: boolean) => KubeObject | undefined;

const CANARY = 'spec.strategy.canary';
const MAX_NESTING = 10;

export function validateAnalysisReferences(
  rollout: Rollout,
  objects: readonly KubeObject[],
): ReferenceProblems {
  const problems: ReferenceProblems = { errors: [], warnings: [] };
  const lookup = templateLookup(rollout, objects);
  // Read defensively: the Rollout's own validation reports a malformed canary, steps or analysis.
  const canary: unknown = isRecord(rollout.spec.strategy) ? rollout.spec.strategy.canary : undefined;
  if (!isRecord(canary)) return problems;
  if (isRecord(canary.analysis))
    checkAnalysis(canary.analysis, `${CANARY}.analysis`, false, lookup, problems);
  const steps: unknown[] = Array.isArray(canary.steps) ? canary.steps : [];
  steps.forEach((step, i) => {
    if (isRecord(step) && isRecord(step.analysis)) {
      checkAnalysis(step.analysis, `${CANARY}.steps[${i}].analysis`, true, lookup, problems);
    }
  });
  return problems;
}

/** Templates by name: a ClusterAnalysisTemplate, or an AnalysisTemplate in the Rollout's namespace. */
function templateLookup(rollout: Rollout, objects: readonly KubeObject[]): Lookup {
  const namespace = rollout.metadata.namespace;
  return (name, clusterScope) =>
    objects.find((object) => {
      if (object.metadata.name !== name) return false;
      if (clusterScope) return object.kind === 'ClusterAnalysisTemplate';
      const theirs = object.metadata.namespace;
      return object.kind === 'AnalysisTemplate' && (!theirs || !namespace || theirs === namespace);
    });
}

function checkAnalysis(
  analysis: Record<string, unknown>,
  path: string,
  isStep: boolean,
  lookup: Lookup,
  problems: ReferenceProblems,
): void {
  const found: FoundTemplate[] = [];
  const refs: unknown[] = Array.isArray(analysis.templates) ? analysis.templates : [];
  if (refs.length === 0)
    problems.errors.push({ field: `${path}.templates`, message: 'required: name a template' });
  refs.forEach((ref, j) => {
    const field = `${path}.templates[${j}]`;
    if (!isRecord(ref) || typeof ref.templateName !== 'string' || ref.templateName === '') {
      problems.errors.push({ field: `${field}.templateName`, message: 'required' });
      return;
    }
    collectTemplate(ref.templateName, ref.clusterScope === true, field, lookup, problems, found, 0);
  });
  checkArgs(analysis, path, found, problems);
  checkMetricNames(path, found, problems);
  if (isStep) checkStepEnds(path, found, problems);
}

/** The template a reference names and, recursively, the templates it merges (`spec.templates[]`). */
function collectTemplate(
  name: string,
  clusterScope: boolean,
  field: string,
  lookup: Lookup,
  problems: ReferenceProblems,
  found: FoundTemplate[],
  depth: number,
): void {
  const kind = clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
  if (found.some((t) => t.kind === kind && t.name === name) || depth > MAX_NESTING) return;
  const object = lookup(name, clusterScope);
  if (!object) {
    const where = clusterScope ? 'the cluster' : 'the cluster, in the Rollout’s namespace';
    problems.warnings.push({
      field,
      message: `${kind} "${name}" is not in the input: it must exist in ${where}`,
    });
    return;
  }
  const spec = (object as KubeObject & { spec?: unknown }).spec;
  const invalid = validateAnalysisTemplate({ spec }).length;
  if (invalid > 0 || !isRecord(spec)) {
    const count = invalid === 1 ? '1 problem' : `${invalid} problems`;
    problems.errors.push({ field, message: `${kind} "${name}" is invalid (${count}, listed under it)` });
    return;
  }
  found.push({ kind, name, spec });
  const nested: unknown[] = Array.isArray(spec.templates) ? spec.templates : [];
  for (const ref of nested) {
    if (!isRecord(ref) || typeof ref.templateName !== 'string') continue;
    collectTemplate(ref.templateName, ref.clusterScope === true, field, lookup, problems, found, depth + 1);
  }
}

/** An argument with neither value nor valueFrom must come from the Rollout (Rollout args override the rest). */
function checkArgs(
  analysis: Record<string, unknown>,
  path: string,
  found: FoundTemplate[],
  problems: ReferenceProblems,
): void {
  const supplied = new Set(listOf(analysis.args).map((arg) => arg.name));
  const reported = new Set<string>();
  for (const template of found) {
    for (const arg of listOf(template.spec.args)) {
      const name = arg.name;
      if (typeof name !== 'string' || arg.value !== undefined || arg.valueFrom !== undefined) continue;
      if (supplied.has(name) || reported.has(name)) continue;
      reported.add(name);
      problems.errors.push({
        field: `${path}.args`,
        message: `argument "${name}" required by ${template.kind} "${template.name}" is not supplied`,
      });
    }
  }
}

/** Metrics of the templates merged into one run must have distinct names. */
function checkMetricNames(path: string, found: FoundTemplate[], problems: ReferenceProblems): void {
  const owner = new Map<string, FoundTemplate>();
  for (const template of found) {
    for (const metric of listOf(template.spec.metrics)) {
      if (typeof metric.name !== 'string') continue;
      const first = owner.get(metric.name);
      if (!first) owner.set(metric.name, template);
      else if (first !== template) {
        const message = `metric "${metric.name}" is in both ${first.kind} "${first.name}" and ${template.kind} "${template.name}": merged into one run, metric names must differ`;
        problems.errors.push({ field: `${path}.templates`, message });
      }
    }
  }
}

/** A step completes when its run does: a metric with an interval and no count would never end (Argo refuses it). */
function checkStepEnds(path: string, found: FoundTemplate[], problems: ReferenceProblems): void {
  for (const template of found) {
    for (const metric of listOf(template.spec.metrics)) {
      const hasInterval = typeof metric.interval === 'string' && metric.interval !== '';
      const count = metric.count;
      if (!hasInterval || (count !== undefined && count !== 0 && count !== '0')) continue;
      const name = typeof metric.name === 'string' ? metric.name : '?';
      problems.errors.push({
        field: `${path}.templates`,
        message: `${template.kind} "${template.name}" has metric "${name}" which runs indefinitely (interval without count): a step analysis must end`,
      });
    }
  }
}

function listOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
