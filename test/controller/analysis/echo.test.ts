import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Metric } from '../../../src/api/analysis.js';
import type { MeasureRequest, ProviderMeasurement } from '../../../src/analysis/provider.js';
import { NS } from '../../kube/fixtures.js';
import { FakeProvider, startAnalysis } from './harness.js';

const metric = (extra: Partial<Metric> = {}): Metric => ({
  name: 'error-rate',
  provider: { web: { url: 'http://metrics/error-rate' } },
  successCondition: 'result < 0.01',
  ...extra,
});
const ok = (): ProviderMeasurement => ({ result: 0.001, value: '0.001' });

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

/** A provider whose answers wait until the test releases them. */
class HeldProvider extends FakeProvider {
  private release: (() => void)[] = [];
  constructor() {
    super('web', ok);
  }
  override async run(request: MeasureRequest): Promise<ProviderMeasurement> {
    await new Promise<void>((resolve) => this.release.push(resolve));
    return super.run(request);
  }
  releaseAll(): void {
    for (const resolve of this.release.splice(0)) resolve();
  }
}

describe('the echo of the AnalysisRun controller’s own status write', () => {
  it('does not reconcile the run again: one pass per measurement', async () => {
    const web = new FakeProvider('web', ok);
    const h = await startAnalysis([web]);
    stop = () => h.stop();
    const passes = vi.spyOn(h.controller, 'processKey');
    await h.create([metric({ interval: '10s', count: 3 })]);
    await h.advance(25_000);
    expect(web.times()).toEqual([0, 10, 20]);
    expect(passes).toHaveBeenCalledTimes(3);
  });

  it('a change by someone else while a reconcile runs is reconciled once it returns', async () => {
    const web = new HeldProvider();
    const h = await startAnalysis([web]);
    stop = () => h.stop();
    await h.create([metric({ interval: '1s' })]);
    await h.cluster.patch('AnalysisRun', NS, 'run', { spec: { terminate: true } });
    await h.settle();
    web.releaseAll();
    await h.settle();
    expect((await h.run()).status).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
    expect(web.calls).toHaveLength(1);
  });
});
