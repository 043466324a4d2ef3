import type { AnalysisTemplate } from '../api/analysis.js';
import type { KubeObject } from '../api/meta.js';
import { objectRef } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { ValidationError } from '../api/validate.js';
import { resolveTemplateRefs, type TemplateLookup } from '../analysis/template-refs.js';
import { rolloutAnalyses, validateAnalysisReferences } from '../analysis/validate-references.js';
import { validateAnalysisRun, validateAnalysisTemplate } from '../analysis/validate-template.js';

/** Kinds whose spec is an analysis spec, and how each is checked. */
const ANALYSIS_CHECKS: Readonly<
  Record<string, (object: { spec?: unknown }) => { field: string; message: string }[]>
> = {
  AnalysisTemplate: validateAnalysisTemplate,
  ClusterAnalysisTemplate: validateAnalysisTemplate,
  AnalysisRun: validateAnalysisRun,
};

/** Whether the manifest check validates this object as an analysis object. */
export function isAnalysisObject(object: KubeObject): boolean {
  return object.kind in ANALYSIS_CHECKS;
}

/** An AnalysisTemplate's, ClusterAnalysisTemplate's or AnalysisRun's own problems (none for other kinds). */
export function analysisObjectProblems(object: KubeObject): ValidationError[] {
  const check = ANALYSIS_CHECKS[object.kind];
  if (!check) return [];
  const ref = objectRef(object);
  return check(object as KubeObject & { spec?: unknown }).map((problem) => ({ object: ref, ...problem }));
}

/**
 * Templates of the input by name. A template written without a namespace matches a Rollout of any namespace, as
 * `kubectl apply -n` would place them together.
 */
function inputLookup(objects: readonly KubeObject[]): TemplateLookup {
  const templates = objects.filter(
    (object) => object.kind === 'AnalysisTemplate' || object.kind === 'ClusterAnalysisTemplate',
  ) as AnalysisTemplate[];
  return {
    template: (namespace, name) =>
      templates.find(
        (t) =>
          t.kind === 'AnalysisTemplate' &&
          t.metadata.name === name &&
          (t.metadata.namespace === undefined || t.metadata.namespace === namespace),
      ),
    clusterTemplate: (name) =>
      templates.find((t) => t.kind === 'ClusterAnalysisTemplate' && t.metadata.name === name),
  };
}

/**
 * A Rollout's analysis references against the templates of the input, with the controller's own rules
 * (validate-references.ts). `lint` differs in two ways only: a template absent from the input is a warning, since it
 * may exist in the cluster; and a template present but invalid is an error on the reference too.
 */
export function analysisReferenceProblems(
  rollout: Rollout,
  objects: readonly KubeObject[],
): { errors: ValidationError[]; warnings: ValidationError[] } {
  const object = objectRef(rollout);
  const lookup = inputLookup(objects);
  const namespace = rollout.metadata.namespace ?? 'default';
  const warnings: ValidationError[] = [];
  const errors: ValidationError[] = [];
  const skip = new Set<string>();
  for (const entry of rolloutAnalyses(rollout)) {
    const refs = resolveTemplateRefs(lookup, namespace, entry.analysis.templates ?? [], entry.field);
    if (!refs.ok && refs.error.missing === true) {
      skip.add(entry.field);
      const message = `${refs.error.message} in the input: it must exist in the cluster`;
      warnings.push({ object, field: entry.field, message });
      continue;
    }
    if (!refs.ok) continue;
    const invalid = [...refs.set.templates, ...refs.set.clusterTemplates].filter(
      (template) => validateAnalysisTemplate(template).length > 0,
    );
    if (invalid.length > 0) skip.add(entry.field);
    for (const template of invalid) {
      const message = `${template.kind} '${template.metadata.name}' is invalid (its problems are listed under it)`;
      errors.push({ object, field: entry.field, message });
    }
  }
  const rest = validateAnalysisReferences(rollout, lookup).filter((error) => !skip.has(error.field));
  return { errors: [...errors, ...rest], warnings };
}
