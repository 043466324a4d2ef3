/**
 * A Rollout with analysis cannot pass without the analysis kinds: when `analysisruns.argoproj.io`, or the template
 * kind one of its references names, cannot be listed (CRD not installed, or RBAC), the pass is InvalidSpec naming the
 * resource — never a silent pass (ADR 0145). Pure.
 */
import { objectRef } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { ValidationError } from '../api/validate.js';
import { rolloutAnalyses } from '../analysis/validate-references.js';
import type { ObservedAnalysis } from './observation.js';

export const ANALYSIS_RESOURCES = {
  runs: 'analysisruns.argoproj.io',
  templates: 'analysistemplates.argoproj.io',
  clusterTemplates: 'clusteranalysistemplates.argoproj.io',
} as const;

function needed(rollout: Rollout): Set<string> {
  const refs = rolloutAnalyses(rollout).flatMap((entry) => entry.analysis.templates ?? []);
  const resources = new Set<string>();
  if (refs.length === 0) return resources;
  resources.add(ANALYSIS_RESOURCES.runs);
  if (refs.some((ref) => ref.clusterScope !== true)) resources.add(ANALYSIS_RESOURCES.templates);
  if (refs.some((ref) => ref.clusterScope === true)) resources.add(ANALYSIS_RESOURCES.clusterTemplates);
  return resources;
}

export function analysisKindErrors(rollout: Rollout, analysis: ObservedAnalysis): ValidationError[] {
  const resources = needed(rollout);
  const first = rolloutAnalyses(rollout)[0];
  if (!first) return [];
  return (analysis.unavailable ?? [])
    .filter((u) => resources.has(u.resource))
    .map((u) => ({
      object: objectRef(rollout),
      field: first.field,
      message:
        u.reason === 'not-found'
          ? `CustomResourceDefinition ${u.resource} is not installed: the Rollout's analysis cannot run`
          : `the controller may not list ${u.resource} (RBAC): the Rollout's analysis cannot run`,
    }));
}
