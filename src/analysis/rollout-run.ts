/**
 * The AnalysisRun a Rollout creates for an analysis step or its background analysis (Argo's
 * newAnalysisRunFromRollout): named `<rollout>-<podHash>-<revision>` plus `-<stepIndex>` for a step run (0-based
 * index of the step); labels `rollouts-pod-template-hash`, `rollout-type` (`Step` / `Background`), `step-index`, the
 * controller instance id when the Rollout has one, then `analysisRunMetadata.labels`, then the Rollout's selector
 * labels; annotations `rollout.argoproj.io/revision` then `analysisRunMetadata.annotations`; the Rollout as
 * controlling owner. The template merging is `analysisRunFromTemplates`. Pure.
 */
import type { AnalysisRun, RolloutRunType } from '../api/analysis.js';
import { ROLLOUT_TYPE_LABEL, STEP_INDEX_LABEL } from '../api/analysis.js';
import { INSTANCE_ID_LABEL, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from '../api/labels.js';
import type { OwnerReference } from '../api/meta.js';
import type { Rollout, RolloutAnalysis } from '../api/rollout.js';
import { rolloutRunArgs, type PodHashes } from './rollout-args.js';
import { analysisRunFromTemplates, type BuildResult, type TemplateSet } from './run-from-templates.js';

export interface RolloutRunRequest {
  rollout: Rollout;
  analysis: RolloutAnalysis;
  type: RolloutRunType;
  /** The step's index, for a step run. */
  stepIndex?: number;
  hashes: PodHashes;
  /** The Rollout's revision (the new ReplicaSet's `rollout.argoproj.io/revision`). */
  revision: string;
  set: TemplateSet;
}

/** `<rollout>-<podHash>-<revision>[-<stepIndex>]`; the create retries `.1`, `.2`, … when the name is taken. */
export function rolloutRunName(
  rollout: string,
  podHash: string,
  revision: string,
  stepIndex?: number,
): string {
  return [rollout, podHash, revision, ...(stepIndex !== undefined ? [String(stepIndex)] : [])].join('-');
}

export function rolloutOwnerReference(rollout: Rollout): OwnerReference {
  return {
    apiVersion: rollout.apiVersion,
    kind: 'Rollout',
    name: rollout.metadata.name,
    uid: rollout.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

function runLabels(req: RolloutRunRequest): Record<string, string> {
  const instanceId = req.rollout.metadata.labels?.[INSTANCE_ID_LABEL];
  return {
    [POD_TEMPLATE_HASH_LABEL]: req.hashes.latest,
    [ROLLOUT_TYPE_LABEL]: req.type,
    ...(req.stepIndex !== undefined ? { [STEP_INDEX_LABEL]: String(req.stepIndex) } : {}),
    ...(instanceId ? { [INSTANCE_ID_LABEL]: instanceId } : {}),
    ...(req.analysis.analysisRunMetadata?.labels ?? {}),
    ...(req.rollout.spec.selector?.matchLabels ?? {}),
  };
}

/** The run to create (its name before any collision suffix), or the error that stops it (Argo's message). */
export function analysisRunForRollout(req: RolloutRunRequest): BuildResult<AnalysisRun> {
  const args = rolloutRunArgs(req.analysis.args ?? [], req.hashes, req.rollout);
  if (!args.ok) return args;
  if (req.hashes.latest === '')
    return {
      ok: false,
      error: `Latest ReplicaSet of ${req.rollout.metadata.name} has no pod hash in the labels`,
    };
  const built = analysisRunFromTemplates({
    set: req.set,
    args: args.value,
    ...(req.analysis.dryRun ? { dryRun: req.analysis.dryRun } : {}),
    ...(req.analysis.measurementRetention ? { measurementRetention: req.analysis.measurementRetention } : {}),
    namespace: req.rollout.metadata.namespace ?? 'default',
    name: rolloutRunName(req.rollout.metadata.name, req.hashes.latest, req.revision, req.stepIndex),
    labels: runLabels(req),
    annotations: {
      [REVISION_ANNOTATION]: req.revision,
      ...(req.analysis.analysisRunMetadata?.annotations ?? {}),
    },
  });
  if (!built.ok) return built;
  const run = built.value;
  run.metadata.ownerReferences = [rolloutOwnerReference(req.rollout)];
  return { ok: true, value: run };
}
