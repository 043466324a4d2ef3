import { afterEach, describe, expect, it } from 'vitest';
import type { Metric } from '../../../src/api/analysis.js';
import { NS } from '../../kube/fixtures.js';
import type { MeasureRequest } from '../../../src/analysis/provider.js';
import { FakeProvider, logLines, startAnalysis } from './harness.js';

/** A provider that keeps something per measurement (as the job provider keeps Jobs) and is told to collect it. */
class CollectingProvider extends FakeProvider {
  readonly collected: { metric: string; limit: number; at: number }[] = [];
  constructor(private readonly failCollect = false) {
    super('web', () => ({ result: 0.001, value: '0.001' }));
  }
  garbageCollect(request: MeasureRequest, limit: number): Promise<void> {
    this.collected.push({ metric: request.metric.name, limit, at: request.now.getTime() });
    return this.failCollect ? Promise.reject(new Error('jobs is forbidden')) : Promise.resolve();
  }
}

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

  it.each([
    { retention: undefined, collected: [] },
    { retention: [{ metricName: 'error-rate', limit: 1 }], collected: [1, 1] },
    { retention: [{ metricName: 'error', limit: 2 }], collected: [2] },
  ])(
    'measurements trimmed to retention $retention ⇒ the provider collects with limits $collected',
    async ({ retention, collected }) => {
      const web = new CollectingProvider();
      const h = await harness(web);
      await h.create([errorRate({ interval: '1s', count: 3 })], {
        ...(retention ? { measurementRetention: retention } : {}),
      });
      await h.advance(5000);
      expect(web.times()).toEqual([0, 1, 2]);
      expect(web.collected.map((c) => c.limit)).toEqual(collected);
      expect(web.collected.every((c) => c.metric === 'error-rate')).toBe(true);
      const kept = (await h.run()).status?.metricResults?.[0]?.measurements ?? [];
      expect(kept).toHaveLength(collected.length > 0 ? collected[0]! : 3);
    },
  );

  it('a failed collection is a warning; the run still completes', async () => {
    const web = new CollectingProvider(true);
    const h = await harness(web);
    logLines.length = 0;
    await h.create([errorRate({ interval: '1s', count: 2 })], {
      measurementRetention: [{ metricName: 'error-rate', limit: 1 }],
    });
    await h.advance(3000);
    expect((await h.run()).status?.phase).toBe('Successful');
    expect(web.collected).toHaveLength(1);
    expect(
      logLines.some(
        (l) => l.includes('measurement garbage collection failed') && l.includes('jobs is forbidden'),
      ),
    ).toBe(true);
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
