/** `get rollout` on a live cluster lists the Rollout's AnalysisRuns under their revision, as Argo's plugin does. */
import { describe, expect, it } from 'vitest';
import type { RolloutView } from '../../src/view/rollout-view.js';
import { CANARY, clusterAt, NAME, NS, pausedAt10, runLive } from './live-read-fixtures.js';

async function withRuns() {
  const cluster = await clusterAt('broken-mesh', pausedAt10(['x7k2p'], ['b9mzq']));
  const rollout = await cluster.get('Rollout', NS, NAME);
  const owner = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    name: NAME,
    uid: rollout.metadata.uid ?? '',
    controller: true,
  };
  const run = (name: string, ownerReferences: (typeof owner)[]) =>
    cluster.create('AnalysisRun', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: {
        name,
        namespace: NS,
        annotations: { 'rollout.argoproj.io/revision': '2' },
        ownerReferences,
      },
      spec: { metrics: [{ name: 'm', provider: { web: { url: 'http://x' } } }] },
    });
  await run(`${NAME}-${CANARY}-2-1`, [owner]);
  await run('not-this-rollouts', []);
  await cluster.patch('AnalysisRun', NS, `${NAME}-${CANARY}-2-1`, {
    status: {
      phase: 'Failed',
      message: 'Metric "m" assessed Failed due to failed (1) > failureLimit (0)',
      metricResults: [{ name: 'm', phase: 'Failed', successful: 2, failed: 1 }],
    },
  });
  return cluster;
}

describe('truesplit get rollout with AnalysisRuns', () => {
  it('prints the run under its revision with its counts, phase and message', async () => {
    const run = await runLive(['get', 'rollout', NAME], await withRuns());
    expect(run.code).toBe(0);
    const line = run.stdout.split('\n').find((l) => l.includes('AnalysisRun'));
    expect(line).toMatch(
      /^│ {2}└──α istio-rollout-79c84d6b84-2-1 +AnalysisRun +✖ Failed +✔ 2,✖ 1 {2}Metric "m" assessed Failed/,
    );
    expect(run.stdout).not.toContain('not-this-rollouts');
  });

  it('-o json carries the runs in the view', async () => {
    const run = await runLive(['get', 'rollout', NAME, '-o', 'json'], await withRuns());
    expect((JSON.parse(run.stdout) as RolloutView).analysisRuns).toEqual([
      expect.objectContaining({
        name: 'istio-rollout-79c84d6b84-2-1',
        revision: 2,
        phase: 'Failed',
        counts: expect.objectContaining({ failed: 1 }) as unknown,
      }),
    ]);
  });
});
