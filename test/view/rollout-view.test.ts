import { describe, expect, it } from 'vitest';
import { renderRolloutTree } from '../../src/view/render-tree.js';
import { buildRolloutView, stepLabel, type RolloutViewInput } from '../../src/view/rollout-view.js';
import {
  analysisRun,
  demoRollout,
  failingAnalysis,
  pausedObjects,
  pausedStatus,
  pod,
  replicaSet,
  seedAnalysis,
} from './fixtures.js';

const STABLE = '7c8b66fd64';

const cases: { name: string; input: RolloutViewInput; color?: boolean }[] = [
  {
    name: 'seed-paused',
    input: { rollout: demoRollout(pausedStatus), ...pausedObjects, analysis: seedAnalysis },
  },
  {
    name: 'seed-paused-observed',
    input: {
      rollout: demoRollout(pausedStatus),
      ...pausedObjects,
      analysis: seedAnalysis,
      observed: new Map([
        ['gateway:rollouts-demo-istio/istio-rollout-gateway', { share: 10.4, requests: 500 }],
        ['mesh:rollouts-demo-istio', { share: 48.2, requests: 500 }],
      ]),
    },
  },
  {
    name: 'seed-paused-color',
    input: { rollout: demoRollout(pausedStatus), ...pausedObjects, analysis: seedAnalysis },
    color: true,
  },
  {
    name: 'failing-path',
    input: {
      rollout: demoRollout({ ...pausedStatus, currentStepIndex: 0, phase: 'Progressing', message: '' }),
      ...pausedObjects,
      analysis: failingAnalysis,
    },
  },
  {
    name: 'completed',
    input: {
      rollout: demoRollout({
        phase: 'Healthy',
        currentStepIndex: 5,
        stableRS: STABLE,
        currentPodHash: STABLE,
      }),
      replicaSets: [
        replicaSet(STABLE, 3, 'argoproj/rollouts-demo:yellow', 1, 1),
        replicaSet('5f4d8c9b7a', 2, 'argoproj/rollouts-demo:blue', 0, 0),
      ],
      pods: [pod(STABLE, 'q2w8r', true)],
    },
  },
  {
    name: 'analysis-runs',
    input: {
      rollout: demoRollout(pausedStatus),
      ...pausedObjects,
      analysisRuns: [
        analysisRun('istio-rollout-79c84d6b84-2-1', 2, {
          phase: 'Failed',
          message: 'Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)',
          metricResults: [
            { name: 'success-rate', phase: 'Failed', successful: 3, failed: 2, inconclusive: 1 },
            { name: 'latency', phase: 'Error', error: 5 },
          ],
        }),
        analysisRun(
          'istio-rollout-79c84d6b84-2',
          2,
          { phase: 'Running', metricResults: [] },
          {
            created: '2026-05-04T09:00:00Z',
          },
        ),
        analysisRun('istio-rollout-7c8b66fd64-1-1', 1, {
          phase: 'Successful',
          metricResults: [{ name: 'success-rate', phase: 'Successful', successful: 4 }],
        }),
        analysisRun('istio-rollout-6b5d9c7f8e-0-1', undefined, {
          phase: 'Inconclusive',
          metricResults: [{ name: 'success-rate', phase: 'Inconclusive', inconclusive: 1 }],
        }),
        analysisRun('someone-elses', 2, { phase: 'Successful' }, { owner: 'r-2' }),
        analysisRun('istio-rollout-79c84d6b84-2-3', 2, undefined, { created: '2026-05-04T11:00:00Z' }),
      ],
    },
  },
  {
    name: 'analysis-runs-color',
    input: {
      rollout: demoRollout(pausedStatus),
      ...pausedObjects,
      analysisRuns: [
        analysisRun('istio-rollout-79c84d6b84-2-1', 2, {
          phase: 'Error',
          metricResults: [{ name: 'success-rate', phase: 'Error', successful: 1, error: 5 }],
        }),
      ],
    },
    color: true,
  },
  { name: 'no-status', input: { rollout: demoRollout(undefined), replicaSets: [], pods: [] } },
  {
    name: 'pod-not-ready',
    input: {
      rollout: demoRollout(pausedStatus),
      replicaSets: pausedObjects.replicaSets,
      pods: [pod(STABLE, 'x7k2p', true), pod('79c84d6b84', 'b9mzq', false)],
    },
  },
];

