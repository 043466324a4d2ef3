import type { Condition, KubeObject, LabelSelector } from './meta.js';
import type { PodTemplateSpec } from './workloads.js';

/** `argoproj.io/v1alpha1` Rollout, canary strategy (blueGreen is parsed only to be rejected). */
export interface Rollout extends KubeObject {
  kind: 'Rollout';
  spec: RolloutSpec;
  status?: RolloutStatus;
}

export type IntOrString = number | string;

export interface RolloutSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  workloadRef?: {
    apiVersion: string;
    kind: string;
    name: string;
    scaleDown?: 'never' | 'onsuccess' | 'progressively';
  };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
  progressDeadlineAbort?: boolean;
  restartAt?: string;
  rollbackWindow?: { revisions?: number };
  analysis?: { successfulRunHistoryLimit?: number; unsuccessfulRunHistoryLimit?: number };
  strategy: { canary?: CanaryStrategy; blueGreen?: Record<string, unknown> };
}

export interface CanaryStrategy {
  canaryService?: string;
  stableService?: string;
  steps?: CanaryStep[];
  trafficRouting?: TrafficRouting;
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  analysis?: RolloutAnalysisBackground;
  antiAffinity?: {
    preferredDuringSchedulingIgnoredDuringExecution?: { weight: number };
    requiredDuringSchedulingIgnoredDuringExecution?: Record<string, never>;
  };
  canaryMetadata?: PodMetadata;
  stableMetadata?: PodMetadata;
  scaleDownDelaySeconds?: number;
  scaleDownDelayRevisionLimit?: number;
  abortScaleDownDelaySeconds?: number;
  dynamicStableScale?: boolean;
  pingPong?: { pingService: string; pongService: string };
  minPodsPerReplicaSet?: number;
  replicaProgressThreshold?: { type: 'Percent' | 'Pods'; value: number };
}

export interface PodMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface TrafficRouting {
  istio?: IstioTrafficRouting;
  managedRoutes?: { name: string }[];
  maxTrafficWeight?: number;
  /** Other routers (nginx, alb, smi, plugins, …) are kept as written and reported as unsupported. */
  [router: string]: unknown;
}

export interface IstioTrafficRouting {
  virtualService?: IstioVirtualServiceRef;
  virtualServices?: IstioVirtualServiceRef[];
  destinationRule?: IstioDestinationRuleRef;
}

export interface IstioVirtualServiceRef {
  name: string;
  routes?: string[];
  tlsRoutes?: { port?: number; sniHosts?: string[] }[];
  tcpRoutes?: { port?: number }[];
}

export interface IstioDestinationRuleRef {
  name: string;
  canarySubsetName: string;
  stableSubsetName: string;
  additionalSubsetNames?: string[];
}

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface CanaryStep {
  setWeight?: number;
  pause?: { duration?: IntOrString };
  setCanaryScale?: { replicas?: number; weight?: number; matchTrafficWeight?: boolean };
  analysis?: RolloutAnalysis;
  experiment?: Record<string, unknown>;
  setHeaderRoute?: { name: string; match?: { headerName: string; headerValue: StringMatch }[] };
  setMirrorRoute?: {
    name: string;
    match?: { method?: StringMatch; path?: StringMatch; headers?: Record<string, StringMatch> }[];
    percentage?: number;
  };
  plugin?: { name: string; config?: unknown };
}

export interface AnalysisTemplateRef {
  templateName: string;
  clusterScope?: boolean;
}

export interface AnalysisArg {
  name: string;
  value?: string;
  valueFrom?: { podTemplateHashValue?: 'Stable' | 'Latest'; fieldRef?: { fieldPath: string } };
}

export interface RolloutAnalysis {
  templates?: AnalysisTemplateRef[];
  args?: AnalysisArg[];
  dryRun?: { metricName: string }[];
  measurementRetention?: { metricName: string; limit: number }[];
  analysisRunMetadata?: PodMetadata;
}

export interface RolloutAnalysisBackground extends RolloutAnalysis {
  startingStep?: number;
}

export type RolloutPhase = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded';

export type PauseReason =
  'CanaryPauseStep' | 'InconclusiveAnalysisRun' | 'InconclusiveExperiment' | 'PathGate';

export interface PauseCondition {
  reason: PauseReason;
  startTime: string;
}

export interface WeightDestination {
  weight: number;
  serviceName?: string;
  podTemplateHash?: string;
}

export interface TrafficWeights {
  canary: WeightDestination;
  stable: WeightDestination;
  additional?: WeightDestination[];
  verified?: boolean;
}

export interface RolloutStatus {
  observedGeneration?: string;
  currentPodHash?: string;
  stableRS?: string;
  currentStepIndex?: number;
  currentStepHash?: string;
  phase?: RolloutPhase;
  message?: string;
  conditions?: Condition[];
  pauseConditions?: PauseCondition[];
  controllerPause?: boolean;
  abort?: boolean;
  abortedAt?: string;
  promoteFull?: boolean;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  HPAReplicas?: number;
  selector?: string;
  collisionCount?: number;
  restartedAt?: string;
  /** The generation of the `workloadRef` object the pod template was last read from. */
  workloadObservedGeneration?: string;
  canary?: {
    weights?: TrafficWeights;
    currentStepAnalysisRunStatus?: { name: string; status: string; message?: string };
    currentBackgroundAnalysisRunStatus?: { name: string; status: string; message?: string };
    currentExperiment?: string;
    stablePingPong?: 'ping' | 'pong';
  };
  duration?: { rolloutStartedAt?: string; finishedAt?: string; completionStatus?: string };
}
