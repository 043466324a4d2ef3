import type { KubeObject } from '../api/meta.js';
import { objectRef } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { ValidationError } from '../api/validate.js';
import { validateAnalysisReferences } from '../analysis/validate-references.js';
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

/** A Rollout's analysis references against the templates of the input: errors and warnings, on the Rollout. */
export function analysisReferenceProblems(
  rollout: Rollout,
  objects: readonly KubeObject[],
): { errors: ValidationError[]; warnings: ValidationError[] } {
  const ref = objectRef(rollout);
  const { errors, warnings } = validateAnalysisReferences(rollout, objects);
  return {
    errors: errors.map((problem) => ({ object: ref, ...problem })),
    warnings: warnings.map((problem) => ({ object: ref, ...problem })),
  };
}
