/**
 * `revisionHistoryLimit` and `rollbackWindow` on the real control plane, with the controller as a process (shipped
 * RBAC). Every version of the ReplicaSets and Rollouts is recorded by a watch, so the assertions cover what happened
 * in between, not only where it ended: which ReplicaSets were deleted and in what state, and whether a rollback ever
 * paused or walked a step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rollout } from '../src/api/rollout.ts';
import type { ReplicaSet } from '../src/api/workloads.ts';
import type { AppRefs, AppState } from './support/app-state.ts';
import { replicaSetOf, waitForApp } from './support/app-state.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { subsetCanary } from './support/fixtures.ts';
import { ObjectHistory, paths } from './support/history.ts';
import { sleep } from './support/wait-for.ts';

const ns = 'history';
const STEPS = [{ setWeight: 50 }, { pause: {} }];
let env: E2eEnvironment;
let rsHistory: ObjectHistory<ReplicaSet>;
let rolloutHistory: ObjectHistory<Rollout>;

const refs = (name: string): AppRefs => ({ namespace: ns, name, destinationRule: name });
const image = (name: string, version: number) => `registry.example/${name}:${version}`;
const fullyPromoted = (s: AppState) =>
  s.phase === 'Healthy' && s.stableHash !== undefined && s.stableHash === s.currentHash;
const pausedAtStep1 = (s: AppState) => s.stepIndex === 1 && s.phase === 'Paused';

async function deploy(name: string, rollout: Partial<Rollout['spec']>): Promise<AppState> {
  const fixture = subsetCanary({ namespace: ns, name, replicas: 2, steps: STEPS, image: image(name, 1) });
  Object.assign(fixture.rollout.spec, rollout);
  await env.admin.createAll(fixture.objects);
  return waitForApp(env.admin, refs(name), 'revision 1 healthy', fullyPromoted, 90_000);
}

/** A new image, walked to the pause at step 1, then promoted to the end. */
async function update(name: string, version: number): Promise<AppState> {
  await env.admin.setImage(ns, name, image(name, version));
  await waitForApp(env.admin, refs(name), `v${version} paused at step 1`, pausedAtStep1, 90_000);
  await env.admin.promote(ns, name);
  return waitForApp(env.admin, refs(name), `v${version} fully promoted`, fullyPromoted, 90_000);
}

beforeAll(async () => {
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  rsHistory = new ObjectHistory<ReplicaSet>(env.admin.kc, paths.replicaSets(ns));
  rolloutHistory = new ObjectHistory<Rollout>(env.admin.kc, paths.rollouts(ns));
  await rsHistory.start();
  await rolloutHistory.start();
  await env.startController('controller-history');
});

afterAll(async () => {
  rsHistory?.stop();
  rolloutHistory?.stop();
  await env?.stop();
});

describe('revisionHistoryLimit on a real control plane', () => {
  it(
    'limit 1, four updates: one old scaled-down ReplicaSet is kept, the stable and current never deleted',
    { timeout: 600_000 },
    async () => {
      const name = 'limited';
      const first = await deploy(name, { revisionHistoryLimit: 1 });
      const hashes = [first.currentHash];
      for (const version of [2, 3, 4, 5]) {
        await env.admin.setImage(ns, name, image(name, version));
        const paused = await waitForApp(env.admin, refs(name), `v${version} paused`, pausedAtStep1, 90_000);
        // While the canary runs: its ReplicaSet, the stable one, and at most one older one.
        expect(replicaSetOf(paused, paused.stableHash).replicas).toBeGreaterThan(0);
        expect(replicaSetOf(paused, paused.currentHash).replicas).toBeGreaterThan(0);
        expect(paused.replicaSets.length).toBeLessThanOrEqual(3);
        await env.admin.promote(ns, name);
        const done = await waitForApp(
          env.admin,
          refs(name),
          `v${version} promoted, history cleaned to one old ReplicaSet`,
          (s) =>
            fullyPromoted(s) &&
            s.replicaSets.length === 2 &&
            s.replicaSets.every((r) => r.hash === s.currentHash || r.replicas === 0),
          120_000,
        );
        hashes.push(done.currentHash);
      }
      const final = await waitForApp(env.admin, refs(name), 'final state', fullyPromoted);
      expect(final.replicaSets.map((r) => [r.hash, r.replicas])).toEqual([
        [hashes[3], 0],
        [hashes[4], 2],
      ]);
      const deleted = rsHistory.versions.filter(
        (v) => v.type === 'DELETED' && v.object.metadata.ownerReferences?.some((o) => o.name === name),
      );
      // Exactly the three oldest revisions went, each already scaled to zero when deleted.
      expect(deleted.map((v) => v.object.metadata.labels?.['rollouts-pod-template-hash']).sort()).toEqual(
        hashes.slice(0, 3).sort(),
      );
      for (const v of deleted)
        expect([v.object.spec.replicas, v.object.status?.replicas ?? 0]).toEqual([0, 0]);
      expect(rsHistory.gaps).toBe(0);
    },
  );
});

