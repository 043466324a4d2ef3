/**
 * The analysis part of a Rollout's observation, from the informer caches: the AnalysisRuns it controls, the names of
 * the namespace's other runs that start with `<rollout>-` (a new run must not take one), and the AnalysisTemplates /
 * ClusterAnalysisTemplates its references reach, nested ones included. The three kinds are optional informers: one
 * that cannot be listed is reported, and the pass makes a Rollout with analysis InvalidSpec (ADR 0145).
 */
import type { AnalysisTemplate } from '../api/analysis.js';
import { ownedBy } from '../api/meta.js';
import type { AnalysisTemplateRef, Rollout } from '../api/rollout.js';
import { rolloutAnalyses } from '../analysis/validate-references.js';
import type { ObservedAnalysis } from '../plan/observation.js';
import type { KindMap } from '../kube/cluster.js';

/** The part of an informer read here (an `Informer` is one). */
interface Reader<K extends 'AnalysisRun' | 'AnalysisTemplate' | 'ClusterAnalysisTemplate'> {
  get(namespace: string, name: string): KindMap[K] | undefined;
  list(namespace?: string, filter?: (object: KindMap[K]) => boolean): KindMap[K][];
}

export interface AnalysisCaches {
  analysisRuns: Reader<'AnalysisRun'>;
  analysisTemplates: Reader<'AnalysisTemplate'>;
  clusterAnalysisTemplates: Reader<'ClusterAnalysisTemplate'>;
  /** Those of the three that cannot be listed right now, by resource name. */
  unavailableAnalysisKinds?: () => ObservedAnalysis['unavailable'];
}

/** The templates `refs` reach, each once (a cycle stops where it closes; validation names it). */
function referencedTemplates(
  caches: AnalysisCaches,
  namespace: string,
  refs: readonly AnalysisTemplateRef[],
): AnalysisTemplate[] {
  const found = new Map<string, AnalysisTemplate>();
  const pending = [...refs];
  for (let ref = pending.shift(); ref; ref = pending.shift()) {
    const key = `${ref.clusterScope === true ? 'cluster' : 'ns'}/${ref.templateName}`;
    if (found.has(key)) continue;
    const template =
      ref.clusterScope === true
        ? caches.clusterAnalysisTemplates.get('', ref.templateName)
        : caches.analysisTemplates.get(namespace, ref.templateName);
    if (!template) continue;
    found.set(key, template);
    pending.push(...(template.spec?.templates ?? []));
  }
  return [...found.values()];
}

export function observeAnalysis(caches: AnalysisCaches, rollout: Rollout): ObservedAnalysis {
  const namespace = rollout.metadata.namespace ?? 'default';
  const prefix = `${rollout.metadata.name}-`;
  const runs = caches.analysisRuns.list(namespace, (run) => ownedBy(run, rollout));
  const owned = new Set(runs.map((run) => run.metadata.name));
  const takenNames = caches.analysisRuns
    .list(namespace, (run) => run.metadata.name.startsWith(prefix) && !ownedBy(run, rollout))
    .map((run) => run.metadata.name)
    .filter((name) => !owned.has(name));
  const refs = rolloutAnalyses(rollout).flatMap((entry) => entry.analysis.templates ?? []);
  const unavailable = caches.unavailableAnalysisKinds?.() ?? [];
  return {
    runs,
    templates: refs.length > 0 ? referencedTemplates(caches, namespace, refs) : [],
    ...(takenNames.length > 0 ? { takenNames } : {}),
    ...(unavailable.length > 0 ? { unavailable } : {}),
  };
}

export function hasAnalysisCaches(caches: object): caches is AnalysisCaches {
  const c = caches as Partial<AnalysisCaches>;
  return c.analysisRuns !== undefined && c.analysisTemplates !== undefined;
}

/** The Rollout that controls an AnalysisRun, as a queue key. */
export function owningRolloutKeyOfRun(run: { metadata: Rollout['metadata'] }): string | undefined {
  const owner = (run.metadata.ownerReferences ?? []).find(
    (ref) => ref.controller === true && ref.kind === 'Rollout',
  );
  return owner ? `${run.metadata.namespace ?? ''}/${owner.name}` : undefined;
}
