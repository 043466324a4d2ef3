/**
 * (f) Step analysis with the official Argo Rollouts analysis CRDs (AnalysisTemplate, ClusterAnalysisTemplate,
 * AnalysisRun from Argo's `manifests/crds` at the commit in test/fixtures/argo-rollouts/README.md) installed instead
 * of truesplit's, against a real Prometheus: a run merged from a namespaced and a cluster template passes and the
 * Rollout advances; a failing canary aborts it with Argo's message; the measurements survive Argo's schema.
 *
 * Argo's AnalysisTemplate CRD defines a fixed set of provider keys, so the API server prunes truesplit's own
 * `provider.truesplit` (ADR 0134): a strict client (kubectl's default) is refused, any other gets an empty provider.
 * That is never silent in truesplit: a Rollout referencing such a template is InvalidSpec, and an AnalysisRun with
 * such a metric ends in Error, both saying that the provider key was most likely pruned by the installed CRD.
 */
import { resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun, AnalysisTemplate, Metric } from '../src/api/analysis.ts';
import { NO_PROVIDER_MESSAGE } from '../src/analysis/supported-providers.ts';
import { REPO_ROOT } from './cluster/control-plane.ts';
import type { AppRefs } from './support/app-state.ts';
import { waitForApp } from './support/app-state.ts';
import {
  analysisRunsOf,
  analysisTemplate,
  type CanaryTraffic,
  errorRateMetric,
  healthyAt,
  startCanaryTraffic,
  warningEvents,
} from './support/analysis.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { subsetCanary } from './support/fixtures.ts';
import { prometheusBinary } from './support/prometheus.ts';
import { waitFor } from './support/wait-for.ts';

const ns = 'analysis-argo-crds';
const HASH_LABEL = 'rollouts-pod-template-hash';
const ANALYSIS = { group: 'argoproj.io', version: 'v1alpha1' } as const;
let env: E2eEnvironment;
let traffic: CanaryTraffic;

const binary = prometheusBinary();
if (!binary) console.log('analysis-argo-crds e2e skipped: no Prometheus binary (apt-get install prometheus)');

/** truesplit's path-aware provider (ADR 0182), which Argo's CRD does not define. */
const meshErrors: Metric = {
  name: 'mesh-errors',
  successCondition: 'result < 0.05',
  provider: {
    truesplit: { service: 'orders', canaryRevision: 'abc', path: 'mesh', measure: 'errorRate' },
  },
};

beforeAll(async () => {
  if (!binary) return;
  const started = Date.now();
  const argoCrds = resolve(REPO_ROOT, 'test/fixtures/argo-rollouts/crds');
  [traffic, env] = await Promise.all([
    startCanaryTraffic(),
    startEnvironment({ crdDirs: [resolve(REPO_ROOT, '../shared/crds/istio'), argoCrds] }),
  ]);
  await env.admin.createNamespace(ns);
  await env.startController('controller');
  console.log(`environment with Argo's CRDs ready in ${Date.now() - started} ms`);
});

afterAll(async () => {
  await env?.stop();
  await traffic?.stop();
});

