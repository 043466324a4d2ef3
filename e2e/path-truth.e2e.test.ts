/**
 * Path truth on the real control plane, with the controller as a separate process under the shipped RBAC: the
 * seed's broken demo (VirtualService bound only to the gateway, hosts ["*"], injected namespace) gets
 * TrafficPathsConsistent=False reason mesh-binding; with `truesplit.io/path-gate: enforce` the canary holds at its
 * setWeight step (weights applied, phase Paused naming the path) until the VirtualService is fixed, then completes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATH_GATE_ANNOTATION } from '../src/api/labels.ts';
import type { Rollout } from '../src/api/rollout.ts';
import {
  DEMO_CANARY_IMAGE,
  DEMO_GATEWAY,
  DEMO_NAMESPACE as ns,
  DEMO_ROLLOUT as name,
  DEMO_VIRTUAL_SERVICE,
  demoObjects,
} from '../src/sandbox/demo.ts';
import type { ControllerProcess } from './support/controller-process.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { runTruesplit } from './support/cli.ts';
import { READY_DELAY_ANNOTATION, routeWeights } from './support/fixtures.ts';
import { sleep, waitFor } from './support/wait-for.ts';

const FQDN = `${name}.${ns}.svc.cluster.local`;
const PATHS = 'TrafficPathsConsistent';
let env: E2eEnvironment;
let controller: ControllerProcess;

/** The demo with the gate enforced, timed pauses and a short scale-down delay so it can finish unattended. */
function demo(): object[] {
  return demoObjects().map(({ object }) => {
    if (object.kind !== 'Rollout') return object;
    const rollout = structuredClone(object) as Rollout;
    rollout.metadata.annotations = { [PATH_GATE_ANNOTATION]: 'enforce' };
    const template = rollout.spec.template!;
    template.metadata = { ...template.metadata, annotations: { [READY_DELAY_ANNOTATION]: '300' } };
    rollout.spec.strategy.canary = {
      ...rollout.spec.strategy.canary,
      scaleDownDelaySeconds: 2,
      steps: [{ setWeight: 10 }, { pause: { duration: 2 } }, { setWeight: 50 }, { pause: { duration: 1 } }],
    };
    return rollout;
  });
}

/** CLI output kept for people (CI artifacts): the `get rollout` trees of the broken and fixed setups. */
const ARTIFACTS = '.cache/e2e-artifacts';
async function keep(file: string, text: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(`${ARTIFACTS}/${file}`, text);
}

const truesplit = (argv: string[], signal?: AbortSignal) =>
  runTruesplit(env.plane.kubeconfigPath, ns, argv, signal);

function sample(metrics: string, metric: string, labels: Record<string, string>): number | undefined {
  for (const line of metrics.split('\n')) {
    const m = /^(\w+)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== metric) continue;
    const found = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}

interface DemoState {
  phase: string | undefined;
  message: string | undefined;
  stepIndex: number | undefined;
  pauses: string[];
  /** type → "status/reason" */
  conditions: Record<string, string>;
  conditionMessages: Record<string, string>;
  /** the demo VirtualService's route `primary`: subset → weight */
  weights: Record<string, number>;
  promoted: boolean;
}

async function observeDemo(): Promise<DemoState> {
  const status = (await env.admin.rollout(ns, name)).status ?? {};
  const conditions = status.conditions ?? [];
  return {
    phase: status.phase,
    message: status.message,
    stepIndex: status.currentStepIndex,
    pauses: (status.pauseConditions ?? []).map((p) => p.reason),
    conditions: Object.fromEntries(conditions.map((c) => [c.type, `${c.status}/${c.reason ?? ''}`])),
    conditionMessages: Object.fromEntries(conditions.map((c) => [c.type, c.message ?? ''])),
    weights: routeWeights(await env.admin.virtualService(ns, DEMO_VIRTUAL_SERVICE)),
    promoted: Boolean(status.stableRS) && status.stableRS === status.currentPodHash,
  };
}

function waitForDemo(what: string, done: (s: DemoState) => boolean, timeoutMs = 60_000): Promise<DemoState> {
  return waitFor(`${ns}/${name}: ${what}`, observeDemo, done, { timeoutMs });
}

beforeAll(async () => {
  env = await startEnvironment();
  controller = await env.startController('controller');
  await env.admin.createAll(demo() as { kind: string; metadata: { namespace?: string } }[]);
});

afterAll(async () => {
  await env?.stop();
});

