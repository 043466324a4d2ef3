import { afterEach, describe, expect, it } from 'vitest';
import { ControllerManager } from '../../../src/controller/manager.js';
import { MemoryCluster } from '../../../src/kube/memory-cluster.js';
import { NS } from '../../kube/fixtures.js';
import { fakeEvaluator } from '../../analysis/fake-evaluator.js';
import { FakeProvider } from './harness.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const managers: ControllerManager[] = [];

afterEach(async () => {
  for (const m of managers.splice(0)) await m.stop();
});

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function startManager(cluster: MemoryCluster, provider: FakeProvider, identity: string) {
  const manager = new ControllerManager({
    cluster,
    logger: silent,
    metricsPort: 0,
    leaderElect: true,
    leaseNamespace: NS,
    identity,
    analysisWorkers: 2,
    providers: new Map([['web', provider]]),
    conditionEvaluator: fakeEvaluator,
  });
  managers.push(manager);
  return manager;
}

describe('the AnalysisRun controller in the controller process', () => {
  it('measures only as leader, and /metrics carries analysis_run_*', async () => {
    const cluster = new MemoryCluster();
    await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const leaderProvider = new FakeProvider('web', () => ({ result: 0.001 }));
    const standbyProvider = new FakeProvider('web', () => ({ result: 0.001 }));
    const leader = startManager(cluster, leaderProvider, 'a');
    const ports = await leader.start();
    await waitFor(() => Promise.resolve(leader.health().leader ? true : undefined), 'leadership');
    const standby = startManager(cluster, standbyProvider, 'b');
    await standby.start();
    await cluster.create('AnalysisRun', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'run', namespace: NS },
      spec: {
        metrics: [{ name: 'm', provider: { web: { url: 'http://x' } }, successCondition: 'result < 0.01' }],
      },
    });
    const run = await waitFor(async () => {
      const r = await cluster.get('AnalysisRun', NS, 'run');
      return r.status?.phase === 'Successful' ? r : undefined;
    }, 'Successful');
    expect(run.status?.metricResults?.[0]?.count).toBe(1);
    expect(leaderProvider.calls).toHaveLength(1);
    expect(standbyProvider.calls).toHaveLength(0);
    expect(standby.health().leader).toBe(false);
    const text = await (await fetch(`http://127.0.0.1:${ports.metricsPort}/metrics`)).text();
    expect(text).toContain(`analysis_run_info{namespace="${NS}",name="run",phase="Successful"} 1`);
    expect(text).toContain(`analysis_run_reconcile_bucket`);
  });
});
