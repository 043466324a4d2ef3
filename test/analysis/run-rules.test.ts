import { describe, expect, it } from 'vitest';
import type { AnalysisRun, Metric } from '../../src/api/analysis.js';
import { concludeAnalysisRun, planAnalysisRun, recordMeasurement } from '../../src/analysis/run-plan.js';
import { driveToEnd, reconcileOnce, run, T0, type Answer } from './run-driver.js';

const web = { web: { url: 'http://m' } };
const metric = (extra: Partial<Metric> = {}): Metric => ({
  name: 'error-rate',
  provider: web,
  successCondition: 'result < 0.01',
  ...extra,
});
const value = (v: number) => ({ result: v, value: String(v) });
const healthy: Answer = () => value(0.001);
const failsOn =
  (n: number): Answer =>
  (_m, attempt) =>
    value(attempt === n ? 0.5 : 0.001);

describe('a run measured to the end (plan → measure → record → conclude)', () => {
  it('3 measurements at a 1 s interval, all good ⇒ Successful, measured at 0, 1, 2 s', () => {
    const r = run([metric({ interval: '1s', count: 3 })]);
    const { times } = driveToEnd(r, healthy);
    expect(times).toEqual([0, 1, 2]);
    expect(r.status?.phase).toBe('Successful');
    expect(r.status?.metricResults?.[0]).toMatchObject({
      count: 3,
      successful: 3,
      consecutiveSuccess: 3,
      phase: 'Successful',
    });
    expect(r.status?.runSummary).toEqual({ count: 1, successful: 1, failed: 0, inconclusive: 0, error: 0 });
    expect(r.status?.completedAt).toBe('2026-01-01T00:00:02Z');
  });

  it('failure on the 2nd of 3 ⇒ Failed at once with Argo’s message', () => {
    const r = run([metric({ interval: '1s', count: 3 })]);
    const { times } = driveToEnd(r, failsOn(2));
    expect(times).toEqual([0, 1]);
    expect(r.status?.phase).toBe('Failed');
    expect(r.status?.message).toBe(
      'Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)',
    );
  });

  it('failureLimit 1: two failures fail with "failed (2) > failureLimit (1)"', () => {
    const r = run([metric({ interval: '1s', count: 5, failureLimit: 1 })]);
    driveToEnd(r, (_m, n) => value(n === 2 || n === 4 ? 0.5 : 0.001));
    expect(r.status?.message).toBe(
      'Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)',
    );
  });

  it('failureLimit -1 never fails on failures; consecutiveSuccessLimit decides', () => {
    const r = run([metric({ interval: '1s', count: 5, failureLimit: -1, consecutiveSuccessLimit: 2 })]);
    const { times } = driveToEnd(r, (_m, n) => value(n <= 2 ? 0.5 : 0.001));
    expect(times).toEqual([0, 1, 2, 3]);
    expect(r.status?.phase).toBe('Successful');
  });

  it('count reached without consecutiveSuccessLimit reached (failureLimit -1) ⇒ Failed', () => {
    const r = run([metric({ interval: '1s', count: 3, failureLimit: -1, consecutiveSuccessLimit: 3 })]);
    driveToEnd(r, (_m, n) => value(n === 2 ? 0.5 : 0.001));
    expect(r.status?.phase).toBe('Failed');
  });

  it('count and limits as string args ("{{args.n}}") are read from spec.args', () => {
    const r = run([metric({ interval: '1s', count: '{{args.n}}', failureLimit: '{{args.limit}}' })], {
      args: [
        { name: 'n', value: '4' },
        { name: 'limit', value: '1' },
      ],
    });
    const { times } = driveToEnd(r, failsOn(3));
    expect(times).toEqual([0, 1, 2, 3]);
    expect(r.status?.phase).toBe('Successful');
    expect(r.status?.metricResults?.[0]).toMatchObject({ count: 4, failed: 1 });
  });

  it('both conditions false ⇒ Inconclusive: "inconclusive (1) > inconclusiveLimit (0)"', () => {
    const r = run([metric({ failureCondition: 'result >= 0.05' })]);
    driveToEnd(r, () => value(0.02));
    expect(r.status?.phase).toBe('Inconclusive');
    expect(r.status?.message).toBe(
      'Metric "error-rate" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)',
    );
  });

  it('empty result: Error measurements retried every 10 s until consecutiveErrors (5) > consecutiveErrorLimit (4)', () => {
    const r = run([metric({ successCondition: 'result[0] < 0.01' })]);
    const { times } = driveToEnd(r, () => ({ result: [], value: '[]' }));
    expect(times).toEqual([0, 10, 20, 30, 40]);
    expect(r.status?.phase).toBe('Error');
    expect(r.status?.message).toBe(
      'Metric "error-rate" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "Error Message: could not evaluate successCondition "result[0] < 0.01": metric result is nil or empty: no data returned from the metric provider"',
    );
    expect(r.status?.metricResults?.[0]).toMatchObject({ error: 5, consecutiveError: 5 });
    expect(r.status?.metricResults?.[0]?.count ?? 0).toBe(0);
  });

  it('consecutiveErrorLimit as a string arg', () => {
    const r = run([metric({ consecutiveErrorLimit: '{{args.e}}' })], { args: [{ name: 'e', value: '1' }] });
    const { times } = driveToEnd(r, () => ({ phase: 'Error', message: 'timeout' }));
    expect(times).toEqual([0, 10]);
    expect(r.status?.message).toBe(
      'Metric "error-rate" assessed Error due to consecutiveErrors (2) > consecutiveErrorLimit (1): "Error Message: timeout"',
    );
  });

  it('an error between successes resets consecutiveError and does not count', () => {
    const r = run([metric({ interval: '1s', count: 3 })]);
    driveToEnd(r, (_m, n) => (n === 2 ? { phase: 'Error', message: 'x' } : value(0.001)));
    expect(r.status?.phase).toBe('Successful');
    expect(r.status?.metricResults?.[0]).toMatchObject({ count: 3, error: 1, consecutiveError: 0 });
  });

  it('no interval and no count ⇒ exactly one measurement', () => {
    const r = run([metric()]);
    const { times } = driveToEnd(r, healthy);
    expect(times).toEqual([0]);
    expect(r.status?.phase).toBe('Successful');
  });

  it('interval without count measures until terminated, then Successful "Run Terminated"', () => {
    const r = run([metric({ interval: '1s' })]);
    const attempts = new Map<string, number>();
    for (let s = 0; s < 5; s++) reconcileOnce(r, T0 + s * 1000, healthy, attempts);
    expect(r.status?.phase).toBe('Running');
    expect(r.status?.metricResults?.[0]?.count).toBe(5);
    r.spec.terminate = true;
    const { measured, conclusion } = reconcileOnce(r, T0 + 5000, healthy, attempts);
    expect(measured).toEqual([]);
    expect(conclusion.status).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
    expect(conclusion.events.map((e) => e.reason)).toEqual(['MetricSuccessful', 'AnalysisRunSuccessful']);
  });

  it('terminate with failures under failureLimit ⇒ Successful "Run Terminated"', () => {
    const r = run([metric({ interval: '1s', count: 5, failureLimit: 3 })]);
    const attempts = new Map<string, number>();
    reconcileOnce(r, T0, () => value(0.5), attempts);
    r.spec.terminate = true;
    reconcileOnce(r, T0 + 1000, healthy, attempts);
    expect(r.status?.phase).toBe('Successful');
    expect(r.status?.message).toBe('Run Terminated');
  });

  it('initialDelay: first measurement after the delay, and the requeue says exactly when', () => {
    const r = run([metric({ initialDelay: '30s', interval: '10s', count: 2 })]);
    const first = reconcileOnce(r, T0, healthy, new Map());
    expect(first.measured).toEqual([]);
    expect(first.conclusion.requeueAfterMs).toBe(30_000);
    const { times } = driveToEnd(r, healthy);
    expect(times).toEqual([30, 40]);
  });

  it('requeueAfter is the next due time of the earliest metric', () => {
    const r = run([
      metric({ interval: '5s', count: 3 }),
      metric({ name: 'latency', interval: '2s', count: 3 }),
    ]);
    const { conclusion } = reconcileOnce(r, T0, healthy, new Map());
    expect(conclusion.requeueAfterMs).toBe(2000);
  });

  it('a failed metric ends the run once the other metrics stop (terminating), with the failed one’s message', () => {
    const r = run([metric({ interval: '1s', count: 3 }), metric({ name: 'latency', interval: '10s' })]);
    const { times } = driveToEnd(r, (m, n) => value(m === 'error-rate' && n === 2 ? 0.5 : 0.001));
    expect(times).toEqual([0, 1]);
    expect(r.status?.phase).toBe('Failed');
    expect(r.status?.metricResults?.map((x) => x.phase)).toEqual(['Failed', 'Successful']);
  });

  it('dryRun metrics never fail the run and are summarised apart', () => {
    const r = run([metric({ name: 'dry-one' }), metric({ name: 'real' })], {
      dryRun: [{ metricName: 'dry-.*' }],
    });
    driveToEnd(r, (m) => value(m === 'dry-one' ? 0.5 : 0.001));
    expect(r.status?.phase).toBe('Successful');
    expect(r.status?.dryRunSummary).toEqual({
      count: 1,
      successful: 0,
      failed: 1,
      inconclusive: 0,
      error: 0,
    });
    expect(r.status?.runSummary).toEqual({ count: 1, successful: 1, failed: 0, inconclusive: 0, error: 0 });
    const dry = r.status?.metricResults?.find((x) => x.name === 'dry-one');
    expect(dry).toMatchObject({
      dryRun: true,
      phase: 'Failed',
      message: 'Metric assessed Failed due to failed (1) > failureLimit (0)',
    });
  });

  it('measurementRetention: 10 by default, per-metric limits by regex', () => {
    const r = run(
      [metric({ name: 'a', interval: '1s', count: 12 }), metric({ name: 'b', interval: '1s', count: 12 })],
      {
        measurementRetention: [{ metricName: '^b$', limit: 3 }],
      },
    );
    driveToEnd(r, healthy);
    expect(r.status?.metricResults?.map((x) => [x.name, x.measurements?.length, x.count])).toEqual([
      ['a', 10, 12],
      ['b', 3, 12],
    ]);
  });

  it('a completed run is never planned again', () => {
    const r = run([metric()]);
    driveToEnd(r, healthy);
    expect(planAnalysisRun(r, T0 + 60_000)).toMatchObject({ completed: true, measure: [] });
  });
});

