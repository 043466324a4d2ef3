/**
 * Step analysis on the real control plane, measured by the controller process against a real Prometheus that scrapes
 * request counters this test sets: a healthy canary's run succeeds and the Rollout advances; a canary failing two of
 * its measurements aborts the update with Argo's message, its weight back to 0 at once and its pods removed after
 * `abortScaleDownDelaySeconds`; an inconclusive run pauses the Rollout until `truesplit promote` passes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../src/api/analysis.ts';
import type { CanaryStep, Rollout } from '../src/api/rollout.ts';
import type { AppRefs, AppState } from './support/app-state.ts';
import { replicaSetOf, waitForApp } from './support/app-state.ts';
import type { NamespaceHistory } from './support/analysis-objects.ts';
import {
  objectEvents,
  recordNamespace,
  rolloutRuns,
  runPicture,
  waitForEvents,
  waitForRolloutRuns,
} from './support/analysis-objects.ts';
import type { AnalysisScenario } from './support/analysis-scenario.ts';
import {
  analysisTemplate,
  createTemplates,
  errorRatio,
  errorRatioByVersion,
  prometheusMetric,
  startAnalysisScenario,
} from './support/analysis-scenario.ts';
import { runTruesplit } from './support/cli.ts';
import { routeWeights, subsetCanary } from './support/fixtures.ts';
import { prometheusBinary } from './support/prometheus.ts';
import { waitFor } from './support/wait-for.ts';
import { weightViolations } from './support/weight-invariants.ts';

const ns = 'analysis-steps';
const CANARY = 'app="{{args.app}}",version="canary"';
const apps = {
  healthy: { name: 'orders', template: 'canary-healthy', canary: { ok: 10, error: 0 } },
  failing: { name: 'payments', template: 'canary-failing', canary: { ok: 5, error: 5 } },
  uncertain: { name: 'search', template: 'canary-uncertain', canary: { ok: 9, error: 1 } },
} as const;
const FAILED_MESSAGE = 'Metric "error-rate" assessed Failed due to failed (2) > failureLimit (1)';

let scenario: AnalysisScenario;
let history: NamespaceHistory;

const refs = (name: string): AppRefs => ({ namespace: ns, name, destinationRule: name });
const admin = () => scenario.env.admin;

function steps(template: string, name: string): CanaryStep[] {
  const args = [
    { name: 'app', value: name },
    { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' as const } },
    { name: 'stable-hash', valueFrom: { podTemplateHashValue: 'Stable' as const } },
  ];
  return [
    { setWeight: 20 },
    { analysis: { templates: [{ templateName: template }], args } },
    { setWeight: 50 },
    { pause: {} },
  ];
}

function templates(address: string) {
  const templateArgs = [{ name: 'app' }, { name: 'canary-hash' }, { name: 'stable-hash' }];
  const ratio = (fields: Parameters<typeof prometheusMetric>[3]) =>
    prometheusMetric('error-rate', address, errorRatio(CANARY), { interval: '1s', ...fields });
  return [
    analysisTemplate(
      ns,
      apps.healthy.template,
      [
        ratio({ count: '{{args.count}}', successCondition: 'result[0] <= 0.05' }),
        prometheusMetric('error-rate-by-version', address, errorRatioByVersion('app="{{args.app}}"'), {
          interval: '1s',
          count: 2,
          successCondition: 'len(result) == 2 && all(result, # < 0.05)',
        }),
      ],
      [...templateArgs, { name: 'count', value: '2' }],
    ),
    analysisTemplate(
      ns,
      apps.failing.template,
      [ratio({ count: 3, failureLimit: 1, successCondition: 'result[0] <= 0.05' })],
      templateArgs,
    ),
    analysisTemplate(
      ns,
      apps.uncertain.template,
      [ratio({ count: 2, successCondition: 'result[0] <= 0.05', failureCondition: 'result[0] >= 0.2' })],
      templateArgs,
    ),
  ];
}

/** Updates the app to image :2 and returns its state once `done` holds. */
async function update(name: string, what: string, done: (s: AppState) => boolean): Promise<AppState> {
  await admin().setImage(ns, name, `registry.example/${name}:2`);
  return waitForApp(admin(), refs(name), what, done);
}

