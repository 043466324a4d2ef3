/**
 * The `job` metric provider on the real control plane: the Job it creates is run by kube-controller-manager's Job
 * controller, its pod completed by the pod helper with the exit code the test chooses (`e2e.truesplit.io/exit-code`),
 * and the measurement follows the Job's conditions; terminate deletes the Job; deleting the AnalysisRun (Argo's
 * official CRD) garbage-collects the Jobs it owns.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun, Measurement, Metric } from '../src/api/analysis.ts';
import type { MeasureRequest, ProviderMeasurement } from '../src/analysis/provider.ts';
import { createJobProvider } from '../src/analysis/providers/job.ts';
import { ClientCluster } from '../src/kube/client-cluster.ts';
import { isNotFound } from '../src/kube/errors.ts';
import { loadKubeConfig } from '../src/kube/kubeconfig.ts';
import type { ControlPlane } from './cluster/control-plane.ts';
import { REPO_ROOT, startControlPlane } from './cluster/control-plane.ts';
import { kubeCall } from './cluster/kube-http.ts';
import { EXIT_CODE_ANNOTATION } from './cluster/pod-ready-helper.ts';
import { sleep, waitFor } from './support/wait-for.ts';

const ns = 'analysis-job';
let plane: ControlPlane;
let cluster: ClientCluster;

function jobMetric(name: string, exitCode: number | undefined): Metric {
  const annotations = exitCode === undefined ? {} : { [EXIT_CODE_ANNOTATION]: String(exitCode) };
  return {
    name,
    provider: {
      job: {
        metadata: { labels: { purpose: 'e2e' } },
        spec: {
          backoffLimit: 0,
          template: {
            metadata: { annotations },
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'check', image: 'busybox', command: ['true'] }],
            },
          },
        },
      },
    },
  };
}

async function createRun(name: string, metrics: Metric[]): Promise<AnalysisRun> {
  const body = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name, namespace: ns },
    spec: { metrics },
  };
  const res = await kubeCall(plane, 'POST', `/apis/argoproj.io/v1alpha1/namespaces/${ns}/analysisruns`, {
    body,
  });
  return res.body as AnalysisRun;
}

/** Resumes the measurement as the controller would, at each resumeAt, until it is no longer Running. */
async function measureToEnd(
  request: MeasureRequest,
  first: ProviderMeasurement,
): Promise<ProviderMeasurement> {
  const provider = createJobProvider({ cluster });
  let measurement: Measurement = { ...first, phase: 'Running', startedAt: new Date().toISOString() };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const next = await provider.resume!({ ...request, now: new Date() }, measurement);
    if (next.phase !== 'Running' || Date.now() > deadline) return next;
    measurement = { ...measurement, ...next, phase: 'Running' };
    await sleep(Math.min(2_000, Math.max(200, Date.parse(next.resumeAt ?? '') - Date.now())));
  }
}

beforeAll(async () => {
  plane = await startControlPlane({
    crdDirs: [resolve(REPO_ROOT, 'test/fixtures/argo-rollouts/crds')],
    log: (msg) => console.log(`control plane: ${msg}`),
  });
  cluster = new ClientCluster(loadKubeConfig({ kubeconfig: plane.kubeconfigPath }));
  await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
});

afterAll(async () => {
  await plane?.stop();
});

describe('job provider on the real control plane', () => {
  it.each([
    { exitCode: 0, phase: 'Successful' },
    { exitCode: 1, phase: 'Failed' },
  ])('a Job whose pod exits $exitCode ⇒ $phase', async ({ exitCode, phase }) => {
    const metric = jobMetric(`exit-${exitCode}`, exitCode);
    const run = await createRun(`run-exit-${exitCode}`, [metric]);
    const request: MeasureRequest = { run, metric, now: new Date() };
    const started = await createJobProvider({ cluster }).run(request);
    expect(started.phase).toBe('Running');
    const name = started.metadata?.['job-name'] ?? '';
    expect(name).toBe(`${run.metadata.uid}.exit-${exitCode}.1`);
    const job = await cluster.get('Job', ns, name);
    expect(job.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'AnalysisRun',
      uid: run.metadata.uid,
      controller: true,
    });
    expect(job.spec.selector).toBeDefined();
    const ended = await measureToEnd(request, started);
    expect(ended.phase).toBe(phase);
  });

  it('terminate deletes a running Job; deleting the run garbage-collects the Jobs it owns', async () => {
    const metric = jobMetric('forever', undefined);
    const run = await createRun('run-terminate', [metric]);
    const provider = createJobProvider({ cluster });
    const request: MeasureRequest = { run, metric, now: new Date() };
    const first = await provider.run(request);
    const firstName = first.metadata?.['job-name'] ?? '';
    const terminated = await provider.terminate!(request, { ...first, phase: 'Running' });
    expect(terminated.phase).toBe('Inconclusive');
    await waitFor(
      `Job ${firstName} deleted`,
      () => jobGone(firstName),
      (gone) => gone,
      { timeoutMs: 30_000 },
    );

    const counted: AnalysisRun = {
      ...run,
      status: { metricResults: [{ name: 'forever', phase: 'Running', count: 1 }] },
    };
    const second = await provider.run({ ...request, run: counted });
    const secondName = second.metadata?.['job-name'] ?? '';
    expect(secondName).toBe(`${run.metadata.uid}.forever.2`);
    await kubeCall(plane, 'DELETE', `/apis/argoproj.io/v1alpha1/namespaces/${ns}/analysisruns/run-terminate`);
    await waitFor(
      `Job ${secondName} garbage-collected`,
      () => jobGone(secondName),
      (gone) => gone,
      { timeoutMs: 60_000 },
    );
  });
});

async function jobGone(name: string): Promise<boolean> {
  try {
    await cluster.get('Job', ns, name);
    return false;
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
}
