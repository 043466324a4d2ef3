import type { Rollout, RolloutStatus } from '../api/rollout.js';
import type { Pod, ReplicaSet, Service } from '../api/workloads.js';
import type { RolloutEvent, TrafficIntent } from './intent.js';

export type { RolloutEvent } from './intent.js';

/** Everything the planner reads: one Rollout and what it owns, as observed from the caches. */
export interface RolloutSnapshot {
  rollout: Rollout;
  /** ReplicaSets owned by (or adoptable by) the Rollout. */
  replicaSets: ReplicaSet[];
  /** The canary / stable / ping / pong Services the Rollout names, when they exist. */
  services: Service[];
  /** The traffic-path gate's verdict for this pass (`truesplit.io/path-gate: enforce`); absent: no gate. */
  pathGate?: PathGateInput;
  /** The pods of the Rollout's ReplicaSets, read only while a `restartAt` restart is due. */
  pods?: readonly Pod[];
}

/** A blocked gate holds a `setWeight` step that would otherwise complete; the step's weights still apply. */
export interface PathGateInput {
  blocked: boolean;
  /** Names the diverging path and its numbers; shown in `status.message` while the gate holds. */
  message: string;
}

/** A change to a ReplicaSet or Service the executor must apply. Pure data; the executor does the I/O. */
export type WorkloadAction =
  | { type: 'createReplicaSet'; replicaSet: ReplicaSet }
  | { type: 'scaleReplicaSet'; name: string; replicas: number; annotations?: Record<string, string | null> }
  | { type: 'annotateReplicaSet'; name: string; annotations: Record<string, string | null> }
  | { type: 'switchService'; name: string; hash: string }
  /** revisionHistoryLimit: an old ReplicaSet scaled to zero (never the stable or the current one). */
  | { type: 'deleteReplicaSet'; name: string }
  /** restartAt: evict a pod created before `spec.restartAt` (Eviction API; a PodDisruptionBudget may refuse it). */
  | { type: 'evictPod'; name: string }
  /** canary/stableMetadata: the ReplicaSet's pod template labels/annotations and its record of what was injected. */
  | { type: 'syncTemplateMetadata'; name: string; delta: MetadataDelta; record: string | null }
  /** workloadRef.scaleDown: the referenced Deployment's spec.replicas. */
  | { type: 'scaleDeployment'; name: string; replicas: number }
  /** canary/stableMetadata on an existing pod of the new or stable ReplicaSet. */
  | { type: 'patchPodMetadata'; name: string; delta: MetadataDelta };

/** Label/annotation changes: a value sets the key, null removes it. */
export interface MetadataDelta {
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
}

export interface RolloutPlan {
  /** ReplicaSet and Service changes, in the order they must be applied. */
  actions: WorkloadAction[];
  /** The traffic the router must set up, or undefined when the Rollout has no traffic routing. */
  traffic?: TrafficIntent;
  /** The full desired status (the executor writes it through the status subresource when it differs). */
  status: RolloutStatus;
  events: RolloutEvent[];
  /** Reconcile again after this many milliseconds (pause expiry, scale-down deadlines, progress deadline). */
  requeueAfterMs?: number;
}
