import { afterEach, describe, expect, it } from 'vitest';
import { RolloutStore } from '../../src/dashboard/rollout-store.js';
import { startDashboardServer, type DashboardServer } from '../../src/dashboard/server.js';
import { systemClock } from '../../src/kube/clock.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { seedDemo } from '../../src/sandbox/seed.js';

describe('dashboard server', () => {
  let server: DashboardServer | undefined;
  let store: RolloutStore | undefined;
  afterEach(async () => {
    await server?.close();
    store?.stop();
  });

  async function start(host: string, token?: string) {
    const cluster = new MemoryCluster();
    await seedDemo(cluster);
    store = new RolloutStore(cluster, { clock: systemClock() });
    store.start();
    server = await startDashboardServer({ cluster, store, host, port: 0, ...(token ? { token } : {}) });
    return { cluster, url: server.url };
  }

  const postTo = (url: string, path: string, headers: Record<string, string> = {}) =>
    fetch(new URL(path, url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: '{}',
    });

  it.each([
    { name: 'loopback: no token needed', host: '127.0.0.1', headers: {}, status: 200 },
    { name: 'other address without a token', host: '0.0.0.0', headers: {}, status: 401 },
    {
      name: 'other address with a wrong token',
      host: '0.0.0.0',
      headers: { Authorization: 'Bearer nope' },
      status: 401,
    },
    {
      name: 'other address with the token',
      host: '0.0.0.0',
      headers: { Authorization: 'Bearer s3cret-token' },
      status: 200,
    },
    {
      name: 'cross-origin request',
      host: '127.0.0.1',
      headers: { Origin: 'http://evil.example' },
      status: 403,
    },
  ])('POST pause, $name → $status', async ({ host, headers, status }) => {
    const { cluster, url } = await start(host, 's3cret-token');
    const target = url.replace('0.0.0.0', '127.0.0.1');
    const res = await postTo(target, 'api/v1/rollouts/rollouts-demo-istio/istio-rollout/pause', headers);
    expect(res.status).toBe(status);
    const paused = (await cluster.get('Rollout', 'rollouts-demo-istio', 'istio-rollout')).spec.paused;
    expect(paused === true).toBe(status === 200);
  });

  it.each([
    {
      name: 'unknown action',
      method: 'POST',
      path: 'api/v1/rollouts/rollouts-demo-istio/istio-rollout/explode',
      status: 404,
    },
    { name: 'unknown rollout', method: 'GET', path: 'api/v1/rollouts/rollouts-demo-istio/nope', status: 404 },
    { name: 'fix outside the sandbox', method: 'POST', path: 'api/v1/sandbox/fix', status: 404 },
    { name: 'rollout list', method: 'GET', path: 'api/v1/rollouts', status: 200 },
  ])('$method $name → $status', async ({ method, path, status }) => {
    const { url } = await start('127.0.0.1');
    const res = await fetch(new URL(path, url), {
      method,
      ...(method === 'POST' ? { headers: { 'Content-Type': 'application/json' }, body: '{}' } : {}),
    });
    expect(res.status).toBe(status);
  });

  it('streams the Rollout list over SSE', async () => {
    const { url } = await start('127.0.0.1');
    const controller = new AbortController();
    const res = await fetch(new URL('api/v1/events', url), { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: rollouts'))
      text += new TextDecoder().decode((await reader.read()).value as Uint8Array | undefined);
    controller.abort();
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  });
});
