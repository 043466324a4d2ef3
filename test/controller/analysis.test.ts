/**
 * Step and background analysis through the real controller on the in-memory cluster. The test plays the AnalysisRun
 * controller: it sets each run's status by hand.
 */
import { describe, expect, it } from 'vitest';
import type { AnalysisPhase, AnalysisRun, AnalysisTemplate } from '../../src/api/analysis.js';
import type { CanaryStep, RolloutAnalysisBackground } from '../../src/api/rollout.js';
import type { NewObject } from '../../src/kube/cluster.js';
import { KubeApiError } from '../../src/kube/errors.js';
import { promotePatches } from '../../src/verbs/step-verbs.js';
import { NS } from '../kube/fixtures.js';
import { startHarness, type Harness } from './harness.js';
import { hostRollout, service, virtualService } from './scenarios.js';

const RATE = { templates: [{ templateName: 'rate' }] };

function template(name: string): NewObject<AnalysisTemplate> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace: NS },
    spec: {
      args: [{ name: 'hash' }],
      metrics: [{ name: 'errors', provider: { web: { url: 'http://m/{{args.hash}}' } } }],
    },
  };
}

const HASH_ARG = [{ name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' as const } }];

async function setup(
  steps: CanaryStep[],
  background?: RolloutAnalysisBackground,
  templates: string[] = ['rate'],
): Promise<Harness> {
  const h = await startHarness();
  for (const name of ['web-stable', 'web-canary']) await h.cluster.create('Service', service(name));
  await h.cluster.create('VirtualService', virtualService('host'));
  for (const name of templates) await h.cluster.create('AnalysisTemplate', template(name));
  const rollout = hostRollout('web:1', steps);
  if (background) rollout.spec.strategy.canary = { ...rollout.spec.strategy.canary, analysis: background };
  await h.cluster.create('Rollout', rollout);
  await h.settle();
  return h;
}

async function update(h: Harness, image: string): Promise<void> {
  const spec = { template: { spec: { containers: [{ name: 'web', image }] } } };
  await h.cluster.patch('Rollout', NS, 'web', { spec });
  await h.settle();
  await h.advance(5_000);
}

const runs = async (h: Harness): Promise<AnalysisRun[]> =>
  (await h.cluster.list('AnalysisRun', { namespace: NS })).items.sort((a, b) =>
    a.metadata.name < b.metadata.name ? -1 : 1,
  );

async function setPhase(h: Harness, name: string, phase: AnalysisPhase, message?: string): Promise<void> {
  await h.cluster.patch('AnalysisRun', NS, name, { status: { phase, ...(message ? { message } : {}) } });
  await h.settle();
  await h.advance(5_000);
}

async function weights(h: Harness): Promise<number[]> {
  const route = (await h.virtualService('web-vs')).spec.http?.find((r) => r.name === 'primary')?.route ?? [];
  return route.map((d) => d.weight ?? 0);
}

async function events(h: Harness, reason: string): Promise<string[]> {
  const list = await h.cluster.list('Event', { namespace: NS });
  return list.items.filter((e) => e.reason === reason).map((e) => e.message ?? '');
}

async function promote(h: Harness): Promise<void> {
  const patches = promotePatches(await h.rollout());
  if (patches.spec) await h.cluster.patch('Rollout', NS, 'web', patches.spec);
  if (patches.status) await h.cluster.patch('Rollout', NS, 'web', patches.status, { subresource: 'status' });
  await h.settle();
  await h.advance(5_000);
}

const STEPS: CanaryStep[] = [{ setWeight: 20 }, { analysis: { ...RATE, args: HASH_ARG } }, { setWeight: 60 }];

describe('controller: step analysis', () => {
  it('creates the run at the step with Argo’s name, labels and owner; Successful advances', async () => {
    const h = await setup(STEPS);
    await update(h, 'web:2');
    const rollout = await h.rollout();
    const hash = rollout.status?.currentPodHash ?? '';
    const [run] = await runs(h);
    expect(run?.metadata.name).toBe(`web-${hash}-2-1`);
    expect(run?.metadata.labels).toMatchObject({
      'rollout-type': 'Step',
      'step-index': '1',
      'rollouts-pod-template-hash': hash,
      app: 'web',
    });
    expect(run?.metadata.annotations).toEqual({ 'rollout.argoproj.io/revision': '2' });
    expect(run?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Rollout', name: 'web', uid: rollout.metadata.uid, controller: true }),
    ]);
    expect(run?.spec.args).toEqual([{ name: 'hash', value: hash }]);
    expect([rollout.status?.currentStepIndex, await weights(h)]).toEqual([1, [80, 20]]);

    await setPhase(h, run?.metadata.name ?? '', 'Running');
    expect((await h.rollout()).status?.canary?.currentStepAnalysisRunStatus).toEqual({
      name: run?.metadata.name,
      status: 'Running',
    });
    await setPhase(h, run?.metadata.name ?? '', 'Successful');
    await h.advance(60_000);
    const done = await h.rollout();
    expect([done.status?.phase, done.status?.stableRS]).toEqual(['Healthy', hash]);
    expect(await events(h, 'AnalysisRunSuccessful')).toEqual([
      `Step Analysis Run '${run?.metadata.name}' Status New: 'Successful' Previous: 'Running'`,
    ]);
  });

  it('Failed aborts with Argo’s message, the weight back to stable; retry creates a new run', async () => {
    const h = await setup(STEPS);
    await update(h, 'web:2');
    const [run] = await runs(h);
    const name = run?.metadata.name ?? '';
    await setPhase(h, name, 'Failed', 'Metric "errors" assessed Failed due to failed (1) > failureLimit (0)');
    const aborted = await h.rollout();
    const message =
      'Rollout aborted update to revision 2: Step-based analysis phase error/failed: Metric "errors" assessed Failed due to failed (1) > failureLimit (0)';
    expect([aborted.status?.abort, aborted.status?.phase, await weights(h)]).toEqual([
      true,
      'Degraded',
      [100, 0],
    ]);
    expect(aborted.status?.conditions?.find((c) => c.type === 'Progressing')?.message).toBe(message);
    expect(await events(h, 'RolloutAborted')).toEqual([message]);

    await h.cluster.patch('Rollout', NS, 'web', { status: { abort: false } }, { subresource: 'status' });
    await h.settle();
    await h.advance(60_000);
    expect((await runs(h)).map((r) => r.metadata.name)).toEqual([name, `${name}.1`]);
    expect((await h.rollout()).status?.canary?.currentStepAnalysisRunStatus?.name).toBe(`${name}.1`);
  });

  it('Inconclusive pauses with InconclusiveAnalysisRun; promote passes the step', async () => {
    const h = await setup(STEPS);
    await update(h, 'web:2');
    const [run] = await runs(h);
    await setPhase(h, run?.metadata.name ?? '', 'Inconclusive');
    const paused = await h.rollout();
    expect([paused.status?.phase, paused.status?.pauseConditions?.map((c) => c.reason)]).toEqual([
      'Paused',
      ['InconclusiveAnalysisRun'],
    ]);
    expect(paused.status?.controllerPause).toBe(true);
    await promote(h);
    await h.advance(60_000);
    const done = await h.rollout();
    expect([done.status?.phase, done.status?.stableRS]).toEqual(['Healthy', done.status?.currentPodHash]);
    expect(await runs(h)).toHaveLength(1);
  });

  it('a long analysis step does not count against the progress deadline (Argo’s isIndefiniteStep)', async () => {
    const h = await setup(STEPS);
    await h.cluster.patch('Rollout', NS, 'web', {
      spec: { progressDeadlineSeconds: 60, progressDeadlineAbort: true },
    });
    await h.settle();
    await update(h, 'web:2');
    const [run] = await runs(h);
    await setPhase(h, run?.metadata.name ?? '', 'Running');
    await h.advance(600_000);
    const rollout = await h.rollout();
    expect([rollout.status?.abort, rollout.status?.currentStepIndex, rollout.status?.phase]).toEqual([
      undefined,
      1,
      'Progressing',
    ]);
  });

  it('a new revision mid-analysis terminates the old run', async () => {
    const h = await setup(STEPS);
    await update(h, 'web:2');
    const [run] = await runs(h);
    await setPhase(h, run?.metadata.name ?? '', 'Running');
    await update(h, 'web:3');
    const after = await runs(h);
    expect(after.find((r) => r.metadata.name === run?.metadata.name)?.spec.terminate).toBe(true);
    const hash = (await h.rollout()).status?.currentPodHash ?? '';
    expect(after.map((r) => r.metadata.name)).toContain(`web-${hash}-3-1`);
  });

  it('a missing template: InvalidSpec naming it, no step passes, no run', async () => {
    const h = await setup(STEPS);
    const stable = (await h.rollout()).status?.stableRS;
    await h.cluster.delete('AnalysisTemplate', NS, 'rate');
    await update(h, 'web:2');
    await h.advance(60_000);
    const rollout = await h.rollout();
    expect(rollout.status?.phase).toBe('Degraded');
    expect(rollout.status?.message).toBe(
      `InvalidSpec: The Rollout "web" is invalid: Rollout/${NS}/web: spec.strategy.canary.steps[1].analysis.templates: AnalysisTemplate 'rate' not found`,
    );
    expect([rollout.status?.stableRS, await weights(h), await runs(h)]).toEqual([stable, [100, 0], []]);
  });
});

describe('controller: runs are terminated', () => {
  it.each([
    { name: 'abort', status: { abort: true } },
    { name: 'promote --full', status: { promoteFull: true } },
  ])('$name terminates the running step and background runs', async ({ status }) => {
    const h = await setup(STEPS, { ...RATE, args: HASH_ARG });
    await update(h, 'web:2');
    for (const run of await runs(h)) await setPhase(h, run.metadata.name, 'Running');
    expect(await runs(h)).toHaveLength(2);
    await h.cluster.patch('Rollout', NS, 'web', { status }, { subresource: 'status' });
    await h.settle();
    await h.advance(5_000);
    expect((await runs(h)).map((r) => r.spec.terminate)).toEqual([true, true]);
  });
});

describe('controller: the analysis kinds', () => {
  it('AnalysisRun CRD missing: InvalidSpec naming it, the update does not pass', async () => {
    const h = await setup(STEPS);
    const stable = (await h.rollout()).status?.stableRS;
    h.cluster.faultInjector = (op) =>
      op.kind === 'AnalysisRun' && (op.verb === 'list' || op.verb === 'watch')
        ? KubeApiError.fromCode(404, 'the server could not find the requested resource')
        : undefined;
    h.controller.informers.analysisRuns.stop();
    h.controller.informers.analysisRuns.start();
    await update(h, 'web:2');
    await h.advance(60_000);
    const rollout = await h.rollout();
    expect(rollout.status?.message).toBe(
      `InvalidSpec: The Rollout "web" is invalid: Rollout/${NS}/web: spec.strategy.canary.steps[1].analysis.templates: CustomResourceDefinition analysisruns.argoproj.io is not installed: the Rollout's analysis cannot run`,
    );
    expect(rollout.status?.stableRS).toBe(stable);
  });
});

describe('controller: background analysis', () => {
  it('starts at startingStep 1; Failed aborts', async () => {
    const steps: CanaryStep[] = [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }];
    const h = await setup(steps, { ...RATE, args: HASH_ARG, startingStep: 1 });
    await update(h, 'web:2');
    const [run] = await runs(h);
    const hash = (await h.rollout()).status?.currentPodHash ?? '';
    expect([run?.metadata.name, run?.metadata.labels?.['rollout-type']]).toEqual([
      `web-${hash}-2`,
      'Background',
    ]);
    await setPhase(h, run?.metadata.name ?? '', 'Error', 'no data returned');
    const rollout = await h.rollout();
    expect([rollout.status?.abort, await weights(h)]).toEqual([true, [100, 0]]);
    expect(rollout.status?.conditions?.find((c) => c.type === 'Progressing')?.message).toBe(
      'Rollout aborted update to revision 2: Background analysis phase error/failed: no data returned',
    );
  });

  it('Inconclusive pauses; promote clears the pause and a new run starts (`<name>.1`)', async () => {
    const steps: CanaryStep[] = [
      { setWeight: 20 },
      { pause: { duration: '1h' } },
      { setWeight: 60 },
      { pause: {} },
    ];
    const h = await setup(steps, { ...RATE, args: HASH_ARG });
    await update(h, 'web:2');
    const [run] = await runs(h);
    const name = run?.metadata.name ?? '';
    await setPhase(h, name, 'Inconclusive');
    const paused = await h.rollout();
    expect(paused.status?.pauseConditions?.map((c) => c.reason)).toContain('InconclusiveAnalysisRun');
    expect(paused.status?.phase).toBe('Paused');
    await promote(h);
    expect((await runs(h)).map((r) => r.metadata.name)).toEqual([name, `${name}.1`]);
    expect((await h.rollout()).status?.canary?.currentBackgroundAnalysisRunStatus?.name).toBe(`${name}.1`);
  });

  it('is not started before startingStep', async () => {
    const steps: CanaryStep[] = [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }];
    const h = await setup(steps, { ...RATE, args: HASH_ARG, startingStep: 2 });
    await update(h, 'web:2');
    expect([(await h.rollout()).status?.currentStepIndex, await runs(h)]).toEqual([1, []]);
  });

  it('is terminated once the update is fully promoted', async () => {
    const h = await setup([{ setWeight: 50 }], { ...RATE, args: HASH_ARG });
    await update(h, 'web:2');
    const [run] = await runs(h);
    await setPhase(h, run?.metadata.name ?? '', 'Running');
    await h.advance(60_000);
    const rollout = await h.rollout();
    expect([rollout.status?.phase, rollout.status?.canary?.currentBackgroundAnalysisRunStatus]).toEqual([
      'Healthy',
      undefined,
    ]);
    expect((await runs(h))[0]?.spec.terminate).toBe(true);
  });
});
