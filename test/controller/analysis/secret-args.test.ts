import { afterEach, describe, expect, it } from 'vitest';
import type { Metric, WebMetric } from '../../../src/api/analysis.js';
import { NS } from '../../kube/fixtures.js';
import { FakeProvider, logLines, startAnalysis } from './harness.js';

const SECRET = 's3cr3t-t0ken';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const metric: Metric = {
  name: 'error-rate',
  interval: '1s',
  count: 2,
  provider: {
    web: { url: 'http://metrics/q', headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }] },
  },
  successCondition: 'result < 0.01',
  consecutiveErrorLimit: 4,
};
const args = [{ name: 'token', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }];
const headerOf = (m: Metric) => (m.provider.web as WebMetric).headers?.[0]?.value;

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('secret arguments (valueFrom.secretKeyRef)', () => {
  it('are read at measurement time, reach the provider, and never reach status, events or logs', async () => {
    logLines.length = 0;
    const web = new FakeProvider('web', (_m, n) =>
      n === 1
        ? { phase: 'Error', message: `401 Unauthorized for Bearer ${SECRET}` }
        : { result: 0.001, value: `0.001 (${SECRET})`, metadata: { auth: SECRET } },
    );
    const h = await startAnalysis([web]);
    stop = () => h.stop();
    await h.cluster.create('Secret', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: NS },
      data: { token: b64(SECRET) },
    });
    await h.create([metric], { args });
    await h.advance(30_000);
    expect(web.calls.map((c) => headerOf(c.metric))).toEqual([
      `Bearer ${SECRET}`,
      `Bearer ${SECRET}`,
      `Bearer ${SECRET}`,
    ]);
    const run = await h.run();
    const measurements = run.status?.metricResults?.[0]?.measurements ?? [];
    expect(measurements[0]?.message).toBe('401 Unauthorized for Bearer *****');
    expect(measurements[1]).toMatchObject({ value: '0.001 (*****)', metadata: { auth: '*****' } });
    expect(JSON.stringify(run)).not.toContain(SECRET);
    const events = (await h.cluster.list('Event', { namespace: NS })).items;
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(SECRET);
  });

  it('are not cached: a rotated Secret is used by the next measurement', async () => {
    const web = new FakeProvider('web', () => ({ result: 0.001 }));
    const h = await startAnalysis([web]);
    stop = () => h.stop();
    await h.cluster.create('Secret', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: NS },
      data: { token: b64('old') },
    });
    await h.create([metric], { args });
    await h.cluster.patch('Secret', NS, 'creds', { data: { token: b64('new') } });
    await h.advance(1000);
    expect(web.calls.map((c) => headerOf(c.metric))).toEqual(['Bearer old', 'Bearer new']);
  });

  it('a missing Secret or key ends the run in Error naming it, without measuring', async () => {
    const web = new FakeProvider('web', () => ({ result: 0.001 }));
    const h = await startAnalysis([web]);
    stop = () => h.stop();
    await h.create([metric], { args }, 'no-secret');
    await h.cluster.create('Secret', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: NS },
      data: { other: b64(SECRET) },
    });
    await h.create([metric], { args }, 'no-key');
    expect(web.calls).toEqual([]);
    expect((await h.run('no-secret')).status).toMatchObject({
      phase: 'Error',
      message: 'Unable to resolve metric arguments: secrets "creds" not found',
    });
    expect((await h.run('no-key')).status).toMatchObject({
      phase: 'Error',
      message: "Unable to resolve metric arguments: key 'token' does not exist in secret 'creds'",
    });
  });
});
