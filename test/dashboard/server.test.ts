import { afterEach, describe, expect, it } from 'vitest';
import { RolloutStore } from '../../src/dashboard/rollout-store.js';
import {
  startDashboardServer,
  type DashboardOptions,
  type DashboardServer,
} from '../../src/dashboard/server.js';
import { systemClock } from '../../src/kube/clock.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { seedDemo } from '../../src/sandbox/seed.js';
import { bearer, JSON_TYPE, send } from './http-client.js';

const TOKEN = 's3cret-token';
const ROLLOUT = '/api/v1/rollouts/rollouts-demo-istio/istio-rollout';

let server: DashboardServer | undefined;
let store: RolloutStore | undefined;
afterEach(async () => {
  await server?.close();
  store?.stop();
  server = undefined;
});

async function start(options: Partial<DashboardOptions> = {}) {
  const cluster = new MemoryCluster();
  await seedDemo(cluster);
  store = new RolloutStore(cluster, { clock: systemClock() });
  store.start();
  server = await startDashboardServer({ cluster, store, port: 0, token: TOKEN, ...options });
  return { cluster, port: server.port };
}

const imageOf = async (cluster: MemoryCluster) =>
  (await cluster.get('Rollout', 'rollouts-demo-istio', 'istio-rollout')).spec.template?.spec?.containers?.[0]
    ?.image;

