import type { AnalysisRun, AnalysisTemplate } from '../api/analysis.js';
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
  /**
   * Whether the routing last written is known to be in effect (ADR 0275), for `status.canary.weights.verified`:
   * false holds a weight step's completion and every ReplicaSet scale-down; absent: not known, nothing held.
   */
  trafficVerified?: boolean;
  /**
   * The Rollout's AnalysisRuns and the templates it names. Absent: runs are not observed (the step simulation) —
   * no run is planned and an analysis step completes as if its run had succeeded. The controller always sets it.
   */
  analysis?: AnalysisObservation;
  /** The pods of the Rollout's ReplicaSets, read only while a `restartAt` restart is due. */
  pods?: readonly Pod[];
}

/** What the analysis part of a pass reads (ADR 0144). */
export interface AnalysisObservation {
  /** The AnalysisRuns the Rollout controls. */
  runs: readonly AnalysisRun[];
  /** AnalysisTemplates (Rollout's namespace) and ClusterAnalysisTemplates its references reach. */
  templates: readonly AnalysisTemplate[];
  /** Names of other AnalysisRuns of the namespace starting with `<rollout>-`: a new run never takes one. */
  takenNames?: readonly string[];
}

/** A change to one of the Rollout's AnalysisRuns; the executor does the I/O. */
export type AnalysisRunWrite =
  | { type: 'createAnalysisRun'; run: AnalysisRun }
  /** Argo's cancel: merge patch `spec.terminate: true`. */
  | { type: 'terminateAnalysisRun'; name: string }
  /** History limits, or a run whose ReplicaSet is gone. */
  | { type: 'deleteAnalysisRun'; name: string };

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
  /** AnalysisRun creates, terminations and deletions (after traffic, before scaling: Argo's order). */
  analysisWrites?: AnalysisRunWrite[];
  /** A run could not be built: the pass ends after the traffic writes and is retried (Argo returns the error). */
  failure?: string;
}
