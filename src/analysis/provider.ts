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
}

export interface MeasureRequest {
  run: AnalysisRun;
  metric: Metric;
  now: Date;
  /** Aborts the request when the controller stops or the provider timeout passes. */
  signal?: AbortSignal;
}

export interface ProviderMeasurement {
  /** `Running` for a measurement still in progress; `Error` for a provider failure; otherwise omitted and decided by the conditions. */
  phase?: Extract<AnalysisPhase, 'Running' | 'Error' | 'Successful' | 'Failed'>;
  /** The parsed result the conditions see (`result`). */
  result?: unknown;
  /** The result as stored in status. */
  value?: string;
  message?: string;
  metadata?: Record<string, string>;
  resumeAt?: string;
}
