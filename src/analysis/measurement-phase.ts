/**
 * A measurement's phase from the metric's conditions (Argo's `evaluate.EvaluateResult`): neither condition ⇒
 * Successful; success only ⇒ Failed when it is false; failure only ⇒ Successful when it is false; failure true ⇒
 * Failed; both false ⇒ Inconclusive. An error evaluating either condition makes the measurement Error, with Argo's
 * message — which says "no data returned" when the result is nil or an empty array.
 */
import type { AnalysisPhase, Measurement, Metric } from '../api/analysis.js';
import type { ConditionEvaluator } from './condition-port.js';
import type { ProviderMeasurement } from './provider.js';

export type ConditionPhase =
  { phase: 'Successful' | 'Failed' | 'Inconclusive' } | { phase: 'Error'; message: string };

function isNilOrEmpty(result: unknown): boolean {
  return result === null || result === undefined || (Array.isArray(result) && result.length === 0);
}

function evalError(which: string, expression: string, result: unknown, error: string): string {
  if (isNilOrEmpty(result)) {
    return `could not evaluate ${which} "${expression}": metric result is nil or empty: no data returned from the metric provider`;
  }
  return `could not evaluate ${which} "${expression}": ${error}`;
}

export function measurementPhase(
  metric: Metric,
  result: unknown,
  evaluate: ConditionEvaluator,
): ConditionPhase {
  const success = metric.successCondition ?? '';
  const failure = metric.failureCondition ?? '';
  let successTrue = false;
  let failureTrue = false;
  if (success !== '') {
    const outcome = evaluate(success, result);
    if (!outcome.ok)
      return { phase: 'Error', message: evalError('successCondition', success, result, outcome.error) };
    successTrue = outcome.value;
  }
  if (failure !== '') {
    const outcome = evaluate(failure, result);
    if (!outcome.ok)
      return { phase: 'Error', message: evalError('failureCondition', failure, result, outcome.error) };
    failureTrue = outcome.value;
  }
  if (success === '' && failure === '') return { phase: 'Successful' };
  if (failure === '') failureTrue = !successTrue;
  else if (success === '') successTrue = !failureTrue;
  if (failureTrue) return { phase: 'Failed' };
  return successTrue ? { phase: 'Successful' } : { phase: 'Inconclusive' };
}

/**
 * The measurement a provider's answer makes. A provider that decided the phase (Error, Running, a job's
 * Successful/Failed) keeps it; otherwise the conditions decide. `startedAt` is kept from a resumed measurement.
 */
export function measurementFromProvider(
  metric: Metric,
  taken: ProviderMeasurement,
  evaluate: ConditionEvaluator,
  times: { startedAt: string; now: string },
): Measurement {
  const decided: { phase: AnalysisPhase; message?: string } = taken.phase
    ? { phase: taken.phase, ...(taken.message !== undefined ? { message: taken.message } : {}) }
    : measurementPhase(metric, taken.result, evaluate);
  const running = decided.phase === 'Running';
  return {
    phase: decided.phase,
    ...(decided.message ? { message: decided.message } : {}),
    startedAt: times.startedAt,
    ...(running ? {} : { finishedAt: times.now }),
    ...(taken.value !== undefined ? { value: taken.value } : {}),
    ...(taken.metadata ? { metadata: taken.metadata } : {}),
    ...(running && taken.resumeAt ? { resumeAt: taken.resumeAt } : {}),
  };
}
