/**
 * Crash safety: the controller is SIGKILLed at ≥ 10 random points of a rollout (seeded; the seed is printed, replay
 * with TRUESPLIT_E2E_SEED) and restarted each time. The rollout still completes, and a watcher that recorded every
 * VirtualService version proves no written version had a route not summing to 100 or a canary weight above the
 * current step's setWeight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualService } from '../src/api/istio.ts';
import type { Rollout } from '../src/api/rollout.ts';
import type { AppRefs, AppState } from './support/app-state.ts';
import { observeApp, waitForApp } from './support/app-state.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { routeWeights, subsetCanary } from './support/fixtures.ts';
import { ObjectHistory, paths } from './support/history.ts';
import { seededRandom, seedFromEnv } from './support/seeded-random.ts';
import { sleep } from './support/wait-for.ts';
import { weightViolations } from './support/weight-invariants.ts';

const ns = 'crash';
const app: AppRefs = { namespace: ns, name: 'ledger', destinationRule: 'ledger' };
const STEPS = [
  { setWeight: 20 },
  { pause: { duration: 4 } },
  { setWeight: 40 },
  { pause: { duration: 4 } },
  { setWeight: 60 },
  { pause: { duration: '3s' } },
  { setWeight: 80 },
  { pause: { duration: 3 } },
];
const MIN_KILLS = 10;
const seed = seedFromEnv();
const random = seededRandom(seed);

let env: E2eEnvironment;
let vsHistory: ObjectHistory<VirtualService>;
let rolloutHistory: ObjectHistory<Rollout>;

/** Completed, and for the spec as it is now (right after a new image the status still describes the previous one). */
const completed = (s: AppState) =>
  s.rollout.status?.observedGeneration === String(s.rollout.metadata.generation ?? 0) &&
  s.phase === 'Healthy' &&
  s.stableHash === s.currentHash &&
  s.stepIndex === STEPS.length &&
  s.weights['canary'] === 0;

beforeAll(async () => {
  console.log(`crash-safety seed: ${seed} (replay with TRUESPLIT_E2E_SEED=${seed})`);
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  vsHistory = new ObjectHistory<VirtualService>(env.admin.kc, paths.virtualServices(ns));
  rolloutHistory = new ObjectHistory<Rollout>(env.admin.kc, paths.rollouts(ns));
  await Promise.all([vsHistory.start(), rolloutHistory.start()]);
});

afterAll(async () => {
  vsHistory?.stop();
  rolloutHistory?.stop();
  await env?.stop();
});

describe(`crash safety (seed ${seed})`, () => {
  it('completes a rollout whose controller is SIGKILLed at random points', { timeout: 240_000 }, async () => {
    const first = await env.startController('controller-0');
    await env.admin.createAll(subsetCanary({ ...app, replicas: 3, readyDelayMs: 400, steps: STEPS }).objects);
    await waitForApp(env.admin, app, 'revision 1 healthy', completed);
    await first.crash();

    let revision = 2;
    await env.admin.setImage(ns, app.name, `registry.example/ledger:${revision}`);
    const kills: string[] = [];
    while (kills.length < MIN_KILLS) {
      // One kill in five lands during start-up (informers listing); the rest while reconciling.
      const duringStartup = random() < 0.2;
      const controller = await env.startController(`controller-${kills.length + 1}`, {
        waitReady: !duringStartup,
      });
      const uptimeMs = Math.round(duringStartup ? 50 + random() * 400 : random() * 1_500);
      await sleep(uptimeMs);
      await controller.crash();
      const s = await observeApp(env.admin, app);
      kills.push(
        `#${kills.length + 1} ${duringStartup ? 'starting' : 'ready'} +${uptimeMs} ms: rev ${revision} step ${s.stepIndex} ${s.phase} ${JSON.stringify(s.weights)}`,
      );
      if (completed(s)) await env.admin.setImage(ns, app.name, `registry.example/ledger:${++revision}`);
    }
    console.log(`crash-safety seed ${seed}, kills:\n  ${kills.join('\n  ')}`);

    await env.startController('controller-final');
    const done = await waitForApp(
      env.admin,
      app,
      `rollout of revision ${revision} completed (seed ${seed})`,
      completed,
      90_000,
    );
    expect(done.rollout.spec.template?.spec?.containers?.[0]?.image).toBe(
      `registry.example/ledger:${revision}`,
    );
    expect(done.weights).toEqual({ stable: 100, canary: 0 });
    await waitForApp(env.admin, app, `only the new stable keeps pods (seed ${seed})`, (s) =>
      s.replicaSets.every((r) => (r.hash === done.stableHash ? r.available === 3 : r.replicas === 0)),
    );
  });

  it('never wrote a VirtualService version that breaks the weight invariants', async () => {
    await sleep(500); // let the watchers drain
    expect(vsHistory.gaps + rolloutHistory.gaps, 'the watch history is complete').toBe(0);
    const versions = vsHistory.of(app.name);
    const distinct = versions
      .map((v) => routeWeights(v.object)['canary'])
      .filter((w, i, all) => i === 0 || w !== all[i - 1]);
    console.log(
      `crash-safety seed ${seed}: ${versions.length} VirtualService versions, canary weights ${distinct.join(' → ')}`,
    );
    expect(distinct).toEqual(expect.arrayContaining([20, 40, 60, 80, 100]));
    expect(weightViolations(versions, rolloutHistory.of(app.name)), `seed ${seed}`).toEqual([]);
  });
});
