/**
 * A Rollout's analysis references against the templates that exist, as Argo's ValidateRolloutReferencedResources
 * checks them (InvalidSpec in the controller, errors in `lint`): every named AnalysisTemplate /
 * ClusterAnalysisTemplate exists (nested ones too), the templates of one reference merge (no metric named twice, no
 * arg with two values), every template arg gets a value from the template or the Rollout, and a step's templates
 * have no metric that measures forever (Argo: "runs indefinitely"), and every template passes truesplit's own checks
 * (validate-template.ts: a provider truesplit does not measure with, or none, is InvalidSpec before any step runs,
 * never a run that errors later). Pure.
 */
import type { AnalysisTemplate } from '../api/analysis.js';
import { objectRef } from '../api/meta.js';
import type { Rollout, RolloutAnalysis } from '../api/rollout.js';
import type { ValidationError } from '../api/validate.js';
import { rolloutRunArgs } from './rollout-args.js';
import { analysisRunFromTemplates } from './run-from-templates.js';
import { resolveTemplateRefs, type TemplateLookup } from './template-refs.js';
import { validateAnalysisTemplate } from './validate-template.js';

/** Each analysis of the Rollout with the field of its template list; `step` for a step's analysis. */
export function rolloutAnalyses(
  rollout: Rollout,
): { field: string; analysis: RolloutAnalysis; step: boolean }[] {
  const canary = rollout.spec.strategy.canary;
  // Read defensively: `lint` checks references of Rollouts whose steps may be malformed.
  const steps = (Array.isArray(canary?.steps) ? canary.steps : []).flatMap((step, index) =>
    typeof step === 'object' && step !== null && step.analysis
      ? [
          {
            field: `spec.strategy.canary.steps[${index}].analysis.templates`,
            analysis: step.analysis,
            step: true,
          },
        ]
      : [],
  );
  const background = canary?.analysis
    ? [{ field: 'spec.strategy.canary.analysis.templates', analysis: canary.analysis, step: false }]
    : [];
  return [...steps, ...background];
}

function names(analysis: RolloutAnalysis): string {
  return `templateNames: [${(analysis.templates ?? []).map((t) => t.templateName).join(' ')}]`;
}

/** Argo: a step's analysis must end; a metric with an interval and no count measures until terminated. */
function indefiniteMetric(templates: readonly AnalysisTemplate[]): string | undefined {
  for (const template of templates) {
    const metric = (template.spec?.metrics ?? []).find((m) => m.count === undefined && m.interval);
    if (metric)
      return `AnalysisTemplate ${template.metadata.name} has metric ${metric.name} which runs indefinitely. Invalid value for count: `;
  }
  return undefined;
}

/** The first problem of the first invalid template, naming the template and the metric (`spec.metrics[i]`). */
function invalidTemplate(templates: readonly AnalysisTemplate[]): string | undefined {
  for (const template of templates) {
    const problem = validateAnalysisTemplate(template)[0];
    if (!problem) continue;
    const index = /^spec\.metrics\[(\d+)\]/.exec(problem.field)?.[1];
    const metric = index === undefined ? undefined : template.spec?.metrics?.[Number(index)]?.name;
    const where = metric === undefined ? '' : ` metric '${metric}'`;
    return `${template.kind} '${template.metadata.name}'${where}: ${problem.field}: ${problem.message}`;
  }
  return undefined;
}

function checkOne(
  rollout: Rollout,
  lookup: TemplateLookup,
  entry: { field: string; analysis: RolloutAnalysis; step: boolean },
): string | undefined {
  const namespace = rollout.metadata.namespace ?? 'default';
  const refs = resolveTemplateRefs(lookup, namespace, entry.analysis.templates ?? [], entry.field);
  if (!refs.ok) return refs.error.message;
  const invalid = invalidTemplate([...refs.set.templates, ...refs.set.clusterTemplates]);
  if (invalid) return invalid;
  const args = rolloutRunArgs(entry.analysis.args ?? [], { latest: 'latest', stable: 'stable' }, rollout);
  if (!args.ok) return args.error;
  const built = analysisRunFromTemplates({
    set: refs.set,
    args: args.value,
    ...(entry.analysis.dryRun ? { dryRun: entry.analysis.dryRun } : {}),
    ...(entry.analysis.measurementRetention
      ? { measurementRetention: entry.analysis.measurementRetention }
      : {}),
    namespace,
  });
  if (!built.ok) return `${names(entry.analysis)}: ${built.error}`;
  if (!entry.step) return undefined;
  return indefiniteMetric([...refs.set.templates, ...refs.set.clusterTemplates]);
}

/** One error per analysis reference that cannot become a run. */
export function validateAnalysisReferences(rollout: Rollout, lookup: TemplateLookup): ValidationError[] {
  const object = objectRef(rollout);
  return rolloutAnalyses(rollout).flatMap((entry) => {
    const message = checkOne(rollout, lookup, entry);
    return message === undefined ? [] : [{ object, field: entry.field, message }];
  });
}
