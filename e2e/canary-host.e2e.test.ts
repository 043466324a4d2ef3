/**
 * Host-level Istio canaries (stable and canary Services re-selected by pod-template hash): a full run, then abort,
 * abortScaleDownDelaySeconds, retry, a new revision mid-rollout and a revert to the stable template.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRefs, AppState } from './support/app-state.ts';
import { replicaSetOf, waitForApp } from './support/app-state.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { hostCanary } from './support/fixtures.ts';

const ns = 'host';
let env: E2eEnvironment;

function refs(name: string): AppRefs {
  return { namespace: ns, name, services: [`${name}-stable`, `${name}-canary`] };
}

const pausedAt = (index: number) => (s: AppState) => s.stepIndex === index && s.phase === 'Paused';

beforeAll(async () => {
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  await env.startController('controller');
});

afterAll(async () => {
  await env?.stop();
});

describe('host-level canary', () => {
  const app = refs('cart');
  const fixture = hostCanary({ ...app, replicas: 2, steps: [{ setWeight: 50 }, { pause: {} }] });

  it('switches the canary Service to the new hash, weights by host, then both Services to the new stable', async () => {
    await env.admin.createAll(fixture.objects);
    const v1 = await waitForApp(
      env.admin,
      app,
      'revision 1 healthy',
      (s) => s.phase === 'Healthy' && s.replicaSets[0]?.available === 2,
    );
    expect(v1.selectors).toEqual({ 'cart-stable': v1.stableHash, 'cart-canary': v1.stableHash });

    await env.admin.setImage(ns, app.name, 'registry.example/cart:2');
    const s = await waitForApp(env.admin, app, 'paused at step 1', pausedAt(1));
    expect(s.selectors).toEqual({ 'cart-stable': v1.stableHash, 'cart-canary': s.currentHash });
    expect(s.weights).toEqual({ 'cart-stable': 50, 'cart-canary': 50 });
    expect(replicaSetOf(s, s.currentHash)).toMatchObject({ replicas: 1, available: 1 });
    const svc = await env.admin.service(ns, 'cart-canary');
    expect(svc.metadata.annotations?.['argo-rollouts.argoproj.io/managed-by-rollouts']).toBe('cart');
    expect(svc.spec.selector?.['app']).toBe('cart');

    await env.admin.promote(ns, app.name);
    const done = await waitForApp(
      env.admin,
      app,
      'healthy at revision 2',
      (s) => s.phase === 'Healthy' && s.stableHash === s.currentHash,
    );
    expect(done.selectors).toEqual({ 'cart-stable': done.currentHash, 'cart-canary': done.currentHash });
    expect(done.weights).toEqual({ 'cart-stable': 100, 'cart-canary': 0 });
    expect(replicaSetOf(done, done.currentHash)).toMatchObject({ replicas: 2, available: 2 });
  });
});

describe('abort, retry, new revision, revert', () => {
  const app = refs('pay');
  const steps = [{ setWeight: 30 }, { pause: {} }, { setWeight: 60 }, { pause: {} }];
  const fixture = hostCanary({ ...app, replicas: 3, steps, canary: { abortScaleDownDelaySeconds: 3 } });
  let v1Hash = '';
  let v2Hash = '';

  it('reaches step 3 of revision 2', async () => {
    await env.admin.createAll(fixture.objects);
    const v1 = await waitForApp(
      env.admin,
      app,
      'revision 1 healthy',
      (s) => s.phase === 'Healthy' && s.replicaSets[0]?.available === 3,
    );
    v1Hash = v1.stableHash!;
    await env.admin.setImage(ns, app.name, 'registry.example/pay:2');
    await waitForApp(env.admin, app, 'paused at step 1', pausedAt(1));
    await env.admin.promote(ns, app.name);
    const s = await waitForApp(env.admin, app, 'paused at step 3', pausedAt(3));
    v2Hash = s.currentHash!;
    expect(s.weights).toEqual({ 'pay-stable': 40, 'pay-canary': 60 });
    expect(replicaSetOf(s, v2Hash)).toMatchObject({ replicas: 2, available: 2 });
  });

  it('abort: weight 0, canary Service back on stable, Degraded, canary scaled down after abortScaleDownDelaySeconds', async () => {
    const abortedAt = Date.now();
    await env.admin.abort(ns, app.name);
    const s = await waitForApp(
      env.admin,
      app,
      'aborted with weight 0',
      (s) => s.phase === 'Degraded' && s.weights['pay-canary'] === 0,
    );
    expect(s.weights).toEqual({ 'pay-stable': 100, 'pay-canary': 0 });
    expect(s.selectors).toEqual({ 'pay-stable': v1Hash, 'pay-canary': v1Hash });
    expect(s.conditions['Progressing']).toBe('False/RolloutAborted');
    expect(s.message).toBe('RolloutAborted: Rollout aborted update to revision 2');
    expect(s.stableHash).toBe(v1Hash);

    const down = await waitForApp(
      env.admin,
      app,
      'canary scaled to 0',
      (s) => replicaSetOf(s, v2Hash).replicas === 0,
      30_000,
    );
    // abortScaleDownDelaySeconds: 3, written as an RFC 3339 deadline with whole seconds (as Argo does), so the
    // scale-down comes between 2 and 3+ seconds after the abort, never at once.
    const elapsed = Date.now() - abortedAt;
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    expect(replicaSetOf(down, v1Hash)).toMatchObject({ replicas: 3, available: 3 });
    expect(down.phase).toBe('Degraded');
  });

  it('retry: back through the steps from step 0', async () => {
    await env.admin.retry(ns, app.name);
    const s = await waitForApp(env.admin, app, 'paused at step 1 again', pausedAt(1));
    expect(s.abort).toBe(false);
    expect(s.weights).toEqual({ 'pay-stable': 70, 'pay-canary': 30 });
    expect(s.selectors).toEqual({ 'pay-stable': v1Hash, 'pay-canary': v2Hash });
    expect(replicaSetOf(s, v2Hash)).toMatchObject({ replicas: 1, available: 1 });
    expect(s.conditions['Progressing']).not.toBe('False/RolloutAborted');
  });

  it('a new revision mid-rollout restarts the steps on it; the intermediate ReplicaSet is scaled down', async () => {
    await env.admin.setImage(ns, app.name, 'registry.example/pay:3');
    const s = await waitForApp(
      env.admin,
      app,
      'revision 3 paused at step 1, revision 2 at 0',
      (s) => pausedAt(1)(s) && s.currentHash !== v2Hash && replicaSetOf(s, v2Hash).replicas === 0,
    );
    expect(s.stableHash).toBe(v1Hash);
    expect(s.replicaSets.map((r) => r.revision)).toEqual([1, 2, 3]);
    expect(replicaSetOf(s, s.currentHash)).toMatchObject({ revision: 3, replicas: 1, available: 1 });
    expect(s.weights).toEqual({ 'pay-stable': 70, 'pay-canary': 30 });
    expect(s.selectors).toEqual({ 'pay-stable': v1Hash, 'pay-canary': s.currentHash });
  });

  it('reverting the template to the stable one rolls back at once, skipping the steps', async () => {
    await env.admin.setImage(ns, app.name, 'registry.example/pay:1');
    const s = await waitForApp(
      env.admin,
      app,
      'back on revision 1, canaries at 0',
      (s) =>
        s.phase === 'Healthy' &&
        s.currentHash === v1Hash &&
        s.replicaSets.every((r) => r.hash === v1Hash || r.replicas === 0),
    );
    expect(s.stableHash).toBe(v1Hash);
    expect(s.stepIndex).toBe(steps.length);
    expect(s.replicaSets).toHaveLength(3);
    expect(s.weights).toEqual({ 'pay-stable': 100, 'pay-canary': 0 });
    expect(s.selectors).toEqual({ 'pay-stable': v1Hash, 'pay-canary': v1Hash });
  });
});
