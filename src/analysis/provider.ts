import type { AnalysisPhase, AnalysisRun, Measurement, Metric } from '../api/analysis.js';

/**
 * The port every metric provider implements (prometheus, web, job, and truesplit's path-aware
 * provider). Providers do I/O; everything that decides phases from their results is pure and lives
 * beside this file. A provider never throws for a measurement problem: it returns a measurement in
 * phase `Error` with a message, as Argo's providers do.
 */
export interface MetricProviderPort {
  /** The provider key in `metric.provider` this implementation serves, e.g. `prometheus`. */
  readonly type: string;
  /**
   * Take one measurement. `metric` has its `{{args.x}}` placeholders already resolved. The result is
   * `value` (text, as stored in status) plus `result` (the parsed value conditions are evaluated on);
   * the caller evaluates the conditions. A long-running measurement (a job) returns `phase: 'Running'`
   * and is resumed with `resume`.
   */
  run(request: MeasureRequest): Promise<ProviderMeasurement>;
  /** Continue a measurement left `Running` (jobs); providers that finish at once omit it. */
  resume?(request: MeasureRequest, measurement: Measurement): Promise<ProviderMeasurement>;
  /** Stop a running measurement when the run is terminated (jobs delete their Job). */
  terminate?(request: MeasureRequest, measurement: Measurement): Promise<ProviderMeasurement>;
  /**
   * Metadata for the metric result (`metricResults[].metadata`), set when the result is first created, as Argo's
   * `GetMetadata` (prometheus: `ResolvedPrometheusQuery`). Providers without any omit it.
   */
  metricMetadata?(request: MeasureRequest): Record<string, string> | undefined;
  /**
   * Called when a metric's measurements are trimmed to `limit` (`measurementRetention`, default 10), as Argo's
   * `GarbageCollect`: the job provider deletes the run's older Jobs beyond it. Failures are thrown.
   */
  garbageCollect?(request: MeasureRequest, limit: number): Promise<void>;
}

export interface MeasureRequest {
  run: AnalysisRun;
  metric: Metric;
  now: Date;
  /** Aborts the request when the controller stops or the provider timeout passes. */
  signal?: AbortSignal;
  /**
   * The resolved values of the run's `secretKeyRef` args. Providers remove each from every `message`, `value` and
   * `metadata` they return (as they do the values of the headers they send), so a secret never reaches status.
   */
  secrets?: readonly string[];
}

export interface ProviderMeasurement {
  /**
   * `Running` for a measurement still in progress; `Error` for a provider failure; `Successful`, `Failed` or
   * `Inconclusive` when the provider decides (a job's outcome, a terminated job); otherwise omitted and decided by the
   * conditions.
   */
  phase?: Extract<AnalysisPhase, 'Running' | 'Error' | 'Successful' | 'Failed' | 'Inconclusive'>;
  /** The parsed result the conditions see (`result`). */
  result?: unknown;
  /** The result as stored in status. */
  value?: string;
  message?: string;
  metadata?: Record<string, string>;
  resumeAt?: string;
}
