/**
 * A subset-level Istio canary through every step on the real control plane, with the controller running as a
 * separate process under the shipped RBAC. At each step: VirtualService weights, DestinationRule subset labels,
 * ReplicaSet scales, Rollout phase, step index and conditions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualService } from '../src/api/istio.ts';
import type { AppRefs } from './support/app-state.ts';
import { replicaSetOf, waitForApp } from './support/app-state.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { routeWeights, subsetCanary } from './support/fixtures.ts';
import { ObjectHistory, paths } from './support/history.ts';

const ns = 'subset';
const app: AppRefs = { namespace: ns, name: 'checkout', destinationRule: 'checkout' };
const fixture = subsetCanary({
  ...app,
  replicas: 4,
  readyDelayMs: 300,
  steps: [
    { setWeight: 25 },
    { pause: {} },
    { setWeight: 50 },
    { pause: { duration: '2s' } },
    { setWeight: 75 },
    { pause: { duration: 1 } },
  ],
});
let env: E2eEnvironment;
let vsHistory: ObjectHistory<VirtualService>;

beforeAll(async () => {
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  vsHistory = new ObjectHistory<VirtualService>(env.admin.kc, paths.virtualServices(ns));
  await vsHistory.start();
  await env.startController('controller');
  await env.admin.createAll(fixture.objects);
});

afterAll(async () => {
  vsHistory?.stop();
  await env?.stop();
});

describe('subset-level Istio canary', () => {
  it('makes the first revision stable without steps', async () => {
    const s = await waitForApp(
      env.admin,
      app,
      'revision 1 healthy',
      (s) => s.phase === 'Healthy' && s.replicaSets[0]?.available === 4,
    );
    expect(s.replicaSets).toHaveLength(1);
    expect(s.stableHash).toBe(s.replicaSets[0]!.hash);
    expect(s.stepIndex).toBe(6);
    expect(s.weights).toEqual({ stable: 100, canary: 0 });
    expect(s.subsets['stable']).toBe(s.stableHash);
  });

  it('step 0-1: setWeight 25 scales the canary to 1 pod, moves 25% and pauses', async () => {
    await env.admin.setImage(ns, app.name, 'registry.example/checkout:2');
    const s = await waitForApp(
      env.admin,
      app,
      'paused at step 1',
      (s) => s.stepIndex === 1 && s.phase === 'Paused',
    );
    const stable = replicaSetOf(s, s.stableHash);
    const canary = replicaSetOf(s, s.currentHash);
    expect(canary.hash).not.toBe(stable.hash);
    expect([stable.replicas, stable.available]).toEqual([4, 4]);
    expect([canary.replicas, canary.available]).toEqual([1, 1]);
    expect(s.weights).toEqual({ stable: 75, canary: 25 });
    expect(s.subsets).toEqual({ stable: stable.hash, canary: canary.hash, legacy: undefined });
    expect(s.pauses).toEqual(['CanaryPauseStep']);
    expect(s.message).toBe('CanaryPauseStep');
    expect(s.conditions).toMatchObject({
      Paused: 'True/RolloutPaused',
      Progressing: 'Unknown/RolloutPaused',
      Completed: 'False/RolloutCompleted',
    });
    expect(s.rollout.status?.canary?.weights).toMatchObject({
      canary: { weight: 25, podTemplateHash: canary.hash },
      stable: { weight: 75, podTemplateHash: stable.hash },
    });
  });

  it('step 2-3: promote, setWeight 50 with 2 canary pods, then a timed pause', async () => {
    await env.admin.promote(ns, app.name);
    const s = await waitForApp(
      env.admin,
      app,
      'paused at step 3',
      (s) => s.stepIndex === 3 && s.pauses.length === 1,
    );
    expect(replicaSetOf(s, s.currentHash)).toMatchObject({ replicas: 2, available: 2 });
    expect(replicaSetOf(s, s.stableHash)).toMatchObject({ replicas: 4, available: 4 });
    expect(s.weights).toEqual({ stable: 50, canary: 50 });
    expect(s.phase).toBe('Paused');
    expect(s.rollout.spec.paused ?? false).toBe(false);
  });

  it('step 4-5: the timed pause expires by itself; setWeight 75 with 3 canary pods', async () => {
    const s = await waitForApp(env.admin, app, 'step 5', (s) => s.stepIndex === 5, 30_000);
    expect(replicaSetOf(s, s.currentHash)).toMatchObject({ replicas: 3, available: 3 });
    expect(s.weights).toEqual({ stable: 25, canary: 75 });
  });

  it('completes: canary becomes stable, weights back to 100/0, old ReplicaSet scaled down after the delay', async () => {
    const s = await waitForApp(
      env.admin,
      app,
      'healthy at revision 2 with the old ReplicaSet at 0 and its pods gone',
      // Phase Healthy comes first (with traffic routing, old pods pending termination do not hold the phase);
      // the Healthy condition follows once status.replicas no longer counts them, as in Argo.
      (s) =>
        s.phase === 'Healthy' &&
        s.stableHash === s.currentHash &&
        s.replicaSets[0]?.replicas === 0 &&
        s.conditions['Healthy'] === 'True/RolloutHealthy',
      60_000,
    );
    expect(s.stepIndex).toBe(6);
    expect(s.replicaSets.map((r) => [r.revision, r.replicas])).toEqual([
      [1, 0],
      [2, 4],
    ]);
    expect(s.weights).toEqual({ stable: 100, canary: 0 });
    expect(s.subsets).toEqual({ stable: s.stableHash, canary: s.stableHash, legacy: undefined });
    expect(s.conditions).toMatchObject({
      Available: 'True/AvailableReason',
      Completed: 'True/RolloutCompleted',
      Healthy: 'True/RolloutHealthy',
      Progressing: 'True/NewReplicaSetAvailable',
    });
    expect(s.pauses).toEqual([]);
  });

  it('wrote the weights in step order, each version summing to 100, user routes and fields intact', () => {
    const written = vsHistory.of(app.name).map((v) => routeWeights(v.object));
    const canaryWeights = written.map((w) => w['canary']).filter((w, i, all) => i === 0 || w !== all[i - 1]);
    expect(canaryWeights).toEqual([0, 25, 50, 75, 100, 0]);
    for (const w of written) expect((w['canary'] ?? 0) + (w['stable'] ?? 0)).toBe(100);
    const last = vsHistory.of(app.name).at(-1)!.object;
    const original = fixture.objects.find((o) => o.kind === 'VirtualService') as VirtualService;
    expect(last.spec.http?.[0]).toEqual(original.spec.http?.[0]);
    expect(last.spec.http?.[1]).toMatchObject({
      retries: { attempts: 3, perTryTimeout: '2s' },
      timeout: '10s',
    });
    expect(last.metadata.labels).toEqual({ team: 'payments' });
  });
});
