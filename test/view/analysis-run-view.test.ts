import { describe, expect, it } from 'vitest';
import type { AnalysisRun, Metric } from '../../src/api/analysis.js';
import { analysisRunsOf, buildAnalysisRunView, countsText } from '../../src/view/analysis-run-view.js';
import { conditionThresholds, numericValue } from '../../src/view/metric-view.js';
import { buildRolloutView } from '../../src/view/rollout-view.js';
import { demoRollout, pausedObjects, pausedStatus } from './fixtures.js';

const NS = 'rollouts-demo-istio';
const OWNER = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  name: 'istio-rollout',
  uid: 'r-1',
  controller: true,
};

const webMetric: Metric = {
  name: 'error-rate',
  interval: '3s',
  count: 10,
  successCondition: 'result < 0.05',
  failureCondition: 'result >= 0.1',
  failureLimit: 1,
  provider: { web: { url: 'http://127.0.0.1:9/canary/error-rate', jsonPath: '{$.errorRate}' } },
};

function run(
  name: string,
  options: {
    revision?: string;
    type?: string;
    step?: string;
    created?: string;
    owner?: typeof OWNER;
    spec?: Partial<AnalysisRun['spec']>;
    status?: AnalysisRun['status'];
  } = {},
): AnalysisRun {
  const labels: Record<string, string> = { 'rollouts-pod-template-hash': '79c84d6b84' };
  if (options.type) labels['rollout-type'] = options.type;
  if (options.step) labels['step-index'] = options.step;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name,
      namespace: NS,
      labels,
      annotations: options.revision ? { 'rollout.argoproj.io/revision': options.revision } : {},
      creationTimestamp: options.created ?? '2026-05-04T10:00:00Z',
      ownerReferences: [options.owner ?? OWNER],
    },
    spec: { metrics: [webMetric], ...options.spec },
    ...(options.status ? { status: options.status } : {}),
  };
}

const at = (s: number) => `2026-05-04T10:00:${String(s).padStart(2, '0')}Z`;

/** Named moments of runs, each rendered to a golden JSON view. */
const goldenCases: { name: string; run: AnalysisRun }[] = [
  { name: 'pending-no-status', run: run('r-2-3', { revision: '2', type: 'Step', step: '3' }) },
  {
    name: 'step-running',
    run: run('r-2-3', {
      revision: '2',
      type: 'Step',
      step: '3',
      status: {
        phase: 'Running',
        startedAt: at(0),
        metricResults: [
          {
            name: 'error-rate',
            phase: 'Running',
            count: 2,
            successful: 2,
            measurements: [
              { phase: 'Successful', startedAt: at(0), finishedAt: at(0), value: '0.012' },
              { phase: 'Successful', startedAt: at(3), finishedAt: at(3), value: '0.004' },
            ],
          },
        ],
      },
    }),
  },
  {
    name: 'step-failed',
    run: run('r-2-3', {
      revision: '2',
      type: 'Step',
      step: '3',
      spec: { terminate: true },
      status: {
        phase: 'Failed',
        message: 'Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)',
        startedAt: at(0),
        completedAt: at(9),
        metricResults: [
          {
            name: 'error-rate',
            phase: 'Failed',
            message: 'Metric assessed Failed due to failed (2) > failureLimit (1)',
            count: 4,
            successful: 2,
            failed: 2,
            measurements: [
              { phase: 'Successful', finishedAt: at(0), value: '0.012' },
              { phase: 'Successful', finishedAt: at(3), value: '0.004' },
              { phase: 'Failed', finishedAt: at(6), value: '0.2' },
              { phase: 'Failed', finishedAt: at(9), value: '0.25' },
            ],
          },
        ],
      },
    }),
  },
  {
    name: 'background-args-errors',
    run: run('r-2', {
      revision: '2',
      type: 'Background',
      spec: {
        args: [
          { name: 'threshold', value: '0.95' },
          { name: 'count', value: '5' },
          { name: 'token', valueFrom: { secretKeyRef: { name: 'prom', key: 'token' } } },
        ],
        metrics: [
          {
            name: 'success-rate',
            interval: '1m',
            count: '{{args.count}}',
            successCondition: 'result[0] >= {{args.threshold}}',
            failureLimit: -1,
            inconclusiveLimit: 2,
            provider: {
              prometheus: {
                address: 'http://prometheus:9090',
                query: 'sum(rate(x[1m]))',
                headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }],
              },
            },
          },
          {
            name: 'latency',
            successCondition: 'result < 300',
            provider: { web: { url: 'http://latency/p99' } },
          },
        ],
        dryRun: [{ metricName: 'latency' }],
      },
      status: {
        phase: 'Running',
        metricResults: [
          {
            name: 'success-rate',
            phase: 'Running',
            count: 3,
            successful: 1,
            error: 1,
            inconclusive: 1,
            consecutiveError: 1,
            measurements: [
              { phase: 'Successful', finishedAt: at(0), value: '[0.99]' },
              { phase: 'Inconclusive', finishedAt: at(30), value: '[NaN]' },
              { phase: 'Error', finishedAt: at(59), message: 'no data returned' },
            ],
          },
          {
            name: 'latency',
            phase: 'Failed',
            dryRun: true,
            count: 1,
            failed: 1,
            measurements: [{ phase: 'Failed', finishedAt: at(0), value: '420' }],
          },
        ],
      },
    }),
  },
];