const stepRunStatus = (r: Rollout) => r.status?.canary?.currentStepAnalysisRunStatus;
const measurementPhases = (run: AnalysisRun, metric = 'error-rate') =>
  run.status?.metricResults?.find((r) => r.name === metric)?.measurements?.map((m) => m.phase);

const binary = prometheusBinary();
if (!binary) console.log('rollout-analysis e2e skipped: no Prometheus binary (apt-get install prometheus)');

describe.skipIf(!binary)('step analysis against a real Prometheus', () => {
  beforeAll(async () => {
    scenario = await startAnalysisScenario({ namespaces: [ns] });
    history = await recordNamespace(admin(), ns);
    await createTemplates(scenario, templates(scenario.prometheus.url));
    for (const app of Object.values(apps)) {
      scenario.traffic.set(app.name, 'stable', { ok: 10, error: 0 });
      scenario.traffic.set(app.name, 'canary', app.canary);
      const fixture = subsetCanary({
        ...refs(app.name),
        replicas: 2,
        readyDelayMs: 200,
        steps: steps(app.template, app.name),
        canary: { abortScaleDownDelaySeconds: 3 },
      });
      await admin().createAll(fixture.objects);
    }
    for (const app of Object.values(apps)) {
      await scenario.traffic.waitForErrorRatio(app.name, 'canary', (r) => r !== undefined);
      await waitForApp(admin(), refs(app.name), 'revision 1 healthy', (s) => s.phase === 'Healthy');
    }
  });

  afterAll(async () => {
    history?.stop();
    await scenario?.stop();
  });

  it('(a) a successful run lets the Rollout advance to the next steps', async () => {
    const { name } = apps.healthy;
    const s = await update(
      name,
      'paused at step 3 after the analysis',
      (s) => s.stepIndex === 3 && s.phase === 'Paused',
    );
    const [run, ...more] = await rolloutRuns(admin(), ns, name);
    expect(more).toEqual([]);
    const hash = s.currentHash!;
    expect(run!.metadata.name).toBe(`${name}-${hash}-2-1`);
    expect(run!.metadata.labels).toEqual({
      'rollouts-pod-template-hash': hash,
      'rollout-type': 'Step',
      'step-index': '1',
      app: name,
    });
    expect(run!.metadata.annotations).toMatchObject({ 'rollout.argoproj.io/revision': '2' });
    expect(run!.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        name,
        uid: s.rollout.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(run!.spec.args).toEqual([
      { name: 'app', value: name },
      { name: 'canary-hash', value: hash },
      { name: 'stable-hash', value: s.stableHash },
      { name: 'count', value: '2' },
    ]);
    expect(runPicture(run!)).toMatchObject({
      phase: 'Successful',
      metrics: {
        'error-rate': 'Successful c=2 ✔2 ✖0 ?0 ⚠0 [Successful [0], Successful [0]]',
        'error-rate-by-version': 'Successful c=2 ✔2 ✖0 ?0 ⚠0 [Successful [0,0], Successful [0,0]]',
      },
    });
    expect(s.phase).toBe('Paused');
    expect(s.pauses).toEqual(['CanaryPauseStep']);
    expect(s.weights).toEqual({ stable: 50, canary: 50 });
    expect(stepRunStatus(s.rollout)).toBeUndefined();

    // The step waited for the run: no Rollout version past step 1 before the run was Successful.
    const successAt = history.analysisRuns
      .of(run!.metadata.name)
      .find((v) => v.object.status?.phase === 'Successful')!.resourceVersion;
    const revision2 = history.rollouts.of(name).filter((v) => v.object.status?.currentPodHash === hash);
    const pastAnalysis = revision2.find((v) => (v.object.status?.currentStepIndex ?? 0) >= 2)!;
    expect(pastAnalysis.resourceVersion).toBeGreaterThan(successAt);
    expect(revision2.some((v) => stepRunStatus(v.object)?.status === 'Running')).toBe(true);

    await waitForEvents(admin(), ns, 'Rollout', name, [
      `Normal/AnalysisRunSuccessful: Step Analysis Run '${run!.metadata.name}' Status New: 'Successful' Previous: 'Running'`,
    ]);
    await waitForEvents(admin(), ns, 'AnalysisRun', run!.metadata.name, [
      "Normal/MetricSuccessful: Metric 'error-rate' Completed. Result: Successful",
      "Normal/MetricSuccessful: Metric 'error-rate-by-version' Completed. Result: Successful",
      'Normal/AnalysisRunSuccessful: Analysis Completed. Result: Successful',
    ]);
    const weights = history.virtualServices.of(name).map((v) => routeWeights(v.object)['canary']);
    expect(weights.filter((w, i) => i === 0 || w !== weights[i - 1])).toEqual([0, 20, 50]);
  });

  it("(b) a run failing its 2nd of 3 measurements aborts with Argo's message; the canary leaves after the delay", async () => {
    const { name } = apps.failing;
    await admin().setImage(ns, name, `registry.example/${name}:2`);
    const [run] = await waitForRolloutRuns(admin(), ns, name, 'the step run Failed', (runs) =>
      runs.some((r) => r.status?.phase === 'Failed'),
    );
    expect(run!.status?.message).toBe(FAILED_MESSAGE);
    expect(measurementPhases(run!)).toEqual(['Failed', 'Failed']);
    expect(runPicture(run!).metrics).toEqual({
      'error-rate': 'Failed c=2 ✔0 ✖2 ?0 ⚠0 [Failed [0.5], Failed [0.5]]',
    });
    const aborted = `Rollout aborted update to revision 2: Step-based analysis phase error/failed: ${FAILED_MESSAGE}`;
    const s = await waitForApp(admin(), refs(name), 'aborted', (s) => s.abort && s.phase === 'Degraded');
    expect(s.message).toBe(`RolloutAborted: ${aborted}`);
    expect(s.conditions['Progressing']).toBe('False/RolloutAborted');
    expect(s.conditionMessages['Progressing']).toBe(aborted);
    expect(s.weights).toEqual({ stable: 100, canary: 0 });
    expect(stepRunStatus(s.rollout)).toMatchObject({ name: run!.metadata.name, status: 'Failed' });
    const canaryHash = run!.metadata.labels?.['rollouts-pod-template-hash'];
    const gone = await waitForApp(admin(), refs(name), 'canary scaled down', (s) => {
      return replicaSetOf(s, canaryHash).replicas === 0;
    });
    expect(replicaSetOf(gone, gone.stableHash)).toMatchObject({ replicas: 2, available: 2 });

    // Traffic first, pods after the delay: every version of the VirtualService sums to 100, canary 0 → 20 → 0,
    // and the canary ReplicaSet keeps its pod until its scale-down deadline (abortedAt + 3 s).
    const vs = history.virtualServices.of(name);
    expect(weightViolations(vs, history.rollouts.of(name))).toEqual([]);
    const weights = vs.map((v) => routeWeights(v.object)['canary']);
    expect(weights.filter((w, i) => i === 0 || w !== weights[i - 1])).toEqual([0, 20, 0]);
    const canaryVersions = history.replicaSets.of(replicaSetOf(gone, canaryHash).name);
    const deadline = canaryVersions
      .map((v) => v.object.metadata.annotations?.['scale-down-deadline'])
      .find(Boolean);
    const abortedAt = Date.parse(s.rollout.status?.abortedAt ?? '');
    expect(Date.parse(deadline!) - abortedAt).toBeGreaterThanOrEqual(3_000);
    expect(Date.parse(deadline!) - abortedAt).toBeLessThanOrEqual(5_000);
    const annotated = canaryVersions.findIndex((v) => v.object.metadata.annotations?.['scale-down-deadline']);
    const scaledDown = canaryVersions.slice(annotated).find((v) => v.object.spec.replicas === 0)!;
    expect(canaryVersions[annotated]!.object.spec.replicas).toBe(1);
    expect(scaledDown.at).toBeGreaterThanOrEqual(Date.parse(deadline!) - 1_000);
    const weightZero = vs.findLast((v) => routeWeights(v.object)['canary'] === 20)!;
    expect(scaledDown.resourceVersion).toBeGreaterThan(weightZero.resourceVersion);

    await waitForEvents(admin(), ns, 'Rollout', name, [
      `Warning/AnalysisRunFailed: Step Analysis Run '${run!.metadata.name}' Status New: 'Failed' Previous: 'Running'`,
      `Warning/RolloutAborted: ${aborted}`,
    ]);
    await waitForEvents(admin(), ns, 'AnalysisRun', run!.metadata.name, [
      "Warning/MetricFailed: Metric 'error-rate' Completed. Result: Failed",
      'Warning/AnalysisRunFailed: Analysis Completed. Result: Failed',
    ]);
  });

  it('(c) an inconclusive run pauses the Rollout until `truesplit promote` passes it', async () => {
    const { name } = apps.uncertain;
    const s = await update(name, 'paused on the inconclusive run', (s) =>
      s.pauses.includes('InconclusiveAnalysisRun'),
    );
    const [run, ...more] = await rolloutRuns(admin(), ns, name);
    expect(more).toEqual([]);
    const message =
      'Metric "error-rate" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)';
    expect(runPicture(run!)).toMatchObject({
      phase: 'Inconclusive',
      message,
    });
    expect(runPicture(run!).metrics).toEqual({
      'error-rate': expect.stringMatching(
        /^Inconclusive c=1 ✔0 ✖0 \?1 ⚠0 \[Inconclusive \[0\.(1|0999999\d+)\]\]$/,
      ),
    });
    expect(s).toMatchObject({
      phase: 'Paused',
      stepIndex: 1,
      abort: false,
      weights: { stable: 80, canary: 20 },
    });
    expect(s.pauses).toEqual(['InconclusiveAnalysisRun']);
    expect(s.rollout.status?.controllerPause).toBe(true);
    expect(stepRunStatus(s.rollout)).toEqual({ name: run!.metadata.name, status: 'Inconclusive', message });
    await waitForEvents(admin(), ns, 'AnalysisRun', run!.metadata.name, [
      'Normal/AnalysisRunInconclusive: Analysis Completed. Result: Inconclusive',
    ]);
    const events = await waitFor(
      'the Rollout event of the inconclusive run',
      () => objectEvents(admin(), ns, 'Rollout', name),
      (events) => events.some((e) => e.startsWith('Normal/AnalysisRunInconclusive: ')),
    );
    expect(events.filter((e) => e.startsWith('Normal/AnalysisRunInconclusive: '))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Normal/AnalysisRunInconclusive: Step Analysis Run '${run!.metadata.name}' Status New: 'Inconclusive' Previous: '(|Running)'$`,
        ),
      ),
    ]);

    // A healthy canary now changes nothing: the pause holds and no run measures again.
    scenario.traffic.set(name, 'canary', { ok: 10, error: 0 });
    await scenario.traffic.waitForErrorRatio(name, 'canary', (r) => r === 0);
    const held = await waitForApp(admin(), refs(name), 'still paused', () => true);
    expect(held).toMatchObject({ phase: 'Paused', stepIndex: 1, pauses: ['InconclusiveAnalysisRun'] });
    expect((await rolloutRuns(admin(), ns, name)).map((r) => r.metadata.name)).toEqual([run!.metadata.name]);

    const promoted = await runTruesplit(scenario.env.plane.kubeconfigPath, ns, ['promote', name]);
    expect(promoted).toMatchObject({ code: 0, stdout: `rollout '${name}' promoted\n` });
    const next = await waitForApp(
      admin(),
      refs(name),
      'at the pause of step 3',
      (s) => s.stepIndex === 3 && s.phase === 'Paused',
    );
    expect(next).toMatchObject({
      phase: 'Paused',
      pauses: ['CanaryPauseStep'],
      weights: { stable: 50, canary: 50 },
    });
    expect(next.rollout.status?.controllerPause).toBe(true);
    expect(stepRunStatus(next.rollout)).toBeUndefined();
    expect((await rolloutRuns(admin(), ns, name)).map(runPicture)).toEqual([runPicture(run!)]);
  });
});
