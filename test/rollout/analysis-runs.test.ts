/** The analysis part of a pass, table-tested against Argo's reconcileAnalysisRuns rules. */
import { describe, expect, it } from 'vitest';
import type { AnalysisPhase, AnalysisRun, AnalysisTemplate } from '../../src/api/analysis.js';
import type { RolloutStatus } from '../../src/api/rollout.js';
import { runStatusEvents } from '../../src/rollout/analysis-history.js';
import { planAnalysisRuns } from '../../src/rollout/analysis-runs.js';
import { buildContext } from '../../src/rollout/context.js';
import { snapshotOf } from '../../src/rollout/sim-cluster.js';
import { makeRollout, updating } from './harness.js';

const TEMPLATE: AnalysisTemplate = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name: 'rate', namespace: 'demo' },
  spec: { metrics: [{ name: 'errors', provider: { web: { url: 'http://m' } } }] },
};
const RATE = { templates: [{ templateName: 'rate' }] };

/** A Rollout updating to revision 2, at step `index` of [setWeight 10, analysis, setWeight 50]. */
function atStep(index: number, status: Partial<RolloutStatus> = {}, background = false) {
  const rollout = makeRollout({
    steps: [{ setWeight: 10 }, { analysis: RATE }, { setWeight: 50 }],
    ...(background ? { canary: { analysis: RATE } } : {}),
  });
  const { d, v1, v2 } = updating(rollout);
  Object.assign(d.cluster.rollout.status ?? {}, { currentStepIndex: index, ...status });
  const base = `web-${v2}-2`;
  const plan = (runs: AnalysisRun[], takenNames: string[] = []) =>
    planAnalysisRuns(buildContext(snapshotOf(d.cluster), d.now), { runs, templates: [TEMPLATE], takenNames });
  return { plan, v1, v2, base };
}

function run(
  name: string,
  opts: { phase?: AnalysisPhase; hash?: string; step?: string; at?: string; message?: string },
) {
  const r: AnalysisRun = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name,
      namespace: 'demo',
      creationTimestamp: opts.at ?? '2026-01-01T00:00:00Z',
      labels: {
        ...(opts.hash ? { 'rollouts-pod-template-hash': opts.hash } : {}),
        ...(opts.step !== undefined ? { 'rollout-type': 'Step', 'step-index': opts.step } : {}),
      },
    },
    spec: { metrics: TEMPLATE.spec.metrics ?? [] },
  };
  if (opts.phase) r.status = { phase: opts.phase, ...(opts.message ? { message: opts.message } : {}) };
  return r;
}

const stepStatus = (name: string, status = 'Running') => ({
  canary: { currentStepAnalysisRunStatus: { name, status } },
});

describe('planAnalysisRuns: the step run', () => {
  it('reaching the analysis step creates <rollout>-<hash>-<revision>-<index>', () => {
    const { plan, base } = atStep(1);
    const decision = plan([]);
    expect(
      decision.writes.map((w) => [w.type, w.type === 'createAnalysisRun' ? w.run.metadata.name : '']),
    ).toEqual([['createAnalysisRun', `${base}-1`]]);
    expect(decision.step?.metadata.name).toBe(`${base}-1`);
  });

  it.each([
    {
      name: 'a completed run of ours under the name: the next suffix',
      runs: ['Failed'],
      taken: [],
      expected: '.1',
    },
    { name: 'names taken by other runs are skipped', runs: [], taken: ['', '.1'], expected: '.2' },
  ])('$name', ({ runs, taken, expected }) => {
    const { plan, base, v2 } = atStep(1);
    const observed = runs.map((phase) =>
      run(`${base}-1`, { phase: phase as AnalysisPhase, hash: v2, step: '1' }),
    );
    const decision = plan(
      observed,
      taken.map((suffix) => `${base}-1${suffix}`),
    );
    expect(decision.step?.metadata.name).toBe(`${base}-1${expected}`);
    expect(decision.writes.filter((w) => w.type === 'createAnalysisRun')).toHaveLength(1);
  });

  it('a run of ours already under the name, in progress, same spec: taken as the run, nothing created', () => {
    const { plan, base, v2 } = atStep(1);
    const existing = run(`${base}-1`, { phase: 'Running', hash: v2, step: '1' });
    const decision = plan([existing]);
    expect([decision.writes, decision.step?.metadata.name]).toEqual([[], `${base}-1`]);
  });

  it.each<{ phase: AnalysisPhase; pause: boolean; abort?: string }>([
    { phase: 'Running', pause: false },
    { phase: 'Successful', pause: false },
    { phase: 'Inconclusive', pause: true },
    { phase: 'Failed', pause: false, abort: 'Step-based analysis phase error/failed: metric failed' },
    { phase: 'Error', pause: false, abort: 'Step-based analysis phase error/failed: metric failed' },
  ])('the current run $phase', ({ phase, pause, abort }) => {
    const { base, v2 } = atStep(1);
    const name = `${base}-1`;
    const { plan } = atStep(1, stepStatus(name));
    const decision = plan([run(name, { phase, hash: v2, step: '1', message: 'metric failed' })]);
    expect([decision.pause, decision.abortMessage, decision.writes]).toEqual([pause, abort, []]);
  });

  it('a run from the previous step (promote skipped it) is terminated and not current', () => {
    const { base, v2 } = atStep(1);
    const { plan } = atStep(2, stepStatus(`${base}-1`));
    const decision = plan([run(`${base}-1`, { phase: 'Running', hash: v2, step: '1' })]);
    expect([decision.step, decision.writes]).toEqual([
      undefined,
      [{ type: 'terminateAnalysisRun', name: `${base}-1` }],
    ]);
  });

  it.each([
    { name: 'aborted', status: { abort: true } },
    { name: 'promote --full', status: { promoteFull: true } },
  ])(
    '$name: the current run is terminated and stays current (Argo keeps it in status), no new run',
    ({ status }) => {
      const { base, v2 } = atStep(1);
      const { plan } = atStep(1, { ...stepStatus(`${base}-1`), ...status });
      const current = run(`${base}-1`, { phase: 'Running', hash: v2, step: '1' });
      const decision = plan([current]);
      expect([decision.step, decision.writes, decision.events]).toEqual([
        current,
        [{ type: 'terminateAnalysisRun', name: `${base}-1` }],
        [],
      ]);
    },
  );

  it('aborted after the run failed: the failed run stays current, with no event again', () => {
    const { base, v2 } = atStep(1);
    const failed = run(`${base}-1`, { phase: 'Failed', hash: v2, step: '1', message: 'metric failed' });
    const { plan } = atStep(0, { ...stepStatus(`${base}-1`, 'Failed'), abort: true }, true);
    const decision = plan([failed]);
    expect([decision.step, decision.background, decision.writes, decision.events]).toEqual([
      failed,
      undefined,
      [],
      [],
    ]);
  });

  it('fully promoted: the recorded runs are no longer current', () => {
    const { base, v2 } = atStep(1);
    const { plan } = atStep(3, { ...stepStatus(`${base}-1`, 'Successful'), stableRS: v2 });
    const decision = plan([run(`${base}-1`, { phase: 'Successful', hash: v2, step: '1' })]);
    expect([decision.step, decision.writes]).toEqual([undefined, []]);
  });
});

