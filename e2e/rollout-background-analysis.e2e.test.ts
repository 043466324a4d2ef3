/**
 * Background analysis (`strategy.canary.analysis` from `startingStep: 1`) on the real control plane, measured by the
 * controller process against a real Prometheus scraping request counters this test sets: a canary that turns bad
 * mid-way fails the run and aborts the update with Argo's message; a healthy one's run is terminated
 * (`spec.terminate`, "Run Terminated", Successful) when the Rollout is fully promoted, by its steps or by
 * `truesplit promote --full`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../src/api/analysis.ts';
import type { Rollout } from '../src/api/rollout.ts';
import type { AppRefs, AppState } from './support/app-state.ts';
import { isFullyPromoted, waitForApp } from './support/app-state.ts';
import type { NamespaceHistory } from './support/analysis-objects.ts';
import {
  recordNamespace,
  runPicture,
  waitForEvents,
  waitForRolloutRuns,
} from './support/analysis-objects.ts';
import type { AnalysisScenario } from './support/analysis-scenario.ts';
import {
  analysisTemplate,
  createTemplates,
  errorRatio,
  prometheusMetric,
  startAnalysisScenario,
} from './support/analysis-scenario.ts';
import { runTruesplit } from './support/cli.ts';
import { routeWeights, subsetCanary } from './support/fixtures.ts';
import { prometheusBinary } from './support/prometheus.ts';
import { weightViolations } from './support/weight-invariants.ts';

const ns = 'analysis-background';
const TEMPLATE = 'canary-error-rate';
const FAILING = { name: 'cart' };
const PROMOTED = { name: 'catalog' };
const FAILED_MESSAGE = 'Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)';

let scenario: AnalysisScenario;
let history: NamespaceHistory;

const refs = (name: string): AppRefs => ({ namespace: ns, name, destinationRule: name });
const admin = () => scenario.env.admin;
const truesplit = (...argv: string[]) => runTruesplit(scenario.env.plane.kubeconfigPath, ns, argv);
const backgroundStatus = (r: Rollout) => r.status?.canary?.currentBackgroundAnalysisRunStatus;
const phases = (run: AnalysisRun) => run.status?.metricResults?.[0]?.measurements?.map((m) => m.phase) ?? [];
const successes = (run: AnalysisRun | undefined) => run?.status?.metricResults?.[0]?.successful ?? 0;

function fixture(name: string) {
  return subsetCanary({
    ...refs(name),
    replicas: 2,
    readyDelayMs: 200,
    steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }],
    canary: {
      abortScaleDownDelaySeconds: 2,
      analysis: {
        templates: [{ templateName: TEMPLATE }],
        args: [{ name: 'app', value: name }],
        startingStep: 1,
      },
    },
  });
}

/** Sets the image and waits for the background run of that revision to have `measured` Successful measurements. */
async function updateUntilMeasured(name: string, image: string, measured: number) {
  await admin().setImage(ns, name, image);
  const [run, ...more] = await waitForRolloutRuns(
    admin(),
    ns,
    name,
    `the background run of ${image} measured ${measured} times`,
    (runs) => successes(runs.find((r) => r.status?.phase === 'Running' && !r.spec.terminate)) >= measured,
  ).then((runs) => runs.filter((r) => r.status?.phase === 'Running'));
  expect(more).toEqual([]);
  return run!;
}

const binary = prometheusBinary();
if (!binary)
  console.log('background analysis e2e skipped: no Prometheus binary (apt-get install prometheus)');