describe('renderRolloutTree (golden)', () => {
  it.each(cases)('$name', async ({ name, input, color }) => {
    const text = renderRolloutTree(buildRolloutView(input), { color: color ?? false });
    await expect(text).toMatchFileSnapshot(`../golden/view/${name}.txt`);
  });
});

describe('buildRolloutView', () => {
  const paused = buildRolloutView({
    rollout: demoRollout(pausedStatus),
    ...pausedObjects,
    analysis: seedAnalysis,
  });

  it.each([
    {
      name: 'gateway follows the weight',
      id: 'gateway:rollouts-demo-istio/istio-rollout-gateway',
      predicted: 10,
      diverges: false,
      health: 'ok',
    },
    {
      name: 'mesh falls back to pods',
      id: 'mesh:rollouts-demo-istio',
      predicted: 50,
      diverges: true,
      health: 'error',
    },
    {
      name: 'plain ignores weights by design',
      id: 'plain:legacy',
      predicted: 50,
      diverges: true,
      health: 'warning',
    },
    {
      name: 'header variant goes 100 % to canary',
      id: 'mesh:rollouts-demo-istio:header x-canary: always',
      predicted: 100,
      diverges: false,
      health: 'ok',
    },
  ])('path: $name', ({ id, predicted, diverges, health }) => {
    expect(paused.paths.find((p) => p.id === id)).toMatchObject({ predicted, diverges, health });
  });

  it.each([
    {
      name: 'before the first step',
      index: undefined,
      states: ['pending', 'pending', 'pending', 'pending', 'pending'],
      desired: 0,
    },
    {
      name: 'at the first pause',
      index: 1,
      states: ['done', 'current', 'pending', 'pending', 'pending'],
      desired: 10,
    },
    {
      name: 'at setWeight 50',
      index: 2,
      states: ['done', 'done', 'current', 'pending', 'pending'],
      desired: 50,
    },
    { name: 'after every step', index: 5, states: ['done', 'done', 'done', 'done', 'done'], desired: 100 },
  ])('steps and desired weight $name', ({ index, states, desired }) => {
    const status = index === undefined ? undefined : { ...pausedStatus, currentStepIndex: index };
    const view = buildRolloutView({ rollout: demoRollout(status), replicaSets: [], pods: [] });
    expect(view.steps.map((s) => s.state)).toEqual(states);
    expect(view.weights.desired).toBe(desired);
  });

  it.each([
    {
      name: 'aborted at setWeight 50: 0, as the planner routes',
      abort: true,
      max: undefined,
      index: 2,
      desired: 0,
    },
    { name: 'past the last step with maxTrafficWeight 40', abort: false, max: 40, index: 5, desired: 40 },
    { name: 'at setWeight 10 with maxTrafficWeight 40', abort: false, max: 40, index: 0, desired: 10 },
  ])('desired weight follows the planner: $name', ({ abort, max, index, desired }) => {
    const rollout = demoRollout({ ...pausedStatus, currentStepIndex: index, ...(abort ? { abort } : {}) });
    const canary = rollout.spec.strategy.canary!;
    if (max !== undefined)
      canary.trafficRouting = { maxTrafficWeight: max, istio: { virtualService: { name: 'vs' } } };
    const view = buildRolloutView({ rollout, replicaSets: [], pods: [] });
    expect(view.weights.desired).toBe(desired);
  });

  it('orders revisions newest first and assigns roles from the status hashes', () => {
    expect(paused.revisions.map((r) => [r.revision, r.role, r.pods.length])).toEqual([
      [2, 'canary', 1],
      [1, 'stable', 1],
    ]);
  });

  it.each([
    { name: 'setWeight', step: { setWeight: 20 }, label: 'setWeight: 20' },
    { name: 'indefinite pause', step: { pause: {} }, label: 'pause' },
    { name: 'timed pause', step: { pause: { duration: '10m' } }, label: 'pause: 10m' },
    { name: 'canary scale', step: { setCanaryScale: { weight: 30 } }, label: 'setCanaryScale: weight 30' },
    {
      name: 'analysis',
      step: { analysis: { templates: [{ templateName: 'success-rate' }] } },
      label: 'analysis: success-rate',
    },
    {
      name: 'header route',
      step: { setHeaderRoute: { name: 'canary-header' } },
      label: 'setHeaderRoute: canary-header',
    },
  ])('labels a $name step', ({ step, label }) => {
    expect(stepLabel(step)).toBe(label);
  });
});