describe('planAnalysisRuns: the background run', () => {
  it('is created at once without startingStep, named <rollout>-<hash>-<revision>', () => {
    const { plan, base } = atStep(0, {}, true);
    const decision = plan([]);
    expect(decision.background?.metadata.name).toBe(base);
    expect(decision.background?.metadata.labels?.['rollout-type']).toBe('Background');
  });

  it('after an inconclusive pause was promoted (controllerPause kept): a new run', () => {
    const { base, v2 } = atStep(0, {}, true);
    const status = {
      controllerPause: true,
      canary: { currentBackgroundAnalysisRunStatus: { name: base, status: 'Inconclusive' } },
    };
    const { plan } = atStep(0, status, true);
    const decision = plan([run(base, { phase: 'Inconclusive', hash: v2 })]);
    expect(decision.background?.metadata.name).toBe(`${base}.1`);
  });
});

describe('history limits (Argo FilterAnalysisRunsToDelete)', () => {
  it('keeps the newest 5 Successful and 5 unsuccessful runs; deletes runs without hash or ReplicaSet', () => {
    const { plan, v1 } = atStep(0);
    const at = (i: number) => `2026-01-01T00:00:${String(10 + i).padStart(2, '0')}Z`;
    const ok = [...Array(7).keys()].map((i) => run(`ok-${i}`, { phase: 'Successful', hash: v1, at: at(i) }));
    const bad = [...Array(6).keys()].map((i) =>
      run(`bad-${i}`, { phase: i % 2 ? 'Failed' : 'Inconclusive', hash: v1, at: at(i) }),
    );
    const extra = [
      run('running', { phase: 'Running', hash: v1 }),
      run('no-hash', { phase: 'Successful' }),
      run('gone-rs', { phase: 'Failed', hash: 'deadbeef' }),
    ];
    const decision = plan([...ok, ...bad, ...extra]);
    const names = (type: string) =>
      decision.writes.filter((w) => w.type === type).map((w) => ('name' in w ? w.name : ''));
    expect(names('terminateAnalysisRun')).toEqual(['running']);
    expect(names('deleteAnalysisRun').sort()).toEqual(['bad-0', 'gone-rs', 'no-hash', 'ok-0', 'ok-1']);
  });
});

describe('events (Argo emitAnalysisRunStatusChanges)', () => {
  const r = run('r', { phase: 'Failed' });
  it.each([
    {
      name: 'first seen',
      prev: {},
      events: [
        {
          type: 'Warning',
          reason: 'AnalysisRunFailed',
          message: "Step Analysis Run 'r' Status New: 'Failed' Previous: 'NoPreviousStatus'",
        },
      ],
    },
    {
      name: 'phase changed',
      prev: stepStatus('r', 'Running'),
      events: [
        {
          type: 'Warning',
          reason: 'AnalysisRunFailed',
          message: "Step Analysis Run 'r' Status New: 'Failed' Previous: 'Running'",
        },
      ],
    },
    { name: 'unchanged', prev: stepStatus('r', 'Failed'), events: [] },
    { name: 'another run was recorded', prev: stepStatus('q', 'Running'), events: [] },
  ])('$name', ({ prev, events }) => {
    expect(runStatusEvents(prev, { step: r })).toEqual(events);
  });
});
