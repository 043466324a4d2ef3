/**
 * `spec.restartAt` on a real control plane: the controller (shipped RBAC) evicts every pod created before restartAt
 * through the Eviction API, never more than `maxUnavailable` at a time, and a PodDisruptionBudget (KCM's disruption
 * controller, the API server's eviction check) holds it further; `status.restartedAt` records the restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTime } from '../src/util/time.js';
import type { AppRefs, AppState } from './support/app-state.ts';
import { waitForApp } from './support/app-state.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { hostCanary } from './support/fixtures.ts';
import { sleep, waitFor } from './support/wait-for.ts';

const ns = 'restart';
let env: E2eEnvironment;

interface PodView {
  name: string;
  ready: boolean;
}

async function pods(app: string): Promise<PodView[]> {
  const list = await env.admin.core.listNamespacedPod({ namespace: ns, labelSelector: `app=${app}` });
  return list.items.map((p) => ({
    name: p.metadata?.name ?? '',
    ready:
      !p.metadata?.deletionTimestamp &&
      (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  }));
}

const healthy = (s: AppState) => s.phase === 'Healthy' && s.stableHash === s.currentHash;

/** Restarts `app` and samples its pods every 100 ms until `status.restartedAt`; returns the fewest Ready seen. */
async function restartAndWatch(
  app: string,
  replicas: number,
): Promise<{ minReady: number; before: Set<string> }> {
  const before = new Set((await pods(app)).map((p) => p.name));
  expect(before.size).toBe(replicas);
  await sleep(1_100); // restartAt is in whole seconds: every pod is strictly older
  const restartAt = formatTime(Date.now());
  await env.admin.patchRolloutSpec(ns, app, { restartAt });
  let minReady = replicas;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      minReady = Math.min(minReady, (await pods(app)).filter((p) => p.ready).length);
      await sleep(100);
    }
  })();
  try {
    await waitFor(
      `${app} status.restartedAt ${restartAt}`,
      () => env.admin.rollout(ns, app),
      (r) => r.status?.restartedAt === restartAt,
      { timeoutMs: 120_000 },
    );
  } finally {
    done = true;
    await sampler;
  }
  return { minReady, before };
}

beforeAll(async () => {
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  await env.startController('controller-restart');
});

afterAll(async () => {
  await env?.stop();
});

describe('restartAt on a real control plane', () => {
  it.each([
    { app: 'one', replicas: 4, maxUnavailable: 1, pdbMinAvailable: undefined, floor: 3 },
    { app: 'pdb', replicas: 4, maxUnavailable: 2, pdbMinAvailable: 3, floor: 3 },
  ])(
    '$app: every pod replaced, never fewer than $floor Ready (maxUnavailable $maxUnavailable, PDB minAvailable $pdbMinAvailable)',
    { timeout: 240_000 },
    async ({ app, replicas, maxUnavailable, pdbMinAvailable, floor }) => {
      const refs: AppRefs = { namespace: ns, name: app, services: [`${app}-stable`, `${app}-canary`] };
      const fixture = hostCanary({
        ...refs,
        replicas,
        steps: [{ setWeight: 50 }],
        canary: { maxUnavailable },
      });
      await env.admin.createAll(fixture.objects);
      if (pdbMinAvailable !== undefined) {
        await env.admin.createAll([
          {
            apiVersion: 'policy/v1',
            kind: 'PodDisruptionBudget',
            metadata: { name: app, namespace: ns },
            spec: { minAvailable: pdbMinAvailable, selector: { matchLabels: { app } } },
          } as { kind: string; metadata: { namespace?: string } },
        ]);
      }
      await waitForApp(env.admin, refs, `${app} healthy`, healthy, 60_000);
      await waitFor(
        `${app} pods ready`,
        () => pods(app),
        (p) => p.filter((x) => x.ready).length === replicas,
      );
      const { minReady, before } = await restartAndWatch(app, replicas);
      const after = await waitFor(
        `${app} back to ${replicas} Ready pods`,
        () => pods(app),
        (p) => p.filter((x) => x.ready).length === replicas,
      );
      expect(after.map((p) => p.name).filter((name) => before.has(name))).toEqual([]);
      expect(minReady).toBeGreaterThanOrEqual(floor);
      const state = await waitForApp(env.admin, refs, `${app} still healthy`, healthy);
      expect(state.replicaSets).toHaveLength(1);
    },
  );
});