describe('invalid runs end in Error with Argo’s message', () => {
  const rows: [string, Parameters<typeof run>, string][] = [
    [
      'missing arg value',
      [[metric({ count: '{{args.n}}' })], { args: [{ name: 'n' }] }],
      'Unable to resolve metric arguments: argument "n" was not supplied',
    ],
    [
      'unknown arg',
      [[metric({ count: '{{args.x}}' })]],
      'Unable to resolve metric arguments: failed to resolve {{args.x}}',
    ],
    [
      'count > 1 without interval',
      [[metric({ count: 2 })]],
      'Analysis spec invalid: metrics[0]: interval must be specified when count > 1',
    ],
    [
      'bad interval',
      [[metric({ interval: '30', count: 2 })]],
      'Analysis spec invalid: metrics[0]: invalid interval string: time: invalid duration "30"',
    ],
    [
      'duplicate names',
      [[metric(), metric()]],
      "Analysis spec invalid: metrics[1]: duplicate name 'error-rate'",
    ],
    [
      'both limits disabled',
      [[metric({ failureLimit: -1 })]],
      'Analysis spec invalid: metrics[0]: failureLimit and consecutiveSuccessLimit cannot both be disabled',
    ],
    [
      'dryRun rule matching nothing',
      [[metric()], { dryRun: [{ metricName: 'nope' }] }],
      "Analysis spec invalid: dryRun[0]: Rule didn't match any metric name(s)",
    ],
    ['no metrics', [[]], 'Analysis spec invalid: no metrics specified'],
  ];
  it.each(rows)('%s', (_name, args, message) => {
    const plan = planAnalysisRun(run(...args), T0);
    expect(plan.status).toMatchObject({ phase: 'Error', message });
    expect(plan.measure).toEqual([]);
    expect(plan.events).toEqual([
      { type: 'Warning', reason: 'AnalysisRunError', message: 'Analysis Completed. Result: Error' },
    ]);
  });
});

