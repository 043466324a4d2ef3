import { describe, expect, it } from 'vitest';
import type { Metric } from '../../src/api/analysis.js';
import { measurementFromProvider, measurementPhase } from '../../src/analysis/measurement-phase.js';
import { fakeEvaluator } from './fake-evaluator.js';

const metric = (conditions: Partial<Metric>): Metric => ({
  name: 'm',
  provider: { web: { url: 'x' } },
  ...conditions,
});
const S = 'result < 0.01';
const F = 'result >= 0.05';

describe('measurementPhase (Argo evaluate.EvaluateResult)', () => {
  const rows: [string, Partial<Metric>, unknown, string, string?][] = [
    ['neither condition ⇒ Successful', {}, 0.5, 'Successful'],
    ['neither condition, empty result ⇒ Successful', {}, [], 'Successful'],
    ['success only, true', { successCondition: S }, 0.001, 'Successful'],
    ['success only, false ⇒ Failed', { successCondition: S }, 0.02, 'Failed'],
    ['failure only, true ⇒ Failed', { failureCondition: F }, 0.07, 'Failed'],
    ['failure only, false ⇒ Successful', { failureCondition: F }, 0.02, 'Successful'],
    ['both, success true', { successCondition: S, failureCondition: F }, 0.001, 'Successful'],
    ['both, failure true', { successCondition: S, failureCondition: F }, 0.07, 'Failed'],
    ['both false ⇒ Inconclusive', { successCondition: S, failureCondition: F }, 0.02, 'Inconclusive'],
    [
      'NaN: every comparison is false ⇒ success only gives Failed',
      { successCondition: S },
      Number.NaN,
      'Failed',
    ],
    [
      'NaN with both conditions ⇒ Inconclusive',
      { successCondition: S, failureCondition: F },
      Number.NaN,
      'Inconclusive',
    ],
    [
      'empty result the condition cannot index ⇒ Error "no data returned"',
      { successCondition: 'result[0] < 0.01' },
      [],
      'Error',
      'could not evaluate successCondition "result[0] < 0.01": metric result is nil or empty: no data returned from the metric provider',
    ],
    [
      'nil result in the failure condition ⇒ Error "no data returned"',
      { failureCondition: 'result.ok' },
      undefined,
      'Error',
      'could not evaluate failureCondition "result.ok": metric result is nil or empty: no data returned from the metric provider',
    ],
    [
      'evaluator error on a present result keeps its message',
      { successCondition: 'result.ok' },
      'text',
      'Error',
      'could not evaluate successCondition "result.ok": cannot fetch ok from <nil>',
    ],
  ];
  it.each(rows)('%s', (_name, conditions, result, phase, message) => {
    const outcome = measurementPhase(metric(conditions), result, fakeEvaluator);
    expect(outcome.phase).toBe(phase);
    if (message) expect(outcome).toEqual({ phase: 'Error', message });
  });
});

describe('measurementFromProvider', () => {
  const times = { startedAt: '2026-01-01T00:00:00Z', now: '2026-01-01T00:00:01Z' };
  it('a provider error is an Error measurement with its message, conditions not evaluated', () => {
    const m = measurementFromProvider(
      metric({ successCondition: S }),
      { phase: 'Error', message: 'boom' },
      fakeEvaluator,
      times,
    );
    expect(m).toEqual({ phase: 'Error', message: 'boom', startedAt: times.startedAt, finishedAt: times.now });
  });
  it('a running measurement has no finishedAt and keeps resumeAt', () => {
    const m = measurementFromProvider(
      metric({}),
      { phase: 'Running', resumeAt: '2026-01-01T00:00:11Z' },
      fakeEvaluator,
      times,
    );
    expect(m).toEqual({ phase: 'Running', startedAt: times.startedAt, resumeAt: '2026-01-01T00:00:11Z' });
  });
  it('a value without a phase is judged by the conditions and stored as text', () => {
    const m = measurementFromProvider(
      metric({ successCondition: S }),
      { result: 0.5, value: '0.5' },
      fakeEvaluator,
      times,
    );
    expect(m).toEqual({ phase: 'Failed', value: '0.5', startedAt: times.startedAt, finishedAt: times.now });
  });
});
