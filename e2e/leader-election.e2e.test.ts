/**
 * Two controller processes with --leader-elect: only the Lease holder writes (its metrics count workload writes,
 * the standby's count none and its log shows no reconciles); SIGKILLing the leader hands over within 20 s and the
 * standby finishes the rollout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRefs } from './support/app-state.ts';
import { isFullyPromoted, waitForApp } from './support/app-state.ts';
import type { ControllerProcess } from './support/controller-process.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { subsetCanary } from './support/fixtures.ts';
import { waitFor } from './support/wait-for.ts';

const ns = 'ha';
const LEASE = 'truesplit-controller-lock';
const app: AppRefs = { namespace: ns, name: 'orders', destinationRule: 'orders' };
let env: E2eEnvironment;
let a: ControllerProcess;
let b: ControllerProcess;

async function leaseHolder(): Promise<string | undefined> {
  const lease = await env.admin.coordination.readNamespacedLease({
    name: LEASE,
    namespace: env.identity.namespace,
  });
  return lease.spec?.holderIdentity;
}

const reconcileLogs = (c: ControllerProcess) => c.logRecords().filter((r) => r['msg'] === 'reconciled');

beforeAll(async () => {
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  const options = { leaderElect: true, leaseNamespace: env.identity.namespace };
  a = await env.startController('controller-a', options);
  await waitFor('controller-a holds the lease', leaseHolder, (h) => h === 'controller-a', {
    timeoutMs: 30_000,
  });
  b = await env.startController('controller-b', options);
});

afterAll(async () => {
  await env?.stop();
});

describe('leader election', () => {
  it('only the leader writes', async () => {
    await env.admin.createAll(
      subsetCanary({ ...app, replicas: 2, steps: [{ setWeight: 50 }, { pause: {} }] }).objects,
    );
    await waitForApp(env.admin, app, 'revision 1 healthy', (s) => s.phase === 'Healthy');
    await env.admin.setImage(ns, app.name, 'registry.example/orders:2');
    await waitForApp(env.admin, app, 'paused at step 1', (s) => s.stepIndex === 1 && s.phase === 'Paused');
    expect(await leaseHolder()).toBe('controller-a');
    expect(await a.workloadWrites()).toBeGreaterThan(0);
    expect(await b.workloadWrites()).toBe(0);
    expect(reconcileLogs(a).length).toBeGreaterThan(0);
    expect(reconcileLogs(b)).toEqual([]);
  });

  it('hands over within 20 s when the leader is SIGKILLed; the new leader finishes the rollout', async () => {
    const killedAt = Date.now();
    await a.crash();
    await env.admin.promote(ns, app.name);
    await waitFor('controller-b holds the lease', leaseHolder, (h) => h === 'controller-b', {
      timeoutMs: 25_000,
      intervalMs: 100,
    });
    const handoverMs = Date.now() - killedAt;
    console.log(`leader hand-over after SIGKILL: ${handoverMs} ms`);
    expect(handoverMs).toBeLessThan(20_000);
    const s = await waitForApp(
      env.admin,
      app,
      'healthy at revision 2, all traffic on stable',
      isFullyPromoted,
      30_000,
    );
    expect(s.weights).toEqual({ stable: 100, canary: 0 });
    expect(s.subsets['stable']).toBe(s.currentHash);
    expect(await b.workloadWrites()).toBeGreaterThan(0);
    expect(reconcileLogs(b).length).toBeGreaterThan(0);
  });
});