describe('DNS rebinding: the Host allow-list is checked before anything else', () => {
  it('refuses the reported takeover (set-image, then promote-full, from a rebound name)', async () => {
    const { cluster, port } = await start();
    const before = await imageOf(cluster);
    const attacker = { Host: `a.attacker.example:${port}`, Origin: `http://a.attacker.example:${port}` };
    const setImage = await send(port, {
      method: 'POST',
      path: `${ROLLOUT}/set-image`,
      headers: { ...attacker, ...JSON_TYPE },
      body: '{"container":"istio-rollout","image":"attacker.example/backdoor:latest"}',
    });
    const promote = await send(port, {
      method: 'POST',
      path: `${ROLLOUT}/promote-full`,
      headers: { ...attacker, ...JSON_TYPE },
      body: '{}',
    });
    expect([setImage.status, promote.status]).toEqual([421, 421]);
    expect(await imageOf(cluster)).toBe(before);
  });

  it.each([
    { name: 'the list', path: '/api/v1/rollouts' },
    { name: 'one Rollout', path: ROLLOUT },
    { name: 'the event stream', path: '/api/v1/events' },
    { name: 'the UI', path: '/' },
    { name: 'the login URL', path: `/login?token=${TOKEN}` },
  ])('refuses $name to a foreign Host even with the token', async ({ path }) => {
    const { port } = await start();
    const res = await send(port, { path, headers: { Host: `a.attacker.example:${port}`, ...bearer(TOKEN) } });
    expect(res.status).toBe(421);
  });

  it.each([
    { host: '127.0.0.1:PORT', status: 200 },
    { host: 'localhost:PORT', status: 200 },
    { host: 'LOCALHOST:PORT', status: 200 },
    { host: '[::1]:PORT', status: 200 },
    { host: 'dash.example.com:PORT', status: 200 },
    { host: 'dash.example.com:OTHER', status: 421 },
    { host: 'dash.example.com', status: 421 },
    { host: 'other.example.com:PORT', status: 421 },
    { host: '127.0.0.1.attacker.example:PORT', status: 421 },
  ])('Host $host → $status (dash.example.com configured)', async ({ host, status }) => {
    const { port } = await start({ allowedHosts: ['dash.example.com'] });
    const header = host.replace('PORT', String(port)).replace('OTHER', String(port + 1));
    const res = await send(port, { path: '/api/v1/rollouts', headers: { Host: header, ...bearer(TOKEN) } });
    expect(res.status).toBe(status);
  });

  it('refuses a foreign Origin on an allowed Host (403)', async () => {
    const { cluster, port } = await start();
    const res = await send(port, {
      method: 'POST',
      path: `${ROLLOUT}/pause`,
      headers: { Origin: 'http://evil.example', ...JSON_TYPE, ...bearer(TOKEN) },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect((await cluster.get('Rollout', 'rollouts-demo-istio', 'istio-rollout')).spec.paused).not.toBe(true);
  });
});

describe('a token on every request, loopback included', () => {
  it.each([
    { bind: '127.0.0.1', path: '/api/v1/rollouts' },
    { bind: '127.0.0.1', path: ROLLOUT },
    { bind: '127.0.0.1', path: '/api/v1/events' },
    { bind: '127.0.0.1', path: '/api/v1/info' },
    { bind: '127.0.0.1', path: '/' },
    { bind: '0.0.0.0', path: '/api/v1/rollouts' },
    { bind: '0.0.0.0', path: ROLLOUT },
    { bind: '0.0.0.0', path: '/api/v1/events' },
  ])('GET $path on $bind: 401 without, 200 with the bearer token', async ({ bind, path }) => {
    const { port } = await start({ host: bind });
    const without = await send(port, { path });
    expect(without.status).toBe(401);
    expect(without.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(without.body).not.toMatch(/istio-rollout/);
    expect((await send(port, { path, headers: bearer(TOKEN) })).status).toBe(200);
  });

  it.each([
    { name: 'no token', headers: {}, status: 401 },
    { name: 'a wrong token', headers: bearer('nope'), status: 401 },
    { name: 'a prefix of the token', headers: bearer(TOKEN.slice(0, -1)), status: 401 },
    { name: 'a non-breaking space', headers: { Authorization: 'Bearer \xa0' }, status: 401 },
    { name: 'an empty bearer', headers: { Authorization: 'Bearer ' }, status: 401 },
    { name: 'the token', headers: bearer(TOKEN), status: 200 },
    { name: 'the token, lower-case scheme', headers: { Authorization: `bearer ${TOKEN}` }, status: 401 },
  ])('POST pause with $name → $status', async ({ headers, status }) => {
    const { cluster, port } = await start();
    const res = await send(port, {
      method: 'POST',
      path: `${ROLLOUT}/pause`,
      headers: { ...JSON_TYPE, ...headers },
      body: '{}',
    });
    expect(res.status).toBe(status);
    const paused = (await cluster.get('Rollout', 'rollouts-demo-istio', 'istio-rollout')).spec.paused;
    expect(paused === true).toBe(status === 200);
  });

  it('the login URL sets an HttpOnly, SameSite=Strict cookie and redirects to a clean URL', async () => {
    const { port } = await start();
    const login = await send(port, {
      path: new URL(server!.loginUrl).pathname + new URL(server!.loginUrl).search,
    });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;
    expect((await send(port, { path: '/api/v1/rollouts', headers: { Cookie: session } })).status).toBe(200);
    const forged = session.replace(/=.*/, '=forged');
    expect((await send(port, { path: '/api/v1/rollouts', headers: { Cookie: forged } })).status).toBe(401);
  });

  it.each([`/login?token=nope`, '/login', `/login?token=%20${TOKEN}`])(
    '%s is refused without a cookie',
    async (path) => {
      const { port } = await start();
      const res = await send(port, { path });
      expect(res.status).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
    },
  );

  it('generates a random token when none is configured', async () => {
    const cluster = new MemoryCluster();
    store = new RolloutStore(cluster, { clock: systemClock() });
    server = await startDashboardServer({ cluster, store, port: 0 });
    const first = server.token;
    await server.close();
    server = await startDashboardServer({ cluster, store, port: 0 });
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.token).not.toBe(first);
    expect(server.loginUrl).toBe(`${server.url}login?token=${server.token}`);
  });
});

describe('start-up refuses tokens that could be matched', () => {
  it.each(['', ' ', '\t\n', '\xa0', 'two words'])('token %j', async (token) => {
    const cluster = new MemoryCluster();
    store = new RolloutStore(cluster, { clock: systemClock() });
    const started = await startDashboardServer({ cluster, store, port: 0, host: '0.0.0.0', token }).then(
      (s) => {
        server = s;
        return s;
      },
      (err: unknown) => err,
    );
    expect(started).toBeInstanceOf(Error);
    expect((started as Error).message).toMatch(/TRUESPLIT_DASHBOARD_TOKEN/);
  });
});

describe('request hygiene', () => {
  it.each([
    { name: 'no Content-Type, empty body', headers: {}, body: '' },
    { name: 'text/plain, empty body', headers: { 'Content-Type': 'text/plain' }, body: '' },
    {
      name: 'a form, empty body',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '',
    },
    { name: 'application/jsonp', headers: { 'Content-Type': 'application/jsonp' }, body: '{}' },
  ])('POST with $name → 415, nothing patched', async ({ headers, body }) => {
    const { cluster, port } = await start();
    const res = await send(port, {
      method: 'POST',
      path: `${ROLLOUT}/pause`,
      headers: { ...bearer(TOKEN), ...headers },
      body,
    });
    expect(res.status).toBe(415);
    expect((await cluster.get('Rollout', 'rollouts-demo-istio', 'istio-rollout')).spec.paused).not.toBe(true);
  });

  it('accepts application/json with parameters and an empty body', async () => {
    const { port } = await start();
    const res = await send(port, {
      method: 'POST',
      path: `${ROLLOUT}/pause`,
      headers: { ...bearer(TOKEN), 'Content-Type': 'Application/JSON; charset=utf-8' },
    });
    expect(res.status).toBe(200);
  });

  it.each([
    { method: 'GET', path: '/%zz' },
    { method: 'GET', path: '/assets/%E0%A4%A.js' },
    { method: 'GET', path: '/api/v1/rollouts/%zz/istio-rollout' },
    { method: 'POST', path: '/api/v1/rollouts/rollouts-demo-istio/%zz/pause' },
    { method: 'GET', path: '/a%00b' },
  ])('$method $path → 400', async ({ method, path }) => {
    const { port } = await start();
    const body = method === 'POST' ? '{}' : undefined;
    const res = await send(port, { method, path, headers: { ...bearer(TOKEN), ...JSON_TYPE }, body });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: 400 });
  });

  it.each([
    { name: 'unknown action', method: 'POST', path: `${ROLLOUT}/explode`, status: 404 },
    {
      name: 'unknown rollout',
      method: 'GET',
      path: '/api/v1/rollouts/rollouts-demo-istio/nope',
      status: 404,
    },
    { name: 'fix outside the sandbox', method: 'POST', path: '/api/v1/sandbox/fix', status: 404 },
    {
      name: 'canary switch outside the sandbox',
      method: 'POST',
      path: '/api/v1/sandbox/canary',
      status: 404,
    },
    { name: 'canary state outside the sandbox', method: 'GET', path: '/api/v1/sandbox/canary', status: 404 },
    { name: 'rollout list', method: 'GET', path: '/api/v1/rollouts', status: 200 },
    { name: 'on a verb', method: 'PUT', path: `${ROLLOUT}/pause`, status: 405 },
  ])('$method $name → $status', async ({ method, path, status }) => {
    const { port } = await start();
    const body = method === 'GET' ? undefined : '{}';
    const res = await send(port, { method, path, headers: { ...bearer(TOKEN), ...JSON_TYPE }, body });
    expect(res.status).toBe(status);
  });
});