describe('AnalysisRun view (golden)', () => {
  it.each(goldenCases)('$name', async ({ name, run: analysisRun }) => {
    const text = `${JSON.stringify(buildAnalysisRunView(analysisRun), null, 2)}\n`;
    await expect(text).toMatchFileSnapshot(`../golden/view/analysis-run-${name}.json`);
  });
});

describe('numericValue', () => {
  it.each([
    { value: '0.012', numeric: 0.012 },
    { value: '1e-3', numeric: 0.001 },
    { value: '[0.5,0.7]', numeric: 0.5 },
    { value: '"3"', numeric: 3 },
    { value: '-2', numeric: -2 },
    { value: 'NaN', numeric: null },
    { value: '[NaN]', numeric: null },
    { value: '[]', numeric: null },
    { value: '{"ok":1}', numeric: null },
    { value: 'true', numeric: null },
    { value: '"up"', numeric: null },
    { value: '', numeric: null },
    { value: undefined, numeric: null },
  ])('$value → $numeric', ({ value, numeric }) => {
    expect(numericValue(value)).toBe(numeric);
  });
});

describe('conditionThresholds', () => {
  it.each([
    { condition: 'result < 0.05', thresholds: [0.05] },
    { condition: 'result[0] >= 0.95', thresholds: [0.95] },
    { condition: 'result [ 0 ] > 10', thresholds: [10] },
    { condition: '0.9 <= result', thresholds: [0.9] },
    { condition: 'result > 1 && result < 5', thresholds: [1, 5] },
    { condition: 'result >= 1e-3 and result <= .5', thresholds: [0.001, 0.5] },
    { condition: 'result < 0.05 || isNaN(result)', thresholds: [0.05] },
    { condition: '(result < 2) or (result > 2)', thresholds: [2] },
    { condition: 'result == 1', thresholds: [] },
    { condition: 'len(result) == 0', thresholds: [] },
    { condition: 'asFloat(result) < 2', thresholds: [] },
    { condition: 'result.ok == true', thresholds: [] },
    { condition: 'result < {{args.x}}', thresholds: [] },
  ])('$condition', ({ condition, thresholds }) => {
    expect(conditionThresholds(condition)).toEqual(thresholds);
  });
});

describe('countsText (the plugin INFO column)', () => {
  it.each([
    { counts: { successful: 0, failed: 0, inconclusive: 0, error: 0 }, text: '' },
    { counts: { successful: 3, failed: 0, inconclusive: 0, error: 0 }, text: '✔ 3' },
    { counts: { successful: 3, failed: 1, inconclusive: 0, error: 0 }, text: '✔ 3,✖ 1' },
    { counts: { successful: 0, failed: 2, inconclusive: 1, error: 4 }, text: '✖ 2,? 1,⚠ 4' },
  ])('$text', ({ counts, text }) => {
    expect(countsText(counts)).toBe(text);
  });
});

describe('analysisRunsOf', () => {
  const rollout = demoRollout(pausedStatus);
  const other = { ...OWNER, name: 'other', uid: 'r-2' };

  it.each([
    {
      name: 'only the runs the Rollout owns',
      runs: [run('mine', { revision: '2' }), run('theirs', { revision: '2', owner: other })],
      order: ['mine'],
    },
    {
      name: 'newest revision first',
      runs: [run('a-1', { revision: '1' }), run('a-3', { revision: '3' }), run('a-2', { revision: '2' })],
      order: ['a-3', 'a-2', 'a-1'],
    },
    {
      name: 'within a revision, oldest first, then by name descending',
      runs: [
        run('b', { revision: '2', created: at(5) }),
        run('a', { revision: '2', created: at(1) }),
        run('c', { revision: '2', created: at(1) }),
      ],
      order: ['c', 'a', 'b'],
    },
    {
      name: 'runs without a revision last',
      runs: [run('bare'), run('r-1', { revision: '1' })],
      order: ['r-1', 'bare'],
    },
  ])('$name', ({ runs, order }) => {
    expect(analysisRunsOf(rollout, runs).map((r) => r.name)).toEqual(order);
  });

  it('the Rollout view carries them; without runs it is empty', () => {
    const input = { rollout, ...pausedObjects };
    expect(buildRolloutView(input).analysisRuns).toEqual([]);
    const view = buildRolloutView({ ...input, analysisRuns: [run('r-2-3', { revision: '2' })] });
    expect(view.analysisRuns.map((r) => [r.name, r.revision, r.phase])).toEqual([['r-2-3', 2, 'Pending']]);
  });
});