describe('path truth on the broken demo', () => {
  it('revision 1 becomes Healthy with TrafficPathsConsistent=True (nothing to split yet)', async () => {
    const s = await waitForDemo(
      'revision 1 healthy',
      (s) => s.phase === 'Healthy' && s.conditions[PATHS] !== undefined,
    );
    expect(s.conditions[PATHS]).toBe('True/PathsFollowWeight');
  });

  it('the canary is held at setWeight 10: condition False mesh-binding, weights applied, phase Paused naming the path', async () => {
    await env.admin.setImage(ns, name, DEMO_CANARY_IMAGE);
    const s = await waitForDemo('held by the path gate', (s) => s.pauses.includes('PathGate'));
    expect(s.conditions[PATHS]).toBe('False/mesh-binding');
    expect(s.conditionMessages[PATHS]).toContain(
      `mesh from ${ns}: desired 10% canary, effective 50% (1 canary of 2 ready pods)`,
    );
    expect([s.phase, s.stepIndex]).toEqual(['Paused', 0]);
    expect(s.message).toMatch(
      /^PathGate: mesh from rollouts-demo-istio gets 50% canary, desired 10%.*mesh-binding/,
    );
    expect(s.weights).toEqual({ stable: 90, canary: 10 });
    const events = await env.admin.core.listNamespacedEvent({ namespace: ns });
    const changes = events.items.filter((e) => e.reason === 'TrafficPathsInconsistent');
    expect(changes.map((e) => [e.type, e.count])).toEqual([['Warning', 1]]);
    const metrics = await controller.metricsText();
    const labels = { namespace: ns, rollout: name };
    expect(sample(metrics, 'truesplit_path_desired_share', labels)).toBe(0.1);
    expect(sample(metrics, 'truesplit_path_canary_share', { ...labels, kind: 'mesh', from: ns })).toBe(0.5);
    expect(
      sample(metrics, 'truesplit_path_canary_share', {
        ...labels,
        kind: 'gateway',
        from: `${ns}/${DEMO_GATEWAY}`,
      }),
    ).toBe(0.1);
  });

  it('get rollout shows the held step, the diverging mesh paths and the fix', async () => {
    const run = await truesplit(['get', 'rollout', name]);
    await keep('get-rollout-broken.txt', run.stdout);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/Status:\s+॥ Paused/);
    expect(run.stdout).toMatch(/✖ mesh from rollouts-demo-istio\s+10%\s+50%\s+-\s+mesh-binding/);
    expect(run.stdout).toMatch(/✔ gateway rollouts-demo-istio\/istio-rollout-gateway\s+10%\s+10%/);
    expect(run.stdout).toContain('- mesh');
  });

  it('stays held while the divergence lasts', async () => {
    await sleep(4_000);
    const s = await observeDemo();
    expect([s.stepIndex, s.pauses, s.phase]).toEqual([0, ['PathGate'], 'Paused']);
  });

  it('continues by itself to completion once the VirtualService is bound to mesh with the Service FQDN', async () => {
    const stopWatching = new AbortController();
    const watching = truesplit(['get', 'rollout', name, '-w', '--timeout', '120s'], stopWatching.signal);
    await sleep(1_000);
    const vs = await env.admin.virtualService(ns, DEMO_VIRTUAL_SERVICE);
    await env.admin.replaceVirtualService({
      ...vs,
      spec: { ...vs.spec, gateways: [DEMO_GATEWAY, 'mesh'], hosts: [FQDN] },
    });
    // Healthy is written in the pass that promotes (traffic then 100 % on the canary subset, the new pods); the
    // weights return to the retargeted stable subset in a following traffic pass about a second later: wait for both.
    const s = await waitForDemo(
      'healthy at revision 2, all traffic on stable',
      (s) => s.phase === 'Healthy' && s.promoted && s.weights.stable === 100,
      90_000,
    );
    expect(s.conditions[PATHS]).toBe('True/PathsFollowWeight');
    expect(s.pauses).toEqual([]);
    expect(s.weights).toEqual({ stable: 100, canary: 0 });
    await sleep(1_500);
    stopWatching.abort();
    const watched = await watching;
    await keep('get-rollout-watch.txt', watched.stdout);
    expect(watched.code).toBe(0);
    const renders = watched.stdout.split(/^Name: +istio-rollout$/m).filter((r) => r.trim() !== '');
    expect(renders.length).toBeGreaterThanOrEqual(3);
    expect(renders[0]).toContain('mesh-binding');
    const fixedAtWeight = renders.find(
      (r) => /SetWeight:\s+(10|50)\b/.test(r) && !r.includes('mesh-binding'),
    );
    expect(fixedAtWeight, 'a render of the fixed setup mid-rollout').toBeDefined();
    await keep('get-rollout-fixed.txt', `Name:            istio-rollout${fixedAtWeight ?? ''}`);
    expect(renders.at(-1)).toMatch(/Status:\s+✔ Healthy/);
    const evaluations = sample(await controller.metricsText(), 'truesplit_path_evaluation_seconds_count', {});
    const seconds = sample(await controller.metricsText(), 'truesplit_path_evaluation_seconds_sum', {});
    console.log(
      `path evaluations: ${evaluations}, mean ${(((seconds ?? 0) / (evaluations ?? 1)) * 1000).toFixed(2)} ms`,
    );
    expect(evaluations).toBeGreaterThan(0);
  });
});