describe.skipIf(!binary)('background analysis against a real Prometheus', () => {
  beforeAll(async () => {
    scenario = await startAnalysisScenario({ namespaces: [ns] });
    history = await recordNamespace(admin(), ns);
    const metric = prometheusMetric(
      'error-rate',
      scenario.prometheus.url,
      errorRatio(`app="{{args.app}}",version="canary"`),
      {
        interval: '1s',
        successCondition: 'result[0] <= 0.05',
      },
    );
    await createTemplates(scenario, [analysisTemplate(ns, TEMPLATE, [metric])]);
    for (const { name } of [FAILING, PROMOTED]) {
      scenario.traffic.set(name, 'stable', { ok: 10, error: 0 });
      scenario.traffic.set(name, 'canary', { ok: 10, error: 0 });
      await admin().createAll(fixture(name).objects);
    }
    for (const { name } of [FAILING, PROMOTED]) {
      await scenario.traffic.waitForErrorRatio(name, 'canary', (r) => r === 0);
      await waitForApp(admin(), refs(name), 'revision 1 healthy', (s) => s.phase === 'Healthy');
    }
  });

  afterAll(async () => {
    history?.stop();
    await scenario?.stop();
  });

  it('(d) a background run from startingStep 1 failing mid-way aborts the update', async () => {
    const { name } = FAILING;
    const running = await updateUntilMeasured(name, `registry.example/${name}:2`, 2);
    const hash = running.metadata.labels?.['rollouts-pod-template-hash'] ?? '';
    expect(running.metadata.name).toBe(`${name}-${hash}-2`);
    expect(running.metadata.labels).toEqual({
      'rollouts-pod-template-hash': hash,
      'rollout-type': 'Background',
      app: name,
    });
    expect(running.metadata.ownerReferences).toMatchObject([{ kind: 'Rollout', name, controller: true }]);
    const paused = await waitForApp(
      admin(),
      refs(name),
      'at the pause of step 1',
      (s) => s.phase === 'Paused',
    );
    expect(paused).toMatchObject({ stepIndex: 1, weights: { stable: 80, canary: 20 } });
    expect(backgroundStatus(paused.rollout)).toMatchObject({
      name: running.metadata.name,
      status: 'Running',
    });

    scenario.traffic.set(name, 'canary', { ok: 5, error: 5 });
    const [failed] = await waitForRolloutRuns(admin(), ns, name, 'the background run Failed', (runs) =>
      runs.some((r) => r.status?.phase === 'Failed'),
    );
    expect(failed!.metadata.name).toBe(running.metadata.name);
    expect(failed!.status?.message).toBe(FAILED_MESSAGE);
    const measured = phases(failed!);
    expect(measured.at(-1)).toBe('Failed');
    expect(measured.slice(0, -1).every((p) => p === 'Successful')).toBe(true);
    expect(measured.length).toBeGreaterThanOrEqual(3);

    const aborted = `Rollout aborted update to revision 2: Background analysis phase error/failed: ${FAILED_MESSAGE}`;
    const s = await waitForApp(admin(), refs(name), 'aborted', (s) => s.abort && s.phase === 'Degraded');
    expect(s.message).toBe(`RolloutAborted: ${aborted}`);
    expect(s.conditionMessages['Progressing']).toBe(aborted);
    expect(s.weights).toEqual({ stable: 100, canary: 0 });
    expect(backgroundStatus(s.rollout)).toEqual({
      name: failed!.metadata.name,
      status: 'Failed',
      message: FAILED_MESSAGE,
    });
    await waitForEvents(admin(), ns, 'Rollout', name, [
      `Warning/AnalysisRunFailed: Background Analysis Run '${failed!.metadata.name}' Status New: 'Failed' Previous: 'Running'`,
      `Warning/RolloutAborted: ${aborted}`,
    ]);

    // startingStep 1: no background run while revision 2 was at step 0; created once step 1 was reached.
    const revision2 = history.rollouts.of(name).filter((v) => v.object.status?.currentPodHash === hash);
    const atStep0 = revision2.filter(
      (v) => (v.object.status?.currentStepIndex ?? 0) === 0 && !v.object.status?.abort,
    );
    expect(atStep0.length).toBeGreaterThan(0);
    expect(atStep0.map((v) => backgroundStatus(v.object))).toEqual(atStep0.map(() => undefined));
    const created = history.analysisRuns.of(failed!.metadata.name)[0]!.resourceVersion;
    const reachedStep1 = revision2.find((v) => v.object.status?.currentStepIndex === 1)!.resourceVersion;
    expect(created).toBeGreaterThan(reachedStep1);
    const vs = history.virtualServices.of(name);
    expect(weightViolations(vs, history.rollouts.of(name))).toEqual([]);
    const weights = vs.map((v) => routeWeights(v.object)['canary']);
    expect(weights.filter((w, i) => i === 0 || w !== weights[i - 1])).toEqual([0, 20, 0]);
  });

  it('(d) a healthy background run is terminated when the steps complete, and on promote --full', async () => {
    const { name } = PROMOTED;
    const first = await updateUntilMeasured(name, `registry.example/${name}:2`, 1);
    await waitForApp(admin(), refs(name), 'at the pause of step 1', (s) => s.phase === 'Paused');
    expect(await truesplit('promote', name)).toMatchObject({ code: 0 });
    const atStep3 = await waitForApp(
      admin(),
      refs(name),
      'at step 3',
      (s) => s.stepIndex === 3 && s.phase === 'Paused',
    );
    expect(backgroundStatus(atStep3.rollout)).toMatchObject({ name: first.metadata.name, status: 'Running' });
    expect(await truesplit('promote', name)).toMatchObject({ code: 0 });
    // The pass that makes revision 2 stable still shows the run; the next one (fully promoted) terminates it.
    await waitForApp(
      admin(),
      refs(name),
      'revision 2 stable, its background run no longer current',
      (s) => isStableAt(s, 2) && backgroundStatus(s.rollout) === undefined,
    );
    await expectTerminated(name, first);

    const second = await updateUntilMeasured(name, `registry.example/${name}:3`, 1);
    expect(second.metadata.name).toMatch(new RegExp(`^${name}-[a-z0-9]+-3$`));
    expect(await truesplit('promote', name, '--full')).toMatchObject({
      code: 0,
      stdout: `rollout '${name}' fully promoted\n`,
    });
    const full = await waitForApp(
      admin(),
      refs(name),
      'revision 3 stable, all traffic on stable',
      (s) => isStableAt(s, 3) && isFullyPromoted(s),
    );
    expect(full.weights).toEqual({ stable: 100, canary: 0 });
    expect(full.subsets['stable']).toBe(full.currentHash);
    await expectTerminated(name, second);
  });
});

function isStableAt(s: AppState, revision: number): boolean {
  const current = s.replicaSets.find((r) => r.hash === s.currentHash);
  return s.phase === 'Healthy' && s.stableHash === s.currentHash && current?.revision === revision;
}

/** The run was terminated by the Rollout (spec.terminate) and ended Successful with "Run Terminated". */
async function expectTerminated(name: string, run: AnalysisRun): Promise<void> {
  const runs = await waitForRolloutRuns(admin(), ns, name, `${run.metadata.name} terminated`, (runs) =>
    runs.some((r) => r.metadata.name === run.metadata.name && r.status?.phase === 'Successful'),
  );
  const ended = runs.find((r) => r.metadata.name === run.metadata.name)!;
  expect(ended.spec.terminate).toBe(true);
  expect(runPicture(ended)).toMatchObject({ phase: 'Successful', message: 'Run Terminated' });
  expect(phases(ended).every((p) => p === 'Successful')).toBe(true);
  expect(runs.filter((r) => !r.status?.phase || r.status.phase === 'Running')).toEqual([]);
}
