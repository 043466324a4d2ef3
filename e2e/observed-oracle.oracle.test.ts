/**
 * OBSERVED on the real control plane, measured from traffic that follows Istio's own routes (ADR 0271): the seed
 * (VirtualService bound only to the gateway, hosts ["*"], one canary and one stable pod, the Rollout paused at
 * setWeight 10) with the controller running in its default configuration (no Prometheus). The callers' requests go
 * where Istio's config generation (the oracle) sends them and are counted in `istio_requests_total` with Istio's
 * labels; a real Prometheus scrapes them. `truesplit get rollout --prometheus` and `analyze --live --prometheus`
 * show in-mesh ≈ 50 % and gateway ≈ 10 % before the fix, in-mesh ≈ 10 % once the VirtualService is also bound to
 * `mesh` with the Service FQDN.
 *
 * Runs in `npm run test:oracle` (after `npm run oracle:build`), which needs the control plane binaries and
 * Prometheus as the e2e suite does; without the oracle or Prometheus it skips with a message, except under CI.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutView } from '../src/view/rollout-view.ts';
import type { AnalyzeReport } from '../src/cli/analyze-report.ts';
import {
  DEMO_CANARY_IMAGE,
  DEMO_GATEWAY,
  DEMO_NAMESPACE as ns,
  DEMO_PLAIN_NAMESPACE,
  DEMO_ROLLOUT as name,
} from '../src/sandbox/demo.ts';
import { runTruesplit } from './support/cli.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import type { FollowedCaller } from './support/oracle-traffic.ts';
import {
  ARTIFACTS,
  bindSeedToMesh,
  expectNear,
  followSeedTraffic,
  missingForOracle,
  SEED_FQDN,
  seedAnnotated,
  seedCallers,
  startSeedTelemetry,
  type SeedTelemetry,
  type SeedTraffic,
} from './support/seed-oracle-traffic.ts';
import { sleep, waitFor } from './support/wait-for.ts';

const WINDOW = '10s';
/** The window plus a few scrapes: then the window holds only requests sent on the current routes. */
const SETTLE_MS = 14_000;
/** Percentage points: ~2,000 requests per path in the window, one-request rounding, increase()'s extrapolation. */
const TOLERANCE_PP = 2.5;

const missing = missingForOracle('observed-oracle');

/** Who calls: the gateway and a sidecar (`seedCallers`), and a pod without a sidecar in the legacy namespace. */
const CALLERS: FollowedCaller[] = [
  ...seedCallers(20),
  {
    path: 'plain',
    caller: { kind: 'plain', namespace: DEMO_PLAIN_NAMESPACE },
    host: SEED_FQDN,
    port: 80,
    requestsPerTick: 10,
  },
];

let env: E2eEnvironment;
let telemetry: SeedTelemetry;
let traffic: SeedTraffic | undefined;

const truesplit = (argv: string[]) => runTruesplit(env.plane.kubeconfigPath, ns, argv);

async function observedNow(label: string): Promise<Record<string, number | null | undefined>> {
  const text = await truesplit(['get', 'rollout', name, '--prometheus', telemetry.prometheus.url]);
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(`${ARTIFACTS}/get-rollout-observed-${label}.txt`, text.stdout);
  console.log(text.stdout.slice(text.stdout.indexOf('Traffic paths')).split('\n\n')[0]);
  expect([text.code, text.stderr]).toEqual([0, '']);
  const json = await truesplit([
    'get',
    'rollout',
    name,
    '-o',
    'json',
    '--prometheus',
    telemetry.prometheus.url,
  ]);
  const view = JSON.parse(json.stdout) as RolloutView;
  return Object.fromEntries(view.paths.map((p) => [p.id, p.observed?.share]));
}

