/**
 * `spec.workloadRef` (Argo's templateref.go): the pod template comes from the referenced `apps/v1` Deployment or
 * ReplicaSet (`spec.template`) or `v1` PodTemplate (`template`), the selector from the Deployment or ReplicaSet when
 * the Rollout has none; the Rollout is planned as if it carried that template, so a change to the referenced
 * template is a new revision. A referenced ReplicaSet is a template source only, never one of the Rollout's
 * ReplicaSets (ADR 0221).
 * `scaleDown` (Argo's rollout/sync.go and scale_utils.go) scales the referenced Deployment while the Rollout's first
 * revision takes over: `onsuccess` to 0 once the Rollout is Healthy, `progressively` to `replicas - available` as
 * the Rollout's pods become available; `never` (the default) leaves it. Only a Deployment is scaled (Argo scales a
 * Deployment of the reference's name whatever its kind; `lint` warns about `scaleDown` on a ReplicaSet). Pure.
 */
import { REVISION_ANNOTATION } from '../api/labels.js';
import type { Rollout, RolloutStatus } from '../api/rollout.js';
import type { Deployment, PodTemplate, ReplicaSet } from '../api/workloads.js';

export type Workload = Deployment | ReplicaSet | PodTemplate;

/** The kinds truesplit resolves, as Argo's templateref.go. */
export const RESOLVED_WORKLOAD_KINDS: readonly string[] = ['Deployment', 'ReplicaSet', 'PodTemplate'];

export type Resolution = { rollout: Rollout; workload?: Workload } | { error: string };

/** The Rollout with the referenced template (and selector), or why it cannot be resolved. */
export function resolveWorkloadRef(rollout: Rollout, workload: Workload | undefined): Resolution {
  const ref = rollout.spec.workloadRef;
  if (!ref || !RESOLVED_WORKLOAD_KINDS.includes(ref.kind)) return { rollout };
  if (!workload || workload.kind !== ref.kind) {
    return { error: `spec.workloadRef: ${ref.kind} "${ref.name}" not found` };
  }
  const template = workload.kind === 'PodTemplate' ? workload.template : workload.spec?.template;
  if (!template) return { error: `spec.workloadRef: ${ref.kind} "${ref.name}" has no pod template` };
  const spec = { ...rollout.spec, template };
  const selector = workload.kind === 'PodTemplate' ? undefined : workload.spec?.selector;
  if (!spec.selector && selector) spec.selector = selector;
  return { rollout: { ...rollout, spec }, workload };
}

/** `status.workloadObservedGeneration`: the referenced object's generation this pass was planned from. */
export function withWorkloadGeneration(status: RolloutStatus, workload: Workload | undefined): RolloutStatus {
  if (!workload) return status;
  return { ...status, workloadObservedGeneration: String(workload.metadata.generation ?? 0) };
}

/** The replicas the referenced Deployment should have now; undefined: leave it as it is. */
export function workloadScaleDown(
  rollout: Rollout,
  workload: Workload | undefined,
  replicaSets: readonly ReplicaSet[],
): number | undefined {
  const mode = rollout.spec.workloadRef?.scaleDown ?? 'never';
  if (workload?.kind !== 'Deployment' || mode === 'never') return undefined;
  const hash = rollout.status?.currentPodHash;
  const current = replicaSets.find((rs) => rs.metadata.labels?.['rollouts-pod-template-hash'] === hash);
  if (!current || current.metadata.annotations?.[REVISION_ANNOTATION] !== '1') return undefined;
  const target = scaleDownTarget(rollout, mode, current.status?.availableReplicas ?? 0);
  if (target === undefined) return undefined;
  return (workload.spec.replicas ?? 1) === target ? undefined : target;
}

/**
 * Argo's rule (rollout/replicaset.go, revision 1 only): once the Rollout is Healthy the Deployment goes to 0; before
 * that, `progressively` keeps it at `spec.replicas - the Rollout's available pods` — down as they become available,
 * back up if they stop being available — and leaves it while the Rollout has none. Argo counts ready pods; truesplit
 * counts available ones, so `minReadySeconds` is waited for (ADR 0172).
 */
function scaleDownTarget(rollout: Rollout, mode: string, available: number): number | undefined {
  if (rollout.status?.phase === 'Healthy') return 0;
  if (mode !== 'progressively' || available === 0) return undefined;
  return Math.max(0, (rollout.spec.replicas ?? 1) - available);
}
