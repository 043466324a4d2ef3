/**
 * The controller under adverse conditions on a real control plane:
 * - the Sidecar CRD is absent: start-up, readiness and reconciling go on; the path condition carries crd-missing;
 * - a 409 storm (a second writer bumps the Rollout every 50 ms for 20 s during a canary): the controller's writes,
 *   counted from the API server's audit log, stay under 5 per second;
 * - two replicas, the leader's API traffic blackholed for 30 s: the leader steps down on its own timer, the standby
 *   takes over and finishes, and an invariant watcher over the audit log finds no moment where both wrote.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRefs, AppState } from './support/app-state.ts';
import { waitForApp } from './support/app-state.ts';
import { AUDIT_WRITE_VERBS, readAudit, type AuditRecord } from './support/audit.ts';
import { BlackholeProxy } from './support/blackhole-proxy.ts';
import { kubeconfigVia, provisionReplicaIdentity } from './support/controller-identity.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { subsetCanary } from './support/fixtures.ts';
import { sleep, waitFor } from './support/wait-for.ts';

const ns = 'hardening';
const LEASE = 'truesplit-controller-lock';
const SIDECAR_CRD = 'sidecars.networking.istio.io';
let env: E2eEnvironment;

const healthyAt = (revision: number) => (s: AppState) =>
  s.phase === 'Healthy' &&
  s.stableHash === s.currentHash &&
  (s.rollout.spec.template?.spec?.containers?.[0]?.image ?? '').endsWith(`:${revision}`);

/** The controller's own writes (not its Lease): every create/update/patch/delete the API server answered. */
const controllerWrites = (records: AuditRecord[], username: string) =>
  records.filter(
    (r) => r.username === username && AUDIT_WRITE_VERBS.has(r.verb) && !r.resource.endsWith('/leases'),
  );

/** Objects of the `split` app: its Rollout, Service, VirtualService, DestinationRule, ReplicaSets and Events. */
const ofSplit = (name: string) => name === 'split' || name.startsWith('split-') || name.startsWith('split.');

async function leaseHolder(): Promise<string | undefined> {
  const lease = await env.admin.coordination.readNamespacedLease({
    name: LEASE,
    namespace: env.identity.namespace,
  });
  return lease.spec?.holderIdentity;
}

beforeAll(async () => {
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  const crds = env.admin.kc.makeApiClient(k8s.ApiextensionsV1Api);
  await crds.deleteCustomResourceDefinition({ name: SIDECAR_CRD });
  await waitFor(
    `${SIDECAR_CRD} gone`,
    () =>
      crds.readCustomResourceDefinition({ name: SIDECAR_CRD }).then(
        () => false,
        () => true,
      ),
    (gone) => gone,
  );
});

afterAll(async () => {
  await env?.stop();
});

