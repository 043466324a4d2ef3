/**
 * Step analysis when things go wrong, on the real control plane with a real Prometheus:
 * (e) a template whose metric uses a provider truesplit does not implement (datadog) makes the Rollout InvalidSpec —
 *     condition and Warning event naming the template, the metric and the provider — and the update waits there: no
 *     step passes, no AnalysisRun, the VirtualService never leaves 100/0 until the template is fixed;
 * (g) the controller SIGKILLed while a run measures (count 5, interval 2 s) and restarted: still one run per revision,
 *     the count continues from status (the measurements taken before the kill kept, none repeated, 5 in all), and the
 *     Rollout advances when the run succeeds and aborts with Argo's message when the canary fails after the restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun, Measurement } from '../src/api/analysis.ts';
import type { VirtualService } from '../src/api/istio.ts';
import type { AppRefs, AppState } from './support/app-state.ts';
import { waitForApp } from './support/app-state.ts';
import {
  analysisRunsOf,
  analysisTemplate,
  type CanaryTraffic,
  errorRateMetric,
  healthyAt,
  replaceTemplateSpec,
  startCanaryTraffic,
  warningEvents,
} from './support/analysis.ts';
import type { ControllerProcess } from './support/controller-process.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { routeWeights, subsetCanary } from './support/fixtures.ts';
import { ObjectHistory, paths } from './support/history.ts';
import { prometheusBinary } from './support/prometheus.ts';
import { sleep, waitFor } from './support/wait-for.ts';

const ns = 'analysis-robust';
const HASH_LABEL = 'rollouts-pod-template-hash';
let env: E2eEnvironment;
let traffic: CanaryTraffic;
let controller: ControllerProcess;
let vsHistory: ObjectHistory<VirtualService>;

const binary = prometheusBinary();
if (!binary)
  console.log('analysis-robustness e2e skipped: no Prometheus binary (apt-get install prometheus)');

const runOf = async (app: string, hash: string | undefined): Promise<AnalysisRun[]> =>
  (await analysisRunsOf(env.admin, ns, app)).filter((r) => r.metadata.labels?.[HASH_LABEL] === hash);

const measurementsOf = (run: AnalysisRun | undefined): Measurement[] =>
  run?.status?.metricResults?.[0]?.measurements ?? [];

beforeAll(async () => {
  if (!binary) return;
  const started = Date.now();
  [traffic, env] = await Promise.all([startCanaryTraffic(), startEnvironment()]);
  await env.admin.createNamespace(ns);
  vsHistory = new ObjectHistory<VirtualService>(env.admin.kc, paths.virtualServices(ns));
  await vsHistory.start();
  controller = await env.startController('controller-1');
  console.log(`environment ready in ${Date.now() - started} ms`);
});

afterAll(async () => {
  vsHistory?.stop();
  await env?.stop();
  await traffic?.stop();
});

describe.skipIf(!binary)('(e) a template with a provider truesplit does not implement', () => {
  const app: AppRefs = { namespace: ns, name: 'orders', destinationRule: 'orders' };
  const steps = [
    { setWeight: 20 },
    { analysis: { templates: [{ templateName: 'gate' }] } },
    { setWeight: 60 },
  ];

  it('InvalidSpec names template, metric and provider; no step passes and the weights never move', async () => {
    await env.admin.createAll([analysisTemplate(ns, 'gate', [errorRateMetric(traffic.prometheus.url)])]);
    await env.admin.createAll(subsetCanary({ ...app, replicas: 2, steps }).objects);
    const healthy = await waitForApp(env.admin, app, 'revision 1 healthy', healthyAt(1));

    await replaceTemplateSpec(env.admin, ns, 'gate', {
      metrics: [{ name: 'error-rate', provider: { datadog: { query: 'sum:requests.errors{*}' } } }],
    });
    const expected = [
      "AnalysisTemplate 'gate' metric 'error-rate'",
      'spec.metrics[0].provider.datadog: provider datadog is not supported by truesplit',
    ];
    const invalid = (s: AppState) =>
      s.conditions['InvalidSpec'] === 'True/InvalidSpec' &&
      expected.every((text) => (s.conditionMessages['InvalidSpec'] ?? '').includes(text));
    await waitForApp(env.admin, app, 'InvalidSpec naming the datadog template', invalid, 30_000);
    await env.admin.setImage(ns, app.name, 'registry.example/orders:2');
    const held = await waitForApp(
      env.admin,
      app,
      'the new generation observed, still InvalidSpec',
      (s) => invalid(s) && s.rollout.status?.observedGeneration === String(s.rollout.metadata.generation),
      30_000,
    );
    expect(held.phase).toBe('Degraded');
    expect(held.message).toContain('provider datadog is not supported by truesplit');
    const events = await warningEvents(env.admin, ns, app.name, 'InvalidSpec');
    expect(events.some((m) => expected.every((text) => m.includes(text)))).toBe(true);
    // The update does not start while the spec is invalid: checked for a few reconciles' worth of time.
    for (let i = 0; i < 6; i++) {
      const s = await waitForApp(env.admin, app, 'still held', invalid, 5_000);
      expect(s.weights).toEqual({ stable: 100, canary: 0 });
      expect(s.stepIndex).toBe(healthy.stepIndex);
      expect(s.replicaSets.filter((r) => r.replicas > 0).map((r) => r.hash)).toEqual([healthy.stableHash]);
      expect(await analysisRunsOf(env.admin, ns, app.name)).toEqual([]);
      await sleep(500);
    }
    const fixedAt = Date.now();

    await replaceTemplateSpec(env.admin, ns, 'gate', { metrics: [errorRateMetric(traffic.prometheus.url)] });
    const done = await waitForApp(
      env.admin,
      app,
      'revision 2 healthy once the template is fixed',
      healthyAt(2),
    );
    expect(done.conditions['InvalidSpec']).toBeUndefined();
    const runs = await analysisRunsOf(env.admin, ns, app.name);
    expect(runs.map((r) => [r.metadata.labels?.[HASH_LABEL], r.status?.phase])).toEqual([
      [done.currentHash, 'Successful'],
    ]);
    const moved = vsHistory.of(app.name).filter((v) => (routeWeights(v.object)['canary'] ?? 0) > 0);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((v) => v.at >= fixedAt)).toBe(true);
  });
});

describe.skipIf(!binary)('(g) the controller SIGKILLed while a run is measuring', () => {
  const app: AppRefs = { namespace: ns, name: 'ledger', destinationRule: 'ledger' };
  const COUNT = 5;
  const steps = [
    { setWeight: 25 },
    { analysis: { templates: [{ templateName: 'steady' }] } },
    { setWeight: 75 },
  ];

  /** Sets the image, waits until the revision's run has taken 2 measurements, kills the controller. */
  async function killWhileMeasuring(revision: number): Promise<{ hash: string; before: Measurement[] }> {
    await env.admin.setImage(ns, app.name, `registry.example/ledger:${revision}`);
    const s = await waitForApp(
      env.admin,
      app,
      `revision ${revision} at its analysis step`,
      (s) => s.stepIndex === 1,
    );
    const hash = s.currentHash ?? '';
    const runs = await waitFor(
      `the run of revision ${revision} measuring (2 of ${COUNT} taken)`,
      () => runOf(app.name, hash),
      (runs) => (runs[0]?.status?.metricResults?.[0]?.count ?? 0) >= 2,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    await controller.crash();
    const [run] = await runOf(app.name, hash);
    const before = measurementsOf(run);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(COUNT);
    expect(runs).toHaveLength(1);
    return { hash, before };
  }

  /** The run is one, and its measurements continue those taken before the kill, one per interval. */
  async function assertContinued(hash: string, before: Measurement[], phase: string): Promise<Measurement[]> {
    const runs = await runOf(app.name, hash);
    expect(runs.map((r) => r.status?.phase)).toEqual([phase]);
    const after = measurementsOf(runs[0]);
    expect(after.slice(0, before.length).map((m) => [m.startedAt, m.phase])).toEqual(
      before.map((m) => [m.startedAt, m.phase]),
    );
    expect(runs[0]?.status?.metricResults?.[0]?.count).toBe(after.length);
    for (let i = 1; i < after.length; i++) {
      const gap = Date.parse(after[i]!.startedAt!) - Date.parse(after[i - 1]!.finishedAt!);
      expect(
        gap,
        `measurement ${i + 1} starts one interval (2 s, whole seconds) after ${i}`,
      ).toBeGreaterThanOrEqual(1_000);
    }
    return after;
  }

  it(
    'the count continues from status after a restart and the Rollout advances',
    { timeout: 150_000 },
    async () => {
      await env.admin.createAll([
        analysisTemplate(ns, 'steady', [
          errorRateMetric(traffic.prometheus.url, { count: COUNT, interval: '2s' }),
        ]),
      ]);
      await env.admin.createAll(subsetCanary({ ...app, replicas: 2, steps }).objects);
      await waitForApp(env.admin, app, 'revision 1 healthy', healthyAt(1));

      const { hash, before } = await killWhileMeasuring(2);
      await sleep(3_000); // down for longer than an interval: a measurement falls due while nobody measures
      expect(measurementsOf((await runOf(app.name, hash))[0])).toEqual(before);
      controller = await env.startController('controller-2');
      await waitForApp(env.admin, app, 'revision 2 healthy after the restart', healthyAt(2), 60_000);
      const after = await assertContinued(hash, before, 'Successful');
      expect(after.map((m) => m.phase)).toEqual(Array(COUNT).fill('Successful'));
      console.log(
        `(g) advance: killed after ${before.length} of ${COUNT} measurements; started at ${after.map((m) => m.startedAt).join(', ')}`,
      );
    },
  );

  it(
    "a canary failing after the restart aborts the update with Argo's message",
    { timeout: 150_000 },
    async () => {
      const { hash, before } = await killWhileMeasuring(3);
      await traffic.set('failing');
      controller = await env.startController('controller-3');
      const aborted = await waitForApp(
        env.admin,
        app,
        'revision 3 aborted by its failed analysis',
        (s) => s.abort && s.weights['canary'] === 0 && s.phase === 'Degraded',
        60_000,
      );
      // Argo's text: the condition's "Rollout aborted update to revision N: " and the run's message.
      expect(aborted.message).toMatch(
        /^RolloutAborted: Rollout aborted update to revision 3: .*Metric "error-rate" assessed Failed due to failed \(1\) > failureLimit \(0\)$/,
      );
      const after = await assertContinued(hash, before, 'Failed');
      expect(after.length).toBe(before.length + 1);
      expect(after.at(-1)?.phase).toBe('Failed');
      await traffic.set('healthy');
    },
  );
});