describe('in-flight measurements (a job)', () => {
  it('a Running measurement is resumed at resumeAt, then counted once', () => {
    const r = run([metric({ name: 'job' })]);
    const attempts = new Map<string, number>();
    const answer: Answer = (_m, n) =>
      n === 1 ? { phase: 'Running', resumeAt: '2026-01-01T00:00:10Z' } : { phase: 'Successful' };
    const first = reconcileOnce(r, T0, answer, attempts);
    expect(first.conclusion.requeueAfterMs).toBe(10_000);
    expect(planAnalysisRun(r, T0 + 5000)).toMatchObject({ measure: [], resume: [] });
    expect(planAnalysisRun(r, T0 + 10_000)).toMatchObject({ measure: [], resume: ['job'] });
    reconcileOnce(r, T0 + 10_000, answer, attempts);
    expect(r.status?.phase).toBe('Successful');
    expect(r.status?.metricResults?.[0]).toMatchObject({ count: 1, successful: 1 });
    expect(r.status?.metricResults?.[0]?.measurements).toHaveLength(1);
  });

  it('terminating a run terminates its in-flight measurement instead of resuming it', () => {
    const r = run([metric({ name: 'job' })]);
    reconcileOnce(r, T0, () => ({ phase: 'Running', resumeAt: '2026-01-01T00:00:10Z' }), new Map());
    r.spec.terminate = true;
    expect(planAnalysisRun(r, T0 + 1000)).toMatchObject({
      measure: [],
      resume: [],
      terminateRunning: ['job'],
    });
  });
});

