/** Drives the pure run rules the way the controller does (plan → measure → record → conclude), with a fake clock. */
import type { AnalysisRun, Metric } from '../../src/api/analysis.js';
import { measurementFromProvider } from '../../src/analysis/measurement-phase.js';
import type { ProviderMeasurement } from '../../src/analysis/provider.js';
import {
  concludeAnalysisRun,
  planAnalysisRun,
  recordMeasurement,
  type RunConclusion,
} from '../../src/analysis/run-plan.js';
import { formatTime } from '../../src/util/time.js';
import { fakeEvaluator } from './fake-evaluator.js';

export const T0 = Date.parse('2026-01-01T00:00:00Z');

export function run(metrics: Metric[], spec: Partial<AnalysisRun['spec']> = {}): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'r', namespace: 'ns' },
    spec: { metrics, ...spec },
  };
}

export type Answer = (metric: string, attempt: number) => ProviderMeasurement;

/** One reconcile at `now`: the names measured and the conclusion; `run.status` is updated in place. */
export function reconcileOnce(
  r: AnalysisRun,
  now: number,
  answer: Answer,
  attempts: Map<string, number>,
): { measured: string[]; conclusion: RunConclusion } {
  const plan = planAnalysisRun(r, now);
  if (plan.completed) return { measured: [], conclusion: plan };
  let status = plan.status;
  const names = [...plan.measure, ...plan.resume];
  if (names.length === 0 && plan.terminateRunning.length === 0) {
    r.status = plan.status;
    return { measured: [], conclusion: plan };
  }
  status = r.status ?? {};
  for (const name of names) {
    const metric = plan.metrics.find((m) => m.name === name) as Metric;
    const attempt = (attempts.get(name) ?? 0) + 1;
    attempts.set(name, attempt);
    const stamp = formatTime(now);
    const m = measurementFromProvider(metric, answer(name, attempt), fakeEvaluator, {
      startedAt: stamp,
      now: stamp,
    });
    status = recordMeasurement(status, name, m, now, { dryRun: plan.dryRun.has(name) });
  }
  for (const name of plan.terminateRunning) {
    status = recordMeasurement(status, name, { phase: 'Successful', message: 'Metric Terminated' }, now);
  }
  const conclusion = concludeAnalysisRun(r, status, now, plan);
  r.status = conclusion.status;
  return { measured: names, conclusion };
}

/** Reconciles at each requeue time until the run completes (or `limit` passes); returns the measure times (s). */
export function driveToEnd(r: AnalysisRun, answer: Answer, limit = 100): { times: number[]; now: number } {
  const attempts = new Map<string, number>();
  const times: number[] = [];
  let now = T0;
  for (let i = 0; i < limit; i++) {
    const { measured, conclusion } = reconcileOnce(r, now, answer, attempts);
    if (measured.length > 0) times.push((now - T0) / 1000);
    if (conclusion.requeueAfterMs === undefined) break;
    now += conclusion.requeueAfterMs;
  }
  return { times, now };
}