async function analyzedNow(): Promise<Record<string, number | null | undefined>> {
  const run = await truesplit([
    'analyze',
    '--live',
    '-o',
    'json',
    '--fail-on',
    'never',
    '--prometheus',
    telemetry.prometheus.url,
  ]);
  expect(run.code).toBe(0);
  const live = (JSON.parse(run.stdout) as AnalyzeReport).rollouts[0]?.live;
  expect(live?.observedFrom).toBe(telemetry.prometheus.url);
  return Object.fromEntries((live?.paths ?? []).map((p) => [`${p.kind}:${p.from}`, p.observed?.share]));
}

describe.skipIf(missing.length > 0)('observed shares from traffic that follows Istio’s own routes', () => {
  beforeAll(async () => {
    env = await startEnvironment();
    telemetry = await startSeedTelemetry();
    await env.startController('controller');
    await env.admin.createAll(seedAnnotated({ 'truesplit.io/observed-window': WINDOW }));
    await waitFor(
      'revision 1 healthy',
      () => env.admin.rollout(ns, name),
      (r) => r.status?.phase === 'Healthy',
      { timeoutMs: 90_000 },
    );
    await env.admin.setImage(ns, name, DEMO_CANARY_IMAGE);
    const paused = await waitFor(
      'paused at setWeight 10 with one ready canary and one ready stable pod',
      () => env.admin.rollout(ns, name),
      (r) =>
        r.status?.phase === 'Paused' &&
        r.status.currentStepIndex === 1 &&
        r.status.currentPodHash !== r.status.stableRS &&
        r.status.readyReplicas === 2,
      { timeoutMs: 90_000 },
    );
    traffic = followSeedTraffic({
      env,
      endpoint: telemetry.endpoint,
      revisions: { canary: paused.status?.currentPodHash, stable: paused.status?.stableRS },
      callers: CALLERS,
      namespaces: [ns, DEMO_PLAIN_NAMESPACE],
    });
  });

  afterAll(async () => {
    await traffic?.stop();
    await telemetry?.stop();
    await env?.stop();
  });

  it('before the fix: Istio gives the sidecar caller 50 % and the gateway 10 %, and OBSERVED shows it', async () => {
    const shares = await traffic!.following.waitFor(
      'the oracle answered',
      (s) => s.mesh !== undefined,
      120_000,
    );
    expect(shares).toEqual({ gateway: 0.1, mesh: 0.5, plain: 0.5 });
    await sleep(SETTLE_MS);
    const observed = await observedNow('before-fix');
    expectNear(observed[`mesh:${ns}`], 50, TOLERANCE_PP);
    expectNear(observed[`gateway:${ns}/${DEMO_GATEWAY}`], 10, TOLERANCE_PP);
    expectNear(observed[`plain:${DEMO_PLAIN_NAMESPACE}`], 50, TOLERANCE_PP);
    const analyzed = await analyzedNow();
    expect(analyzed[`mesh:${ns}`]).toBeCloseTo((observed[`mesh:${ns}`] as number) / 100, 1);
    expect(Math.abs((analyzed[`gateway:${ns}/${DEMO_GATEWAY}`] as number) - 0.1)).toBeLessThan(
      TOLERANCE_PP / 100,
    );
  });

  it('after binding the VirtualService to mesh with the Service FQDN: in-mesh 10 %', async () => {
    await bindSeedToMesh(env);
    const shares = await traffic!.following.waitFor(
      'Istio routes in-mesh callers by weight',
      (s) => s.mesh === 0.1,
      60_000,
    );
    expect(shares.gateway).toBe(0.1);
    await sleep(SETTLE_MS);
    const observed = await observedNow('after-fix');
    expectNear(observed[`mesh:${ns}`], 10, TOLERANCE_PP);
    expectNear(observed[`gateway:${ns}/${DEMO_GATEWAY}`], 10, TOLERANCE_PP);
    const analyzed = await analyzedNow();
    expect(Math.abs((analyzed[`mesh:${ns}`] as number) - 0.1)).toBeLessThan(TOLERANCE_PP / 100);
  });
});