describe('the sandbox demo canary switch', () => {
  async function startWithSwitch() {
    let health: 'healthy' | 'failing' = 'healthy';
    const canary = {
      rollout: 'ns/demo',
      health: () => health,
      setHealth: (h: typeof health) => (health = h),
    };
    const sandbox = { fixOptions: {}, applyFix: () => Promise.reject(new Error('unused')), canary };
    const { port } = await start({ sandbox });
    return { port, health: () => health };
  }

  it.each([
    { name: 'no token', headers: JSON_TYPE, body: '{"health":"failing"}', status: 401 },
    {
      name: 'a foreign Origin',
      headers: { Origin: 'http://evil.example', ...JSON_TYPE, ...bearer(TOKEN) },
      body: '{"health":"failing"}',
      status: 403,
    },
    { name: 'not JSON', headers: bearer(TOKEN), body: '{"health":"failing"}', status: 415 },
    {
      name: 'an unknown state',
      headers: { ...JSON_TYPE, ...bearer(TOKEN) },
      body: '{"health":"x"}',
      status: 400,
    },
    { name: 'no state', headers: { ...JSON_TYPE, ...bearer(TOKEN) }, body: '{}', status: 400 },
    {
      name: 'the token',
      headers: { ...JSON_TYPE, ...bearer(TOKEN) },
      body: '{"health":"failing"}',
      status: 200,
    },
  ])('POST with $name → $status', async ({ headers, body, status }) => {
    const { port, health } = await startWithSwitch();
    const res = await send(port, { method: 'POST', path: '/api/v1/sandbox/canary', headers, body });
    expect(res.status).toBe(status);
    expect(health()).toBe(status === 200 ? 'failing' : 'healthy');
  });

  it('GET and /api/v1/info report the state', async () => {
    const { port } = await startWithSwitch();
    const state = await send(port, { path: '/api/v1/sandbox/canary', headers: bearer(TOKEN) });
    expect(JSON.parse(state.body)).toEqual({ rollout: 'ns/demo', health: 'healthy' });
    const info = await send(port, { path: '/api/v1/info', headers: bearer(TOKEN) });
    expect(JSON.parse(info.body)).toMatchObject({ mode: 'sandbox', canary: { health: 'healthy' } });
  });
});

describe('event streams', () => {
  it('caps concurrent streams (503 with Retry-After beyond the limit) and frees a slot on close', async () => {
    const { port } = await start({ maxEventStreams: 2 });
    const opened: AbortController[] = [];
    const open = async () => {
      const controller = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
        headers: bearer(TOKEN),
        signal: controller.signal,
      });
      if (res.ok) opened.push(controller);
      else await res.text();
      return res;
    };
    expect((await open()).status).toBe(200);
    expect((await open()).status).toBe(200);
    const third = await open();
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('10');
    opened.shift()!.abort();
    await expect.poll(async () => (await open()).status, { timeout: 5000 }).toBe(200);
    for (const c of opened) c.abort();
  });

  it('streams the Rollout list', async () => {
    const { port } = await start();
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
      headers: bearer(TOKEN),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: rollouts'))
      text += new TextDecoder().decode((await reader.read()).value as Uint8Array | undefined);
    controller.abort();
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(text).toContain('istio-rollout');
  });
});
