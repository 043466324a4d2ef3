/**
 * The mutating CLI verbs on the real control plane, with the controller running as a process: each verb is run
 * in-process through `runCli` with a real kubeconfig (the same code path as `truesplit` in a terminal) and the test
 * asserts what changed on the Rollout, its ReplicaSets and the VirtualService once the controller has acted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRefs, AppState } from './support/app-state.ts';
import { isFullyPromoted, replicaSetOf, waitForApp } from './support/app-state.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { runTruesplit } from './support/cli.ts';
import { subsetCanary } from './support/fixtures.ts';

const ns = 'cli';
const app: AppRefs = { namespace: ns, name: 'checkout', destinationRule: 'checkout' };
const fixture = subsetCanary({
  ...app,
  replicas: 4,
  readyDelayMs: 300,
  image: 'registry.example/checkout:1',
  steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }],
});
let env: E2eEnvironment;

/** `truesplit ARGV -n cli --kubeconfig <admin>`, in-process, output captured. */
const truesplit = (...argv: string[]) => runTruesplit(env.plane.kubeconfigPath, ns, argv);

const waitApp = (what: string, done: (s: AppState) => boolean) =>
  waitForApp(env.admin, app, what, done, 90_000);
const image = (s: AppState) => s.rollout.spec.template?.spec?.containers?.[0]?.image;

beforeAll(async () => {
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  await env.startController('controller');
  await env.admin.createAll(fixture.objects);
  await waitApp('revision 1 healthy', (s) => s.phase === 'Healthy' && s.replicaSets[0]?.available === 4);
});

afterAll(async () => {
  await env?.stop();
});

describe('truesplit mutating verbs on a live Rollout', () => {
  let v1 = '';
  let v2 = '';

  it('set image: a new revision whose canary pauses at 25%', async () => {
    v1 = (await waitApp('stable recorded', (s) => s.stableHash !== undefined)).stableHash ?? '';
    const run = await truesplit('set', 'image', 'checkout', 'app=registry.example/checkout:2');
    expect(run).toEqual({ code: 0, stdout: 'rollout "checkout" image updated\n', stderr: '' });
    const s = await waitApp('paused at step 1', (s) => s.stepIndex === 1 && s.phase === 'Paused');
    v2 = s.currentHash ?? '';
    expect(image(s)).toBe('registry.example/checkout:2');
    expect(replicaSetOf(s, v2).revision).toBe(2);
    expect(s.weights).toEqual({ stable: 75, canary: 25 });
  });

  it('promote: the pause step ends and the next pause is reached at 50%', async () => {
    expect(await truesplit('promote', 'checkout')).toMatchObject({
      code: 0,
      stdout: "rollout 'checkout' promoted\n",
    });
    const s = await waitApp('paused at step 3', (s) => s.stepIndex === 3 && s.phase === 'Paused');
    expect(s.weights).toEqual({ stable: 50, canary: 50 });
    expect(s.pauses).toEqual(['CanaryPauseStep']);
  });

  it('pause then resume: spec.paused set and lifted, the step pause kept', async () => {
    expect((await truesplit('pause', 'checkout')).code).toBe(0);
    const paused = await waitApp('manually paused', (s) => s.rollout.spec.paused === true);
    expect([paused.stepIndex, paused.phase]).toEqual([3, 'Paused']);
    expect(await truesplit('resume', 'checkout')).toMatchObject({
      code: 0,
      stdout: "rollout 'checkout' resumed\n",
    });
    const resumed = await waitApp('resumed', (s) => s.rollout.spec.paused === false);
    expect([resumed.stepIndex, resumed.pauses]).toEqual([3, ['CanaryPauseStep']]);
  });

  it('abort: status.abort, all traffic back on stable, Degraded', async () => {
    expect(await truesplit('abort', 'checkout')).toMatchObject({
      code: 0,
      stdout: "rollout 'checkout' aborted\n",
    });
    const s = await waitApp('aborted', (s) => s.abort && s.phase === 'Degraded' && s.weights['canary'] === 0);
    expect(s.weights).toEqual({ stable: 100, canary: 0 });
    expect(s.stableHash).toBe(v1);
  });

  it('retry rollout: the update starts again from step 0 and pauses at 25%', async () => {
    expect(await truesplit('retry', 'rollout', 'checkout')).toMatchObject({
      code: 0,
      stdout: "rollout 'checkout' retried\n",
    });
    const s = await waitApp(
      'retried, paused at step 1',
      (s) => !s.abort && s.stepIndex === 1 && s.phase === 'Paused',
    );
    expect(s.weights).toEqual({ stable: 75, canary: 25 });
    expect(s.currentHash).toBe(v2);
  });

  it('promote --full: every remaining step skipped, revision 2 stable', async () => {
    const run = await truesplit('promote', 'checkout', '--full');
    expect(run).toMatchObject({ code: 0, stdout: "rollout 'checkout' fully promoted\n" });
    const s = await waitApp('fully promoted', (s) => isFullyPromoted(s) && s.stableHash === v2);
    expect(s.weights).toEqual({ stable: 100, canary: 0 });
    expect(s.subsets['stable']).toBe(v2);
    expect(s.stepIndex).toBe(4);
  });

  it('restart --in 1h: spec.restartAt one hour from now, in whole seconds', async () => {
    const before = Date.now();
    const run = await truesplit('restart', 'checkout', '--in', '1h');
    expect(run).toMatchObject({ code: 0, stdout: "rollout 'checkout' restarts in 1h\n" });
    const restartAt = (await env.admin.rollout(ns, 'checkout')).spec.restartAt ?? '';
    expect(restartAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const at = Date.parse(restartAt);
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3_600_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it('undo: the template of revision 1 comes back and its ReplicaSet is the canary again', async () => {
    const missing = await truesplit('undo', 'checkout', '--to-revision', '9');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Rollout cli/checkout: unable to find revision 9 in history');
    expect(await truesplit('undo', 'checkout')).toMatchObject({
      code: 0,
      stdout: "rollout 'checkout' undo\n",
    });
    const s = await waitApp('revision 1 template back', (s) => s.currentHash === v1);
    expect(image(s)).toBe('registry.example/checkout:1');
    expect(s.rollout.spec.template?.metadata?.labels).toEqual({ app: 'checkout' });
    expect(s.replicaSets.map((rs) => rs.hash).sort()).toEqual([v1, v2].sort());
  });

  it('a Rollout that does not exist: exit 1, named with its namespace', async () => {
    expect(await truesplit('pause', 'nope')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'truesplit pause: Rollout "nope" not found in namespace "cli"\n',
    });
  });
});
