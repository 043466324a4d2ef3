/**
 * Enqueue rules for the analysis kinds: an AnalysisRun's change enqueues the Rollout that controls it (its phase
 * decides a step, a pause or an abort); a template's change enqueues the Rollouts with analysis in its namespace
 * (every namespace for a ClusterAnalysisTemplate) — a template may be nested in another, and templates change rarely.
 */
import { rolloutAnalyses } from '../analysis/validate-references.js';
import type { Informer } from '../kube/informer.js';
import { owningRolloutKeyOfRun } from './observe-analysis.js';

export interface AnalysisInformers {
  rollouts: Pick<Informer<'Rollout'>, 'listShared'>;
  analysisRuns: Pick<Informer<'AnalysisRun'>, 'onChange'>;
  analysisTemplates: Pick<Informer<'AnalysisTemplate'>, 'onChange'>;
  clusterAnalysisTemplates: Pick<Informer<'ClusterAnalysisTemplate'>, 'onChange'>;
}

export function wireAnalysisEnqueueRules(
  informers: AnalysisInformers,
  enqueue: (rolloutKey: string) => void,
): void {
  informers.analysisRuns.onChange((_key, _type, run) => {
    const owner = owningRolloutKeyOfRun(run);
    if (owner) enqueue(owner);
  });
  const rolloutsWithAnalysis = (namespace?: string) => {
    for (const rollout of informers.rollouts.listShared(namespace)) {
      if (rolloutAnalyses(rollout).length > 0)
        enqueue(`${rollout.metadata.namespace ?? ''}/${rollout.metadata.name}`);
    }
  };
  informers.analysisTemplates.onChange((_key, _type, template) =>
    rolloutsWithAnalysis(template.metadata.namespace ?? ''),
  );
  informers.clusterAnalysisTemplates.onChange(() => rolloutsWithAnalysis());
}
