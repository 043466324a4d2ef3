import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import type { RolloutView } from '../../src/view/rollout-view.js';

const ROLLOUT = 'api/v1/rollouts/rollouts-demo-istio/istio-rollout';
let sandbox: Sandbox;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err as Error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

async function view(): Promise<RolloutView> {
  const res = await fetch(new URL(ROLLOUT, sandbox.url), {
    headers: { Authorization: `Bearer ${sandbox.token}` },
  });
  return (await res.json()) as RolloutView;
}

const meshPath = (v: RolloutView) =>
  v.paths.find((p) => p.kind === 'mesh' && p.from === 'rollouts-demo-istio');

async function post(path: string, body: unknown) {
  return fetch(new URL(path, sandbox.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sandbox.token}` },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, readyDelayMs: 100, onError: () => undefined });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('sandbox demo, end to end over the REST API', () => {
  it('pauses at setWeight 10 with the mesh path at the pod-count split (mesh-binding)', async () => {
    const paused = await waitFor('the pause step', async () => {
      const v = await view();
      return v.currentStep === 1 && v.phase === 'Paused' ? v : undefined;
    });
    expect(paused.weights.canary).toBe(10);
    expect(meshPath(paused)).toMatchObject({ predicted: 50, desired: 10, health: 'error' });
    expect(paused.paths.find((p) => p.kind === 'gateway')).toMatchObject({ predicted: 10, health: 'ok' });
    expect(paused.findings.map((f) => f.code)).toContain('mesh-binding');
  });

  it('applying the mesh-binding fix brings the mesh path to the weight', async () => {
    const res = await post('api/v1/sandbox/fix', {
      code: 'mesh-binding',
      rollout: 'rollouts-demo-istio/istio-rollout',
    });
    expect(res.status).toBe(200);
    const fixed = await waitFor('mesh path at 10 %', async () => {
      const v = await view();
      return meshPath(v)?.predicted === 10 ? v : undefined;
    });
    expect(fixed.findings.map((f) => f.code)).not.toContain('mesh-binding');
    const observed = await waitFor('observed mesh share', async () => {
      const p = meshPath(await view());
      return p?.observed && p.observed.requests >= 400 && Math.abs((p.observed.share ?? -100) - 10) < 5
        ? p.observed
        : undefined;
    });
    expect(observed.share).toBeLessThan(15);
  });

  it('promote advances to the next step', async () => {
    const res = await post(`${ROLLOUT}/promote`, {});
    expect(res.status).toBe(200);
    const next = await waitFor('step 3 (setWeight 50 → pause)', async () => {
      const v = await view();
      return (v.currentStep ?? 0) >= 3 ? v : undefined;
    });
    expect(next.weights.canary).toBe(50);
  });

  it.each([
    {
      name: 'unknown finding code',
      body: { code: 'nope', rollout: 'rollouts-demo-istio/istio-rollout' },
      status: 400,
    },
    { name: 'malformed rollout', body: { code: 'mesh-binding', rollout: 'istio-rollout' }, status: 400 },
    {
      name: 'missing rollout',
      body: { code: 'plain-callers', rollout: 'x/y', option: 'pod-ratio' },
      status: 400,
    },
  ])('rejects a fix request with $name', async ({ body, status }) => {
    const res = await post('api/v1/sandbox/fix', body);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toBeTruthy();
  });
});