/** Every recorded version of the Rollout `name` written after `since` for the revision of `hash`. */
function versionsFor(name: string, since: number, hash: string | undefined): Rollout[] {
  return rolloutHistory
    .of(name)
    .filter((v) => v.at >= since && v.object.status?.currentPodHash === hash)
    .map((v) => v.object);
}

/**
 * ReplicaSet creation times are whole seconds, and a rollback is told from a forward update by them (Argo's
 * isRollbackWithinWindow: created strictly before the stable one): revision 2 must be created in a later second than
 * revision 1, which a fast machine can otherwise promote within one second.
 */
async function untilNextSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 50);
}

async function eventsOf(name: string, reason: string): Promise<string[]> {
  const list = await env.admin.core.listNamespacedEvent({ namespace: ns });
  return list.items
    .filter((e) => e.involvedObject.name === name && e.reason === reason)
    .map((e) => e.message ?? '');
}

describe('rollbackWindow on a real control plane', () => {
  it.each([
    { name: 'window', rollbackWindow: { revisions: 3 }, skips: true },
    { name: 'nowindow', rollbackWindow: undefined, skips: false },
  ])(
    '$name: back to revision 1 after revision 2 — steps skipped: $skips',
    { timeout: 400_000 },
    async ({ name, rollbackWindow, skips }) => {
      const v1 = (await deploy(name, rollbackWindow ? { rollbackWindow } : {})).currentHash;
      await untilNextSecond();
      const v2 = (await update(name, 2)).currentHash;
      expect(v2).not.toBe(v1);
      const since = Date.now();
      await env.admin.setImage(ns, name, image(name, 1));
      if (!skips) {
        // Outside a window the rollback is a new update: it walks to the pause like any other.
        const paused = await waitForApp(
          env.admin,
          refs(name),
          'rollback paused at step 1',
          pausedAtStep1,
          90_000,
        );
        expect(paused.currentHash).toBe(v1);
        expect(await eventsOf(name, 'SkipSteps')).toEqual([]);
        return;
      }
      // The end of the steps as after any full promotion: the new pods are the stable subset, all traffic there.
      await waitForApp(
        env.admin,
        refs(name),
        'rolled back to revision 1, traffic on its pods',
        (s) =>
          fullyPromoted(s) &&
          s.currentHash === v1 &&
          s.weights['stable'] === 100 &&
          s.subsets['stable'] === v1,
        90_000,
      );
      const seen = versionsFor(name, since, v1);
      expect(seen.length).toBeGreaterThan(0);
      // No pause and no step walked: every recorded status of the rollback is already past the last step.
      expect(seen.flatMap((r) => r.status?.pauseConditions ?? [])).toEqual([]);
      expect([...new Set(seen.map((r) => r.status?.currentStepIndex))]).toEqual([STEPS.length]);
      expect(await eventsOf(name, 'SkipSteps')).toContain(
        'Rollback within the rollbackWindow: steps skipped',
      );
      expect(rolloutHistory.gaps).toBe(0);
    },
  );
});
