import { describe, expect, it } from 'vitest';
import type { AnalysisRun, Measurement, Metric } from '../../../src/api/analysis.js';
import type { Condition } from '../../../src/api/meta.js';
import type { Job, Pod } from '../../../src/api/workloads.js';
import { createJobProvider } from '../../../src/analysis/providers/job.js';
import type { MeasureRequest } from '../../../src/analysis/provider.js';
import type { NewObject } from '../../../src/kube/cluster.js';
import { newCluster } from '../../kube/fixtures.js';
import { analysisRun, NOW } from './run-fixture.js';

const UID = '0f9d6c3e-8a2b-4c1d-9e7f-123456789abc';

const jobMetric = (name = 'smoke'): Metric => ({
  name,
  provider: {
    job: {
      metadata: { labels: { team: 'shop' }, annotations: { note: 'n' } },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels: { app: 'smoke' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'test', image: 'curl' }] },
        },
      },
    },
  },
});

async function setup(metric = jobMetric(), run: AnalysisRun = analysisRun([metric], UID)) {
  const { cluster, clock } = await newCluster(['shop']);
  const provider = createJobProvider({ cluster });
  const request: MeasureRequest = { run, metric, now: NOW };
  return { cluster, clock, provider, request };
}

const at = (ms: number) => new Date(NOW.getTime() + ms);

describe('job provider: run', () => {
  it('creates the Job Argo creates, owned by the run, and returns Running naming it', async () => {
    const { cluster, provider, request } = await setup();
    const measurement = await provider.run(request);
    const name = `${UID}.smoke.1`;
    expect(measurement).toEqual({
      phase: 'Running',
      metadata: { 'job-name': name, 'job-namespace': 'shop' },
      resumeAt: '2026-05-04T10:00:00Z',
    });
    const job = await cluster.get('Job', 'shop', name);
    expect(job.metadata.labels).toEqual({ team: 'shop', 'analysisrun.argoproj.io/uid': UID });
    expect(job.metadata.annotations).toEqual({
      note: 'n',
      'analysisrun.argoproj.io/name': 'shop-6d4f8c-2-1',
      'analysisrun.argoproj.io/namespace': 'shop',
      'analysisrun.argoproj.io/metric-name': 'smoke',
    });
    expect(job.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisRun',
        name: 'shop-6d4f8c-2-1',
        uid: UID,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(job.spec.template.metadata?.labels).toEqual({ app: 'smoke', 'analysisrun.argoproj.io/uid': UID });
    expect(job.spec.backoffLimit).toBe(0);
  });

  it('numbers Jobs by measurements taken (count + error + 1)', async () => {
    const metric = jobMetric();
    const run = analysisRun([metric], UID);
    run.status = { metricResults: [{ name: 'smoke', phase: 'Running', count: 3, error: 1 }] };
    const { provider, request } = await setup(metric, run);
    expect((await provider.run(request)).metadata?.['job-name']).toBe(`${UID}.smoke.5`);
  });

  it('shortens a long metric name to keep the Job name within 63 characters, without a trailing dash', async () => {
    const { provider, request } = await setup(jobMetric('a-very-long-metric-name-for-the-smoke-test'));
    const name = (await provider.run(request)).metadata?.['job-name'] ?? '';
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toBe(`${UID}.a-very-long-metric-name.1`);
  });

  it('adopts its own Job after a lost create response, refuses one another run owns', async () => {
    const { cluster, provider, request } = await setup();
    const first = await provider.run(request);
    expect(await provider.run(request)).toEqual(first);
    const other = await setup();
    const job = await cluster.get('Job', 'shop', `${UID}.smoke.1`);
    const { resourceVersion: _rv, uid: _uid, ...meta } = job.metadata;
    const stranger: NewObject<Job> = {
      ...job,
      metadata: { ...meta, ownerReferences: [{ ...job.metadata.ownerReferences![0]!, uid: 'someone-else' }] },
    };
    await other.cluster.create('Job', stranger);
    const measurement = await other.provider.run(other.request);
    expect(measurement.phase).toBe('Error');
    expect(measurement.message).toContain('already exists');
  });
});

describe('job provider: resume and terminate', () => {
  async function started() {
    const context = await setup();
    const created = await context.provider.run(context.request);
    const measurement: Measurement = {
      startedAt: '2026-05-04T10:00:00Z',
      ...created,
      phase: 'Running',
    };
    const name = created.metadata?.['job-name'] ?? '';
    const setStatus = async (status: NonNullable<Job['status']>) => {
      const job = await context.cluster.get('Job', 'shop', name);
      await context.cluster.updateStatus('Job', { ...job, status });
    };
    return { ...context, measurement, name, setStatus };
  }

  it.each<{ conditions: Condition[]; phase: string }>([
    { conditions: [{ type: 'Complete', status: 'True' }], phase: 'Successful' },
    { conditions: [{ type: 'Failed', status: 'True' }], phase: 'Failed' },
    {
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True' },
        { type: 'Complete', status: 'True' },
      ],
      phase: 'Successful',
    },
  ])('conditions $conditions ⇒ $phase', async ({ conditions, phase }) => {
    const { provider, request, measurement, setStatus } = await started();
    await setStatus({ conditions });
    expect(await provider.resume!({ ...request, now: at(5_000) }, measurement)).toEqual({
      phase,
      metadata: measurement.metadata,
    });
  });

  it('a Job still running is looked at again after √(2 × elapsed seconds)', async () => {
    const { provider, request, measurement, setStatus } = await started();
    await setStatus({ active: 1 });
    const resumed = await provider.resume!({ ...request, now: at(50_000) }, measurement);
    expect(resumed).toEqual({
      phase: 'Running',
      metadata: measurement.metadata,
      resumeAt: '2026-05-04T10:01:00Z',
    });
  });

  it('a pod that cannot pull its image ⇒ Inconclusive with the reason', async () => {
    const { cluster, provider, request, measurement, name } = await started();
    const job = await cluster.get('Job', 'shop', name);
    await cluster.update('Job', {
      ...job,
      spec: { ...job.spec, selector: { matchLabels: { 'job-name': name } } },
    });
    const pod: NewObject<Pod> = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'smoke-abc', namespace: 'shop', labels: { 'job-name': name } },
    };
    const created = await cluster.create('Pod', pod);
    await cluster.updateStatus('Pod', {
      ...created,
      status: {
        containerStatuses: [
          { name: 'test', state: { waiting: { reason: 'ImagePullBackOff', message: 'no such image' } } },
        ],
      },
    });
    expect(await provider.resume!(request, measurement)).toEqual({
      phase: 'Inconclusive',
      message: 'Pod smoke-abc, container test has terminal error (ImagePullBackOff): no such image',
      metadata: measurement.metadata,
    });
  });

  it('terminate deletes the Job and ends the measurement Inconclusive', async () => {
    const { cluster, provider, request, measurement } = await started();
    expect(await provider.terminate!(request, measurement)).toEqual({
      phase: 'Inconclusive',
      metadata: measurement.metadata,
    });
    expect((await cluster.list('Job')).items).toHaveLength(0);
    expect((await provider.terminate!(request, measurement)).phase).toBe('Inconclusive');
  });

  it.each([
    { metadata: undefined, message: 'job metadata reference missing' },
    { metadata: { 'job-name': 'gone' }, message: 'jobs "gone" in namespace "shop" not found' },
  ])('resume with $metadata ⇒ Error', async ({ metadata, message }) => {
    const { provider, request } = await setup();
    const measurement: Measurement = { phase: 'Running', ...(metadata ? { metadata } : {}) };
    const resumed = await provider.resume!(request, measurement);
    expect(resumed.phase).toBe('Error');
    expect(resumed.message).toContain(message);
  });
});

