/**
 * `workloadRef` on a real control plane: a Deployment (pods made by kube-controller-manager) migrated to a Rollout
 * with `scaleDown: progressively` — the Rollout reads the Deployment's template, the Deployment gives way as the
 * Rollout's pods become available, and at no moment are fewer pods Ready than the Deployment had; then a change to
 * the Deployment's template is a new revision of the Rollout. A ReplicaSet made by hand is read the same way, and is
 * never adopted or scaled (ADR 0221).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRefs, AppState } from './support/app-state.ts';
import { waitForApp } from './support/app-state.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { hostCanary } from './support/fixtures.ts';
import { sleep, waitFor } from './support/wait-for.ts';

const ns = 'migrate';
const app = 'legacy';
const REPLICAS = 4;
let env: E2eEnvironment;

async function readyPods(): Promise<number> {
  const list = await env.admin.core.listNamespacedPod({ namespace: ns, labelSelector: `app=${app}` });
  return list.items.filter(
    (p) =>
      !p.metadata?.deletionTimestamp &&
      (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  ).length;
}

const deploymentReplicas = async () =>
  (await env.admin.apps.readNamespacedDeployment({ namespace: ns, name: app })).spec?.replicas;

beforeAll(async () => {
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  await env.startController('controller-workload-ref');
});

afterAll(async () => {
  await env?.stop();
});

describe('workloadRef on a real control plane', () => {
  it(
    'a Deployment migrated with scaleDown: progressively never has fewer Ready pods than it had',
    { timeout: 240_000 },
    async () => {
      const refs: AppRefs = { namespace: ns, name: app, services: [`${app}-stable`, `${app}-canary`] };
      const fixture = hostCanary({ ...refs, replicas: REPLICAS, steps: [{ setWeight: 50 }, { pause: {} }] });
      const template = fixture.rollout.spec.template!;
      await env.admin.createAll([
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: app, namespace: ns },
          spec: { replicas: REPLICAS, selector: { matchLabels: { app } }, template },
        } as { kind: string; metadata: { namespace?: string } },
      ]);
      await waitFor('the Deployment Ready', readyPods, (n) => n === REPLICAS);

      const rollout = fixture.rollout;
      delete rollout.spec.template;
      delete rollout.spec.selector;
      rollout.spec.workloadRef = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: app,
        scaleDown: 'progressively',
      };
      let minReady = REPLICAS;
      let done = false;
      const sampler = (async () => {
        while (!done) {
          minReady = Math.min(minReady, await readyPods());
          await sleep(100);
        }
      })();
      try {
        await env.admin.createAll(fixture.objects);
        await waitForApp(
          env.admin,
          refs,
          'the Rollout Healthy',
          (s: AppState) => s.phase === 'Healthy',
          90_000,
        );
        await waitFor('the Deployment scaled to 0', deploymentReplicas, (n) => n === 0, {
          timeoutMs: 60_000,
        });
        await waitFor('only the Rollout pods Ready', readyPods, (n) => n === REPLICAS);
      } finally {
        done = true;
        await sampler;
      }
      expect(minReady).toBeGreaterThanOrEqual(REPLICAS);
      const healthy = await env.admin.rollout(ns, app);
      expect(healthy.status?.workloadObservedGeneration).toBeDefined();

      await env.admin.apps.patchNamespacedDeployment({
        namespace: ns,
        name: app,
        body: [
          {
            op: 'replace',
            path: '/spec/template/spec/containers/0/image',
            value: `registry.example/${app}:2`,
          },
        ],
      });
      const updating = await waitForApp(
        env.admin,
        refs,
        'a canary of the new Deployment template, paused at its step',
        (s) => s.replicaSets.length === 2 && s.stepIndex === 1 && s.pauses.length > 0,
        60_000,
      );
      expect(updating.stableHash).not.toBe(updating.currentHash);
      expect(await deploymentReplicas()).toBe(0);
    },
  );

  it(
    "a ReplicaSet reference: its template is the Rollout's, it is never adopted or scaled",
    { timeout: 240_000 },
    async () => {
      const name = 'handmade';
      const refs: AppRefs = { namespace: ns, name, services: [`${name}-stable`, `${name}-canary`] };
      const fixture = hostCanary({ ...refs, replicas: 2, steps: [{ setWeight: 50 }, { pause: {} }] });
      const template = fixture.rollout.spec.template!;
      await env.admin.createAll([
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: { name, namespace: ns, labels: { app: name } },
          spec: { replicas: 2, selector: { matchLabels: { app: name } }, template },
        } as { kind: string; metadata: { namespace?: string } },
      ]);
      const rollout = fixture.rollout;
      delete rollout.spec.template;
      delete rollout.spec.selector;
      rollout.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name };
      await env.admin.createAll(fixture.objects);
      const healthy = await waitForApp(
        env.admin,
        refs,
        'the Rollout Healthy',
        (s) => s.phase === 'Healthy',
        90_000,
      );
      expect(healthy.replicaSets.map((rs) => [rs.name, rs.replicas])).toEqual([
        [`${name}-${healthy.stableHash ?? ''}`, 2],
      ]);
      const handmade = async () => await env.admin.apps.readNamespacedReplicaSet({ namespace: ns, name });
      expect([(await handmade()).spec?.replicas, (await handmade()).metadata?.ownerReferences ?? []]).toEqual(
        [2, []],
      );

      await env.admin.apps.patchNamespacedReplicaSet({
        namespace: ns,
        name,
        body: [
          {
            op: 'replace',
            path: '/spec/template/spec/containers/0/image',
            value: `registry.example/${name}:2`,
          },
        ],
      });
      const updating = await waitForApp(
        env.admin,
        refs,
        'a canary of the new ReplicaSet template, paused at its step',
        (s) => s.replicaSets.length === 2 && s.stepIndex === 1 && s.pauses.length > 0,
        60_000,
      );
      expect(updating.stableHash).not.toBe(updating.currentHash);
      expect((await handmade()).spec?.replicas).toBe(2);
    },
  );
});
