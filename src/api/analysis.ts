import type { KubeObject } from './meta.js';
import type { AnalysisArg, PodMetadata } from './rollout.js';

/**
 * `argoproj.io/v1alpha1` AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun, as Argo Rollouts
 * defines them (pkg/apis/rollouts/v1alpha1/analysis_types.go). Only the providers truesplit measures
 * with are typed; any other provider key is kept as written so validation can name it.
 */
export interface AnalysisTemplate extends KubeObject {
  kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate';
  spec: AnalysisTemplateSpec;
}

export interface AnalysisTemplateSpec {
  metrics?: Metric[];
  args?: TemplateArg[];
  dryRun?: { metricName: string }[];
  measurementRetention?: { metricName: string; limit: number }[];
  /** Other templates merged into this one (Argo ≥ 1.7). */
  templates?: { templateName: string; clusterScope?: boolean }[];
}

/** A template argument: like the Rollout's, plus `secretKeyRef`, which only templates may use. */
export interface TemplateArg extends Omit<AnalysisArg, 'valueFrom'> {
  valueFrom?: AnalysisArg['valueFrom'] & { secretKeyRef?: { name: string; key: string } };
}

/** A duration as Argo writes it: `30s`, `5m`, `1h` (Go time.ParseDuration syntax: a bare number other than 0 is refused). */
export type AnalysisDuration = string;

export interface Metric {
  name: string;
  interval?: AnalysisDuration;
  initialDelay?: AnalysisDuration;
  /** A number, or a string such as `"{{args.count}}"` resolved before measuring. */
  count?: number | string;
  successCondition?: string;
  failureCondition?: string;
  /** Default 0; -1 = unlimited. May be a string arg. */
  failureLimit?: number | string;
  inconclusiveLimit?: number | string;
  /** Default 4. */
  consecutiveErrorLimit?: number | string;
  /** Default 0 (off). */
  consecutiveSuccessLimit?: number | string;
  provider: MetricProvider;
}

export interface MetricProvider {
  prometheus?: PrometheusMetric;
  web?: WebMetric;
  job?: JobMetric;
  /** truesplit's path-aware provider over Istio's standard telemetry (ADR 0182). */
  truesplit?: TrueSplitMetric;
  /** datadog, newRelic, wavefront, … — an error naming the provider, never a pass. */
  [provider: string]: unknown;
}

export interface HeaderPair {
  key: string;
  value: string;
}

export interface PrometheusMetric {
  address?: string;
  query: string;
  /** Seconds. */
  timeout?: number;
  insecure?: boolean;
  headers?: HeaderPair[];
  authentication?: Record<string, unknown>;
  rangeQuery?: { start?: string; end?: string; step?: string };
}

export interface WebMetric {
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  headers?: HeaderPair[];
  body?: string;
  jsonBody?: unknown;
  timeoutSeconds?: number;
  jsonPath?: string;
  insecure?: boolean;
  /** `oauth2` in Argo; not implemented by truesplit (a measurement Error naming it). */
  authentication?: Record<string, unknown>;
}

export interface TrueSplitMetric {
  /** Prometheus' URL; the provider's default Prometheus address when omitted. */
  address?: string;
  /** `destination_service_name` of the canary's Service. */
  service: string;
  /** `destination_service_namespace`; default the AnalysisRun's namespace. */
  namespace?: string;
  /** The canary's `destination_canonical_revision` (its pod-template hash, `{{args.canary-hash}}`). */
  canaryRevision: string;
  /** The caller path measured; `any` adds the three. */
  path: 'gateway' | 'mesh' | 'plain' | 'any';
  /** `errorRate`: 5xx among the canary's requests on the path; `canaryShare`: the canary's share of the path. */
  measure: 'errorRate' | 'canaryShare';
  /** A PromQL range, default `1m`. */
  window?: string;
  /** Requests below which the measurement is an Error ("insufficient data"); default 20. May be a string arg. */
  minSamples?: number | string;
  /** Source workloads matching this regular expression are gateways; default `.*gateway.*`. */
  gatewayWorkloads?: string;
}

export interface JobMetric {
  metadata?: PodMetadata;
  spec: Record<string, unknown>;
}

export type AnalysisPhase = 'Pending' | 'Running' | 'Successful' | 'Failed' | 'Error' | 'Inconclusive';

export interface AnalysisRun extends KubeObject {
  kind: 'AnalysisRun';
  spec: AnalysisRunSpec;
  status?: AnalysisRunStatus;
}

export interface AnalysisRunSpec {
  metrics: Metric[];
  /** Resolved arguments (secret args keep their `valueFrom`, never the value). */
  args?: TemplateArg[];
  terminate?: boolean;
  dryRun?: { metricName: string }[];
  measurementRetention?: { metricName: string; limit: number }[];
  ttlStrategy?: {
    secondsAfterCompletion?: number;
    secondsAfterFailure?: number;
    secondsAfterSuccess?: number;
  };
}

export interface Measurement {
  phase: AnalysisPhase;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  /** The result as text (Argo stores the provider's value as a string). */
  value?: string;
  metadata?: Record<string, string>;
  /** When a measurement still in progress (a job) should be resumed. */
  resumeAt?: string;
}

export interface MetricResult {
  name: string;
  phase: AnalysisPhase;
  measurements?: Measurement[];
  message?: string;
  count?: number;
  successful?: number;
  failed?: number;
  inconclusive?: number;
  error?: number;
  consecutiveError?: number;
  consecutiveSuccess?: number;
  dryRun?: boolean;
  metadata?: Record<string, string>;
}

export interface RunSummary {
  count?: number;
  successful?: number;
  failed?: number;
  inconclusive?: number;
  error?: number;
}

export interface AnalysisRunStatus {
  phase?: AnalysisPhase;
  message?: string;
  metricResults?: MetricResult[];
  startedAt?: string;
  completedAt?: string;
  runSummary?: RunSummary;
  dryRunSummary?: RunSummary;
}

/** Labels Argo Rollouts puts on the AnalysisRuns a Rollout creates (clients filter on these exact strings). */
export const ROLLOUT_TYPE_LABEL = 'rollout-type';
export const STEP_INDEX_LABEL = 'step-index';
/** `rollout-type` of a step's run and of the background run. */
export type RolloutRunType = 'Step' | 'Background';

/** Pending and Running are in progress; the other phases are final. */
export function isCompletedPhase(phase: AnalysisPhase | '' | undefined): boolean {
  return phase === 'Successful' || phase === 'Failed' || phase === 'Error' || phase === 'Inconclusive';
}