describe('job provider: garbage collection', () => {
  it("deletes the metric's oldest Jobs beyond the limit, and no other metric's", async () => {
    const smoke = jobMetric('smoke');
    const load = jobMetric('load');
    const run = analysisRun([smoke, load], UID);
    const { cluster, clock, provider } = await setup(smoke, run);
    for (let count = 0; count < 4; count++) {
      clock.advance(1_000);
      run.status = {
        metricResults: [
          { name: 'smoke', phase: 'Running', count },
          { name: 'load', phase: 'Running', count },
        ],
      };
      await provider.run({ run, metric: smoke, now: NOW });
      await provider.run({ run, metric: load, now: NOW });
    }
    await provider.garbageCollect!({ run, metric: smoke, now: NOW }, 2);
    const names = (await cluster.list('Job')).items.map((j) => j.metadata.name.replace(`${UID}.`, '')).sort();
    expect(names).toEqual(['load.1', 'load.2', 'load.3', 'load.4', 'smoke.3', 'smoke.4']);
  });
});

describe('job provider: secrets', () => {
  it('a secret in an error message is redacted', async () => {
    const { provider, request } = await setup();
    const measurement: Measurement = { phase: 'Running', metadata: { 'job-name': 'token-s3cr3t' } };
    const resumed = await provider.resume!({ ...request, secrets: ['s3cr3t'] }, measurement);
    expect(resumed.message).toBe('jobs "token-*****" in namespace "shop" not found');
  });
});