describe.skipIf(!binary)("(f) step analysis with Argo's official analysis CRDs", () => {
  const app: AppRefs = { namespace: ns, name: 'orders', destinationRule: 'orders' };
  const steps = [
    { setWeight: 30 },
    {
      analysis: {
        templates: [{ templateName: 'error-rate' }, { templateName: 'errors-cluster', clusterScope: true }],
      },
    },
    { setWeight: 60 },
  ];

  it("are Argo's CRDs", async () => {
    const api = env.admin.kc.makeApiClient(k8s.ApiextensionsV1Api);
    for (const name of [
      'analysistemplates.argoproj.io',
      'clusteranalysistemplates.argoproj.io',
      'analysisruns.argoproj.io',
    ]) {
      const crd = await api.readCustomResourceDefinition({ name });
      expect(crd.metadata?.annotations?.['controller-gen.kubebuilder.io/version'], name).toBeDefined();
    }
  });

  it('a run merged from a namespaced and a cluster template passes and the Rollout advances', async () => {
    const url = traffic.prometheus.url;
    await env.admin.createAll([
      analysisTemplate(ns, 'error-rate', [errorRateMetric(url, { count: 2, interval: '1s' })]),
      analysisTemplate(undefined, 'errors-cluster', [errorRateMetric(url, { name: 'cluster-error-rate' })]),
    ]);
    await env.admin.createAll(subsetCanary({ ...app, replicas: 2, steps }).objects);
    await waitForApp(env.admin, app, 'revision 1 healthy', healthyAt(1));
    await env.admin.setImage(ns, app.name, 'registry.example/orders:2');
    const done = await waitForApp(env.admin, app, 'revision 2 healthy', healthyAt(2));
    const [run, ...others] = await analysisRunsOf(env.admin, ns, app.name);
    expect(others).toEqual([]);
    expect(run?.metadata.labels?.[HASH_LABEL]).toBe(done.currentHash);
    expect(run?.status?.phase).toBe('Successful');
    const results = run?.status?.metricResults ?? [];
    expect(results.map((r) => [r.name, r.phase, r.count, r.successful])).toEqual([
      ['error-rate', 'Successful', 2, 2],
      ['cluster-error-rate', 'Successful', 1, 1],
    ]);
    for (const m of results.flatMap((r) => r.measurements ?? [])) {
      expect(m).toMatchObject({ phase: 'Successful', value: '[0]' });
      expect(Date.parse(m.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(m.startedAt ?? ''));
    }
  });

  it("a failing canary aborts the update with Argo's message", async () => {
    await traffic.set('failing');
    await env.admin.setImage(ns, app.name, 'registry.example/orders:3');
    const aborted = await waitForApp(
      env.admin,
      app,
      'revision 3 aborted by its failed analysis',
      (s) => s.abort && s.phase === 'Degraded' && s.weights['canary'] === 0,
    );
    expect(aborted.message).toMatch(
      /^RolloutAborted: Rollout aborted update to revision 3: .*Metric "error-rate" assessed Failed due to failed \(1\) > failureLimit \(0\)$/,
    );
    const runs = await analysisRunsOf(env.admin, ns, app.name);
    expect(runs.map((r) => r.status?.phase)).toEqual(['Successful', 'Failed']);
    await traffic.set('healthy');
  });
});

describe.skipIf(!binary)("(f) truesplit's own provider under Argo's AnalysisTemplate CRD", () => {
  const app: AppRefs = { namespace: ns, name: 'paths', destinationRule: 'paths' };
  const templates = { ...ANALYSIS, plural: 'analysistemplates', namespace: ns };

  it('a strict client is refused; any other has the provider pruned', async () => {
    const template = analysisTemplate(ns, 'mesh-path', [meshErrors]);
    await expect(
      env.admin.custom.createNamespacedCustomObject({
        ...templates,
        body: template,
        fieldValidation: 'Strict',
      }),
    ).rejects.toThrow(/strict decoding error: unknown field \W*spec\.metrics\[0\]\.provider\.truesplit/);
    await env.admin.custom.createNamespacedCustomObject({ ...templates, body: template });
    const stored = (await env.admin.custom.getNamespacedCustomObject({
      ...templates,
      name: 'mesh-path',
    })) as AnalysisTemplate;
    expect(stored.spec.metrics?.[0]?.provider).toEqual({});
  });

  it('a Rollout referencing the pruned template is InvalidSpec, saying the provider was pruned', async () => {
    const fixture = subsetCanary({
      ...app,
      replicas: 1,
      steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'mesh-path' }] } }],
    });
    await env.admin.createAll(fixture.objects);
    const expected = `AnalysisTemplate 'mesh-path' metric 'mesh-errors': spec.metrics[0].provider: ${NO_PROVIDER_MESSAGE}`;
    const s = await waitForApp(
      env.admin,
      app,
      'InvalidSpec naming the pruned provider',
      (s) => (s.conditionMessages['InvalidSpec'] ?? '').includes(expected),
      30_000,
    );
    expect(s.weights).toEqual({ stable: 100, canary: 0 });
    expect(await analysisRunsOf(env.admin, ns, app.name)).toEqual([]);
    const events = await warningEvents(env.admin, ns, app.name, 'InvalidSpec');
    expect(events.some((m) => m.includes(expected))).toBe(true);
  });

  it('an AnalysisRun whose provider was pruned ends in Error, saying so', async () => {
    const runs = { ...ANALYSIS, plural: 'analysisruns', namespace: ns };
    const body: AnalysisRun = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'mesh-path-once', namespace: ns },
      spec: { metrics: [meshErrors] },
    };
    await env.admin.custom.createNamespacedCustomObject({ ...runs, body });
    const run = await waitFor(
      'the run ended',
      async () =>
        (await env.admin.custom.getNamespacedCustomObject({
          ...runs,
          name: 'mesh-path-once',
        })) as AnalysisRun,
      (run) => run.status?.phase === 'Error',
      { timeoutMs: 30_000 },
    );
    expect(run.spec.metrics[0]?.provider).toEqual({});
    expect(run.status?.message).toBe(`Analysis spec invalid: metrics[0]: ${NO_PROVIDER_MESSAGE}`);
  });
});
