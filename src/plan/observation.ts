/**
 * The Observation: everything one reconcile pass of one Rollout reads, taken from the informer caches once
 * (`controller/observe.ts`) and never read again inside the pass. Plain data: `planPass` is a function of it and `now`.
 */
import type { DestinationRule, Gateway, PeerAuthentication, Sidecar, VirtualService } from '../api/istio.js';
import type { Rollout } from '../api/rollout.js';
import type { Namespace, Pod, ReplicaSet, Service } from '../api/workloads.js';
import type { Workload } from '../rollout/workload-ref.js';
import type { Finding } from '../mesh/types.js';
import type { AnalysisObservation } from '../rollout/plan-types.js';
import type { CallerSplit } from '../mesh/observed-split.js';

export interface Observation {
  rollout: Rollout;
  /** The ReplicaSets the Rollout controls or may adopt, with their status (ready and available pod counts). */
  replicaSets: ReplicaSet[];
  /** The Services the Rollout names (canary, stable, ping, pong). */
  services: Service[];
  /** The VirtualServices the Rollout names, as `routingOf` resolves them. */
  virtualServices: VirtualService[];
  destinationRule?: DestinationRule;
  /** The Deployment, ReplicaSet or PodTemplate `spec.workloadRef` names, when it exists. */
  workload?: Workload;
  /** The Rollout's pods, listed only while a `restartAt` restart is due (no Pod informer: ADR 0170). */
  pods?: Pod[];
  /** What the traffic-path model reads; absent without Istio routing or when the mesh kinds are not watched. */
  mesh?: MeshObservation;
  /** The Rollout's AnalysisRuns and referenced templates; absent when the controller does not watch them. */
  analysis?: ObservedAnalysis;
  /**
   * The latest reading of Istio's telemetry for this Rollout's canary (ADR 0265), taken outside the pass by the
   * controller's telemetry poller; absent without a Prometheus address or before the first reading.
   */
  telemetry?: ObservedTelemetry;
}

/** One reading of `istio_requests_total` for a Rollout: per caller, the requests and those that reached the canary. */
export interface ObservedTelemetry {
  /** When both instant queries were evaluated (ms since the epoch). */
  time: number;
  /** The `destination_canonical_revision` counted as canary (the canary's pod-template hash). */
  canaryRevision: string;
  /** The PromQL window the requests were counted over (`1m`). */
  window: string;
  /** Per caller (`readCallerSplits`); absent when the queries failed. */
  callers?: CallerSplit[];
  /** Why there are no figures: Prometheus' error, a timeout, an unreachable address. */
  error?: string;
}

/** The analysis part of the observation, with the analysis kinds that could not be listed (ADR 0145). */
export interface ObservedAnalysis extends AnalysisObservation {
  /** `analysisruns.argoproj.io` etc. that are not installed (`not-found`) or not allowed (`forbidden`). */
  unavailable?: readonly { resource: string; reason: 'not-found' | 'forbidden' }[];
}

/**
 * The mesh around the hosts the Rollout's paths reach (ADR 0320): every Namespace, Gateway and Sidecar (callers and
 * bindings live anywhere), the VirtualServices it names and those and the DestinationRules of reached hosts, the
 * reached Services and every PeerAuthentication of its namespace and the root namespace, and the ReplicaSets of its
 * namespace that it owns or a reached Service selects (endpoints).
 */
export interface MeshObservation {
  namespaces: readonly Namespace[];
  services: readonly Service[];
  virtualServices: readonly VirtualService[];
  destinationRules: readonly DestinationRule[];
  gateways: readonly Gateway[];
  sidecars: readonly Sidecar[];
  peerAuthentications: readonly PeerAuthentication[];
  /**
   * The ReplicaSets of the Rollout's namespace the model reads: its own and those a Service of the scope selects (a
   * Service may select other workloads' pods too). ADR 0320.
   */
  replicaSets: readonly ReplicaSet[];
  /** Namespaces where a ReplicaSet left out of `replicaSets` runs pods without a sidecar (plain callers). */
  sidecarlessPodNamespaces?: readonly string[];
  rootNamespace: string;
  /** Findings the observation itself raises: kinds that could not be listed (`crd-missing`, `rbac-forbidden`). */
  unavailable?: readonly Finding[];
  /** The kinds of `unavailable`: the model does not take their absence as a fact (`MeshSnapshot.unlistedKinds`). */
  unlistedKinds?: readonly string[];
}