describe('the rules never modify what they are given (the controller passes the shared cached run)', () => {
  const deepFreeze = <T>(value: T): T => {
    if (value && typeof value === 'object') {
      for (const v of Object.values(value)) deepFreeze(v);
      Object.freeze(value);
    }
    return value;
  };
  it('plan, record and conclude over frozen runs, to the end', () => {
    let r: AnalysisRun = run(
      [metric({ interval: '1s', count: 3 }), metric({ name: 'dry', interval: '1s', count: 3 })],
      {
        dryRun: [{ metricName: 'dry' }],
        measurementRetention: [{ metricName: 'error-rate', limit: 1 }],
      },
    );
    for (let s = 0; s < 4; s++) {
      const now = T0 + s * 1000;
      const frozen = deepFreeze(r);
      const plan = planAnalysisRun(frozen, now);
      let status = plan.status;
      for (const name of plan.measure)
        status = recordMeasurement(
          status,
          name,
          { phase: name === 'dry' && s === 0 ? 'Failed' : 'Successful' },
          now,
        );
      r = { ...frozen, status: concludeAnalysisRun(frozen, status, now, plan).status };
    }
    expect(r.status?.phase).toBe('Successful');
    expect(r.status?.dryRunSummary?.failed).toBe(1);
    expect(r.status?.metricResults?.find((x) => x.name === 'error-rate')?.measurements).toHaveLength(1);
  });
});
