import { afterEach, describe, expect, it } from 'vitest';
import type { Metric } from '../../../src/api/analysis.js';
import { NS } from '../../kube/fixtures.js';
import { FakeProvider, startAnalysis } from './harness.js';

const errorRate = (extra: Partial<Metric> = {}): Metric => ({
  name: 'error-rate',
  provider: { web: { url: 'http://metrics/error-rate' } },
  successCondition: 'result < 0.01',
  ...extra,
});
const value = (v: number) => ({ result: v, value: String(v) });

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function harness(provider: FakeProvider) {
  const h = await startAnalysis([provider]);
  stop = () => h.stop();
  return h;
}

async function eventsOf(h: Awaited<ReturnType<typeof startAnalysis>>, name = 'run') {
  const events = (await h.cluster.list('Event', { namespace: NS })).items;
  return events.filter((e) => e.involvedObject.kind === 'AnalysisRun' && e.involvedObject.name === name);
}

describe('AnalysisRun controller', () => {
  it('measures 3 times at a 1 s interval, at 0, 1 and 2 s, and ends Successful', async () => {
    const web = new FakeProvider('web', () => value(0.001));
    const h = await harness(web);
    await h.create([errorRate({ interval: '1s', count: 3 })]);
    await h.advance(5000);
    expect(web.times()).toEqual([0, 1, 2]);
    const run = await h.run();
    expect(run.status).toMatchObject({ phase: 'Successful', runSummary: { count: 1, successful: 1 } });
    expect(run.status?.metricResults?.[0]).toMatchObject({ count: 3, successful: 3, phase: 'Successful' });
    const reasons = (await eventsOf(h)).map((e) => e.reason).sort();
    expect(reasons).toEqual(['AnalysisRunSuccessful', 'MetricSuccessful']);
  });

  it.each([
    { startMs: 0, times: [0, 1, 2] },
    { startMs: 700, times: [0.7, 1.7, 2.7] },
    { startMs: 999, times: [0.999, 1.999, 2.999] },
  ])(
    'a run started $startMs ms past the second measures `interval` after each measurement ended: $times',
    async ({ startMs, times }) => {
      // Status times are whole seconds; the schedule is not (Argo requeues from the in-memory FinishedAt).
      const web = new FakeProvider('web', () => value(0.001));
      const h = await harness(web);
      await h.advance(startMs);
      await h.create([errorRate({ interval: '1s', count: 3 })]);
      await h.advance(4000);
      expect(web.times()).toEqual(times);
    },
  );

  it('requeues exactly when the next measurement is due: nothing is read or written in between', async () => {
    const web = new FakeProvider('web', () => value(0.001));
    const h = await harness(web);
    await h.create([errorRate({ interval: '10s', count: 2 })]);
    const writesBefore = h.cluster.operations.filter((o) => o.verb === 'patch').length;
    await h.advance(9900);
    expect(web.times()).toEqual([0]);
    expect(h.cluster.operations.filter((o) => o.verb === 'patch').length).toBe(writesBefore);
    expect(h.controller.queue.delayedCount()).toBe(1);
    await h.advance(100);
    expect(web.times()).toEqual([0, 10]);
  });

  it('a failure on the 2nd measurement fails the run with Argo’s message', async () => {
    const web = new FakeProvider('web', (_m, n) => value(n === 2 ? 0.5 : 0.001));
    const h = await harness(web);
    await h.create([errorRate({ interval: '1s', count: 3 })]);
    await h.advance(5000);
    expect(web.times()).toEqual([0, 1]);
    const run = await h.run();
    expect(run.status?.phase).toBe('Failed');
    expect(run.status?.message).toBe(
      'Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)',
    );
    const failed = (await eventsOf(h)).find((e) => e.reason === 'AnalysisRunFailed');
    expect(failed).toMatchObject({ type: 'Warning', message: 'Analysis Completed. Result: Failed' });
  });

  it('terminate mid-way: no further measurement, Successful with "Run Terminated"', async () => {
    const web = new FakeProvider('web', () => value(0.001));
    const h = await harness(web);
    await h.create([errorRate({ interval: '1s' })]);
    await h.advance(2500);
    expect(web.times()).toEqual([0, 1, 2]);
    await h.cluster.patch('AnalysisRun', NS, 'run', { spec: { terminate: true } });
    await h.settle();
    await h.advance(3000);
    expect(web.times()).toEqual([0, 1, 2]);
    expect((await h.run()).status).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
  });

  it('a restart mid-run continues the count from status and never measures twice for one due time', async () => {
    const web = new FakeProvider('web', () => value(0.001));
    const h = await harness(web);
    await h.create([errorRate({ interval: '1s', count: 5 })]);
    await h.advance(1500);
    expect(web.times()).toEqual([0, 1]);
    await h.restart();
    expect(web.times()).toEqual([0, 1]);
    await h.advance(6000);
    expect(web.times()).toEqual([0, 1, 2, 3, 4]);
    const run = await h.run();
    expect(run.status?.phase).toBe('Successful');
    expect(run.status?.metricResults?.[0]?.count).toBe(5);
  });

  it('a completed run is skipped: no measurement, no write', async () => {
    const web = new FakeProvider('web', () => value(0.001));
    const h = await harness(web);
    await h.create([errorRate()]);
    await h.settle();
    const patches = h.cluster.operations.filter((o) => o.verb === 'patch').length;
    await h.restart();
    await h.advance(60_000);
    expect(web.times()).toEqual([0]);
    expect(h.cluster.operations.filter((o) => o.verb === 'patch').length).toBe(patches);
  });

  it('a provider with no implementation measures Error naming it, never a pass', async () => {
    const web = new FakeProvider('web', () => value(0.001));
    const h = await harness(web);
    await h.create([errorRate({ provider: { datadog: { query: 'x' } } })]);
    await h.advance(60_000);
    const run = await h.run();
    expect(run.status?.metricResults?.[0]?.measurements?.[0]).toMatchObject({
      phase: 'Error',
      message: 'provider datadog is not supported by truesplit',
    });
    expect(run.status?.phase).toBe('Error');
    expect(web.calls).toEqual([]);
  });

  it('a provider that throws is an Error measurement with its message', async () => {
    const web = new FakeProvider('web', () => {
      throw new Error('connection refused');
    });
    const h = await harness(web);
    await h.create([errorRate({ consecutiveErrorLimit: 0 })]);
    await h.settle();
    const run = await h.run();
    expect(run.status?.metricResults?.[0]?.measurements?.[0]).toMatchObject({
      phase: 'Error',
      message: 'connection refused',
    });
    expect(run.status?.phase).toBe('Error');
  });

  it('exports Argo’s analysis_run_* metrics', async () => {
    const web = new FakeProvider('web', () => value(0.001));
    const h = await harness(web);
    await h.create([errorRate()]);
    await h.settle();
    const text = await h.registry.metrics();
    expect(text).toContain(`analysis_run_info{namespace="${NS}",name="run",phase="Successful"} 1`);
    expect(text).toContain(`analysis_run_phase{namespace="${NS}",name="run",phase="Running"} 0`);
    expect(text).toContain(
      `analysis_run_metric_type{namespace="${NS}",name="run",metric="error-rate",type="Web"} 1`,
    );
    expect(text).toContain(
      `analysis_run_metric_phase{namespace="${NS}",name="run",metric="error-rate",type="Web",dry_run="false",phase="Successful"} 1`,
    );
  });
});

describe('ttlStrategy', () => {
  it('deletes a completed run once the seconds after its completion exceed the TTL, not before', async () => {
    const web = new FakeProvider('web', () => value(0.5));
    const h = await harness(web);
    await h.create([errorRate()], { ttlStrategy: { secondsAfterSuccess: 1, secondsAfterFailure: 30 } });
    expect((await h.run()).status?.phase).toBe('Failed');
    await h.advance(30_900);
    expect((await h.run()).metadata.name).toBe('run');
    await h.advance(200);
    await expect(h.run()).rejects.toMatchObject({ code: 404 });
  });
});
