import { describe, expect, it } from 'vitest';
import { AnalysisRunController } from '../../../src/controller/analysis/analysis-controller.js';
import { Informer } from '../../../src/kube/informer.js';
import { flush, newCluster, NS } from '../../kube/fixtures.js';
import { fakeEvaluator } from '../../analysis/fake-evaluator.js';
import { FakeProvider } from './harness.js';

describe('a reconcile on a cache that has not seen this controller’s last write', () => {
  it('uses the written object: the same due time is never measured twice', async () => {
    const { cluster, clock } = await newCluster();
    const informer = new Informer(cluster, 'AnalysisRun', { clock });
    const web = new FakeProvider('web', () => ({ result: 0.001 }));
    const controller = new AnalysisRunController({
      cluster,
      runs: informer,
      providers: new Map([['web', web]]),
      evaluate: fakeEvaluator,
      clock,
    });
    informer.start();
    await cluster.create('AnalysisRun', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'run', namespace: NS },
      spec: { metrics: [{ name: 'm', provider: { web: { url: 'x' } }, interval: '10s', count: 2 }] },
    });
    await flush();
    informer.stop(); // the cache keeps the version before the first write
    const first = await controller.processKey(`${NS}/run`);
    const second = await controller.processKey(`${NS}/run`);
    controller.stop();
    expect(web.calls).toHaveLength(1);
    expect(first).toMatchObject({ kind: 'done', requeueAfterMs: 10_000 });
    expect(second).toMatchObject({ kind: 'done', requeueAfterMs: 10_000, writes: [] });
    expect(informer.get(NS, 'run')?.status).toBeUndefined();
    expect((await cluster.get('AnalysisRun', NS, 'run')).status?.metricResults?.[0]?.count).toBe(1);
  });
});
