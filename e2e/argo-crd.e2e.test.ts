/**
 * truesplit on a cluster that has the official Argo Rollouts CRDs (Rollout, AnalysisRun, AnalysisTemplate,
 * ClusterAnalysisTemplate, Experiment: Argo's `manifests/crds` at the commit in test/fixtures/argo-rollouts/README.md)
 * instead of truesplit's own: users who switch controllers keep their CRD. Argo's schema is
 * fully structural, so anything truesplit wrote outside it would be pruned; the test proves the canary still runs,
 * with status, conditions, pauses and weights intact.
 */
import { resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './cluster/control-plane.ts';
import type { AppRefs, AppState } from './support/app-state.ts';
import { waitForApp } from './support/app-state.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { subsetCanary } from './support/fixtures.ts';

const ns = 'argo-crd';
const app: AppRefs = { namespace: ns, name: 'orders', destinationRule: 'orders' };
const STEPS = [{ setWeight: 30 }, { pause: {} }, { setWeight: 60 }, { pause: { duration: 1 } }];
let env: E2eEnvironment;

const waitApp = (what: string, done: (s: AppState) => boolean) =>
  waitForApp(env.admin, app, what, done, 90_000);

beforeAll(async () => {
  const argoCrds = resolve(REPO_ROOT, 'test/fixtures/argo-rollouts/crds');
  env = await startEnvironment({ crdDirs: [resolve(REPO_ROOT, '../shared/crds/istio'), argoCrds] });
  await env.admin.createNamespace(ns);
  await env.startController('controller');
  const fixture = subsetCanary({ ...app, replicas: 2, readyDelayMs: 300, steps: STEPS });
  await env.admin.createAll(fixture.objects);
});

afterAll(async () => {
  await env?.stop();
});

describe("the official Argo Rollouts CRD instead of truesplit's", () => {
  it('is the CRD installed', async () => {
    const api = env.admin.kc.makeApiClient(k8s.ApiextensionsV1Api);
    const crd = await api.readCustomResourceDefinition({ name: 'rollouts.argoproj.io' });
    expect(crd.metadata?.annotations?.['controller-gen.kubebuilder.io/version']).toBeDefined();
    expect(crd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.['status']?.properties).toHaveProperty(
      'currentPodHash',
    );
  });

  it('revision 1 becomes Healthy', async () => {
    const s = await waitApp('healthy', (s) => s.phase === 'Healthy' && s.stableHash !== undefined);
    expect(s.conditions['Available']).toBe('True/AvailableReason');
  });

  it('a new image pauses at 30 %, with the pause condition and weights kept by the schema', async () => {
    await env.admin.setImage(ns, app.name, 'registry.example/orders:2');
    const s = await waitApp(
      'paused at step 1',
      (s) => s.stepIndex === 1 && s.pauses.includes('CanaryPauseStep'),
    );
    expect(s.phase).toBe('Paused');
    expect(s.weights).toEqual({ stable: 70, canary: 30 });
    expect(s.rollout.status?.canary?.weights?.canary.weight).toBe(30);
    expect(s.subsets['canary']).toBe(s.currentHash);
  });

  it('promote runs the remaining steps to completion', async () => {
    await env.admin.promote(ns, app.name);
    const s = await waitApp(
      'completed, all traffic on the new stable',
      (s) => s.phase === 'Healthy' && s.stableHash === s.currentHash && s.weights['canary'] === 0,
    );
    expect(s.subsets).toMatchObject({ canary: s.stableHash, stable: s.stableHash });
    expect(s.stepIndex).toBe(STEPS.length);
    expect(s.weights).toEqual({ stable: 100, canary: 0 });
    expect(s.conditions['Completed']).toBe('True/RolloutCompleted');
  });
});
