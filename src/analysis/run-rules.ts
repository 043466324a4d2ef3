/**
 * The run's phase from its metrics (Argo's `assessRunStatus` and the phase update of `reconcileAnalysisRun`): the
 * worst completed metric phase (Failed > Error > Inconclusive > Successful) once every metric completed, Running
 * before; a terminating run (terminate requested, or a metric already Failed/Error/Inconclusive) ends with the worst
 * phase so far, Successful when nothing went wrong. dryRun metrics are assessed and summarised apart and never make
 * the run fail. Messages and events use Argo's words.
 */
import type {
  AnalysisPhase,
  AnalysisRunSpec,
  AnalysisRunStatus,
  Metric,
  MetricResult,
  RunSummary,
} from '../api/analysis.js';
import { assessMetricPhase, isCompleted, limitVerdict } from './metric-rules.js';

/** An event to record on the AnalysisRun (the same shape the Rollout's events have). */
export interface AnalysisRunEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Best to worst (Argo's analysisStatusOrder). */
const PHASE_ORDER: readonly AnalysisPhase[] = [
  'Successful',
  'Running',
  'Pending',
  'Inconclusive',
  'Error',
  'Failed',
];

export function isWorse(current: AnalysisPhase, next: AnalysisPhase): boolean {
  return Math.max(0, PHASE_ORDER.indexOf(next)) > Math.max(0, PHASE_ORDER.indexOf(current));
}

/** Terminate requested, or a (non-dry-run) metric already Failed, Error or Inconclusive. */
export function isTerminating(spec: AnalysisRunSpec, status: AnalysisRunStatus | undefined): boolean {
  if (spec.terminate) return true;
  return (status?.metricResults ?? []).some(
    (r) => !r.dryRun && (r.phase === 'Failed' || r.phase === 'Error' || r.phase === 'Inconclusive'),
  );
}

function eventType(phase: AnalysisPhase): 'Normal' | 'Warning' {
  return phase === 'Error' || phase === 'Failed' ? 'Warning' : 'Normal';
}

export function runCompletionEvent(phase: AnalysisPhase): AnalysisRunEvent {
  return {
    type: eventType(phase),
    reason: `AnalysisRun${phase}`,
    message: `Analysis Completed. Result: ${phase}`,
  };
}

const emptySummary = (): Required<RunSummary> => ({
  count: 0,
  successful: 0,
  failed: 0,
  inconclusive: 0,
  error: 0,
});

function summarise(summary: Required<RunSummary>, phase: AnalysisPhase | undefined): void {
  if (phase === 'Error') summary.error++;
  else if (phase === 'Failed') summary.failed++;
  else if (phase === 'Inconclusive') summary.inconclusive++;
  else summary.successful++;
}

interface Worst {
  phase?: AnalysisPhase;
  message: string;
}

/** Updates one metric's result phase and message; returns the event a completion records. */
function assessResult(
  metric: Metric,
  result: MetricResult,
  terminating: boolean,
): AnalysisRunEvent | undefined {
  const phase = assessMetricPhase(metric, result, terminating);
  if (result.phase === phase) return undefined;
  const last = result.measurements?.[result.measurements.length - 1];
  if (last?.message) result.message = last.message;
  else delete result.message;
  result.phase = phase;
  if (!isCompleted(phase)) return undefined;
  return {
    type: eventType(phase),
    reason: `Metric${phase}`,
    message: `Metric '${metric.name}' Completed. Result: ${phase}`,
  };
}

/** Folds one completed metric into the worst phase and the summaries. */
function foldCompleted(
  metric: Metric,
  result: MetricResult,
  dryRun: boolean,
  worst: Worst,
  summaries: { run: Required<RunSummary>; dry: Required<RunSummary> },
): void {
  const verdict = limitVerdict(metric, result);
  const phase = result.phase;
  if (dryRun) {
    worst.phase ??= 'Successful';
    if (verdict) result.message = `Metric assessed ${phase} due to ${verdict.reason}`;
    summarise(summaries.dry, verdict?.phase);
    return;
  }
  if (worst.phase === undefined || isWorse(worst.phase, phase)) {
    worst.phase = phase;
    if (verdict) {
      worst.message = `Metric "${metric.name}" assessed ${phase} due to ${verdict.reason}`;
      if (result.message) worst.message += `: "Error Message: ${result.message}"`;
    }
  }
  summarise(summaries.run, verdict?.phase);
}

export interface RunAssessment {
  status: AnalysisRunStatus;
  events: AnalysisRunEvent[];
}

/**
 * Assesses every metric and the run at `now` (RFC 3339). `metrics` are the run's metrics with arguments resolved;
 * `dryRun` the names of its dry-run metrics. Never changes a completed run.
 */
export function assessRun(
  spec: AnalysisRunSpec,
  current: AnalysisRunStatus,
  metrics: readonly Metric[],
  dryRun: ReadonlySet<string>,
  now: string,
): RunAssessment {
  // Copy on write: the status and each metric result are new objects (their phase and message change here);
  // measurements are shared, never modified.
  const status: AnalysisRunStatus = { ...current };
  if (current.metricResults) status.metricResults = current.metricResults.map((r) => ({ ...r }));
  if (isCompleted(status.phase)) return { status, events: [] };
  const terminating = isTerminating(spec, current);
  status.startedAt ??= now;
  const events: AnalysisRunEvent[] = [];
  const worst: Worst = { message: spec.terminate ? 'Run Terminated' : '' };
  const summaries = { run: emptySummary(), dry: emptySummary() };
  let everythingCompleted = true;
  for (const metric of metrics) {
    const isDry = dryRun.has(metric.name);
    summaries[isDry ? 'dry' : 'run'].count++;
    const result = status.metricResults?.find((r) => r.name === metric.name);
    if (!result) {
      everythingCompleted = false;
      continue;
    }
    const event = assessResult(metric, result, terminating);
    if (event) events.push(event);
    if (!isCompleted(result.phase)) everythingCompleted = false;
    else foldCompleted(metric, result, isDry, worst, summaries);
  }
  status.runSummary = summaries.run;
  status.dryRunSummary = summaries.dry;
  const [phase, message] = terminating
    ? [worst.phase ?? 'Successful', worst.message.trim()]
    : !everythingCompleted || worst.phase === undefined
      ? ['Running' as const, '']
      : [worst.phase, worst.message.trim()];
  if (phase !== status.phase) {
    status.phase = phase;
    if (message) status.message = message;
    else delete status.message;
    if (isCompleted(phase)) {
      events.push(runCompletionEvent(phase));
      status.completedAt ??= now;
    }
  }
  return { status, events };
}