describe('hardening', () => {
  it('keeps reconciling with the Sidecar CRD absent, and says so', { timeout: 120_000 }, async () => {
    const app: AppRefs = { namespace: ns, name: 'nosidecar', destinationRule: 'nosidecar' };
    const controller = await env.startController('controller-nosidecar');
    await env.admin.createAll(
      subsetCanary({ ...app, replicas: 2, steps: [{ setWeight: 50 }, { pause: {} }] }).objects,
    );
    await waitForApp(env.admin, app, 'healthy', healthyAt(1));
    await env.admin.setImage(ns, app.name, 'registry.example/nosidecar:2');
    const paused = await waitForApp(
      env.admin,
      app,
      'paused at 50 % with a crd-missing warning',
      (s) =>
        s.phase === 'Paused' &&
        s.weights['canary'] === 50 &&
        Object.values(s.conditionMessages).some((m) => m.includes('crd-missing')),
    );
    expect(paused.stepIndex).toBe(1);
    const degraded = controller
      .logRecords()
      .filter((r) => r['msg'] === 'optional kind unavailable, path model degraded');
    expect(degraded.map((r) => [r['kind'], r['finding']])).toContainEqual(['Sidecar', 'crd-missing']);
    expect((await fetch(`http://127.0.0.1:${controller.healthzPort}/healthz`)).status).toBe(200);
    await controller.stop();
  });

  it(
    'a 409 storm: a second writer bumps the Rollout every 50 ms for 20 s',
    { timeout: 120_000 },
    async () => {
      const app: AppRefs = { namespace: ns, name: 'storm', destinationRule: 'storm' };
      const controller = await env.startController('controller-storm');
      try {
        const steps = [
          { setWeight: 20 },
          { pause: { duration: 3 } },
          { setWeight: 40 },
          { pause: { duration: 3 } },
          { setWeight: 60 },
          { pause: {} },
        ];
        await env.admin.createAll(subsetCanary({ ...app, replicas: 2, steps }).objects);
        await waitForApp(env.admin, app, 'healthy', healthyAt(1));
        await env.admin.setImage(ns, app.name, 'registry.example/storm:2');
        const started = Date.now();
        let [bumps, ticks, skipped, failed] = [0, 0, 0, 0];
        const inFlight = new Set<Promise<unknown>>();
        // One bump every 50 ms on a fixed schedule, not waiting for the previous answer (at most 4 in flight: the
        // test's own API server shares two cores with everything else).
        while (Date.now() - started < 20_000) {
          if (inFlight.size >= 4) {
            skipped++;
          } else {
            const bump = env.admin.custom.patchNamespacedCustomObject(
              {
                group: 'argoproj.io',
                version: 'v1alpha1',
                plural: 'rollouts',
                namespace: ns,
                name: app.name,
                body: { metadata: { labels: { bump: String(++bumps) } } },
              },
              k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
            );
            inFlight.add(bump);
            void bump.then(
              () => inFlight.delete(bump),
              () => (inFlight.delete(bump), failed++),
            );
          }
          await sleep(Math.max(0, started + ++ticks * 50 - Date.now()));
        }
        await Promise.allSettled([...inFlight]);
        const ended = Date.now();
        await sleep(1_000);
        const writes = controllerWrites(readAudit(env.plane.workDir), env.identity.username).filter(
          (r) => r.receivedAt >= started && r.receivedAt <= ended,
        );
        const conflicts = writes.filter((r) => r.code === 409).length;
        const perSecond = writes.length / ((ended - started) / 1000);
        console.log(
          `409 storm: ${bumps} bumps (${failed} failed, ${skipped} skipped with 4 in flight) in ${ended - started} ms; controller writes ${writes.length} (${conflicts} answered 409) = ${perSecond.toFixed(2)} writes/s`,
        );
        expect(perSecond).toBeLessThan(5);
        const s = await waitForApp(
          env.admin,
          app,
          'progressed to the last pause',
          (x) => x.stepIndex === 5 && x.phase === 'Paused',
          60_000,
        );
        expect(s.weights['canary']).toBe(60);
      } finally {
        await controller.stop();
      }
    },
  );

  it(
    'the leader blackholed for 30 s: it steps down, the standby takes over, they never both write',
    { timeout: 240_000 },
    async () => {
      const app: AppRefs = { namespace: ns, name: 'split', destinationRule: 'split' };
      const apiPort = Number(new URL(env.plane.server).port);
      const proxy = await BlackholeProxy.start(apiPort);
      const identityB = await provisionReplicaIdentity(
        env.admin,
        env.plane,
        env.plane.workDir,
        env.identity,
        'b',
      );
      const election = { leaderElect: true, leaseNamespace: env.identity.namespace };
      const aStartedAt = Date.now();
      const a = await env.startController('controller-a', {
        ...election,
        kubeconfig: kubeconfigVia(env.identity.kubeconfigPath, proxy.port, 'proxied'),
      });
      await waitFor('controller-a holds the lease', leaseHolder, (h) => h === 'controller-a', {
        timeoutMs: 30_000,
      });
      const b = await env.startController('controller-b', {
        ...election,
        kubeconfig: identityB.kubeconfigPath,
      });
      const steps = [
        { setWeight: 20 },
        { pause: { duration: 5 } },
        { setWeight: 40 },
        { pause: { duration: 5 } },
        { setWeight: 60 },
        { pause: { duration: 5 } },
        { setWeight: 80 },
        { pause: { duration: 5 } },
      ];
      await env.admin.createAll(subsetCanary({ ...app, replicas: 2, steps }).objects);
      await waitForApp(env.admin, app, 'healthy', healthyAt(1));
      await env.admin.setImage(ns, app.name, 'registry.example/split:2');
      await waitForApp(env.admin, app, 'canary at 20 %', (s) => s.weights['canary'] === 20);

      const blackholedAt = Date.now();
      proxy.blackhole();
      await waitFor('controller-b holds the lease', leaseHolder, (h) => h === 'controller-b', {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      const takeoverMs = Date.now() - blackholedAt;
      await sleep(Math.max(0, 30_000 - (Date.now() - blackholedAt)));
      proxy.restore();
      await waitForApp(env.admin, app, 'healthy at revision 2', healthyAt(2), 90_000);
      await sleep(1_000);
      await proxy.stop();

      const records = readAudit(env.plane.workDir);
      const byA = controllerWrites(records, env.identity.username).filter(
        (r) => r.namespace === ns && r.receivedAt >= aStartedAt && ofSplit(r.name),
      );
      const byB = controllerWrites(records, identityB.username).filter(
        (r) => r.namespace === ns && ofSplit(r.name),
      );
      const firstB = Math.min(...byB.map((r) => r.receivedAt));
      const lastA = Math.max(...byA.map((r) => r.at));
      const aAfterB = byA.filter((r) => r.at >= firstB);
      const aLog = a.logRecords();
      console.log(
        `blackhole: takeover after ${takeoverMs} ms; controller-a wrote ${byA.length} times, last ${new Date(lastA).toISOString()}; controller-b wrote ${byB.length} times, first ${new Date(firstB).toISOString()}; a's log: ${aLog.filter((r) => r['msg'] === 'leadership lost, shutting down').length ? 'leadership lost' : 'no loss logged'}`,
      );
      expect(byA.length).toBeGreaterThan(0);
      expect(byB.length).toBeGreaterThan(0);
      expect(
        aAfterB.map((r) => `${r.verb} ${r.resource} ${r.name} @${new Date(r.at).toISOString()}`),
      ).toEqual([]);
      expect(aLog.some((r) => r['msg'] === 'leadership lost, shutting down')).toBe(true);
      expect(takeoverMs).toBeLessThan(25_000);
      await Promise.all([a.stop(), b.stop()]);
    },
  );
});
