/** The pure pieces of the path gate: annotations, the verdict over paths, the condition, and the planner's hold. */
import { describe, expect, it } from 'vitest';
import { PATH_GATE_ANNOTATION, PATH_TOLERANCE_ANNOTATION } from '../../src/api/labels.js';
import type { Condition } from '../../src/api/meta.js';
import { decidePathGate, pathCondition, pathGateSettings, withPathCondition } from '../../src/plan/gate.js';
import type { Finding, TrafficPath } from '../../src/mesh/types.js';
import { planRollout } from '../../src/rollout/planner.js';
import type { PathGateInput } from '../../src/rollout/plan-types.js';
import { applyPlan, snapshotOf } from '../../src/rollout/sim-cluster.js';
import { makeRollout, updating, type Driver } from '../rollout/harness.js';

function path(
  kind: TrafficPath['kind'],
  from: string,
  share: number | null,
  extra: Partial<TrafficPath> = {},
): TrafficPath {
  const desiredShare = 0.1;
  const followsWeight = share !== null && Math.abs(share - desiredShare) <= 0.02;
  return { kind, from, canaryShare: share, desiredShare, followsWeight, findings: [], ...extra };
}

function rolloutWith(annotations: Record<string, string>) {
  const rollout = makeRollout();
  rollout.metadata.annotations = annotations;
  return rollout;
}

describe('pathGateSettings', () => {
  it.each([
    { name: 'defaults', annotations: {}, want: { mode: 'warn', tolerance: 0.02, problems: 0 } },
    {
      name: 'enforce with a tolerance',
      annotations: { [PATH_GATE_ANNOTATION]: 'enforce', [PATH_TOLERANCE_ANNOTATION]: '0.05' },
      want: { mode: 'enforce', tolerance: 0.05, problems: 0 },
    },
    {
      name: 'unknown mode falls back to warn',
      annotations: { [PATH_GATE_ANNOTATION]: 'block' },
      want: { mode: 'warn', tolerance: 0.02, problems: 1 },
    },
    {
      name: 'tolerance out of range falls back to 0.02',
      annotations: { [PATH_GATE_ANNOTATION]: 'enforce', [PATH_TOLERANCE_ANNOTATION]: '5%' },
      want: { mode: 'enforce', tolerance: 0.02, problems: 1 },
    },
  ])('$name', ({ annotations, want }) => {
    const settings = pathGateSettings(rolloutWith(annotations));
    expect({
      mode: settings.mode,
      tolerance: settings.tolerance,
      problems: settings.problems.length,
    }).toEqual(want);
  });

  it('names the annotation field of an unreadable value', () => {
    const settings = pathGateSettings(rolloutWith({ [PATH_TOLERANCE_ANNOTATION]: 'x' }));
    expect(settings.problems).toEqual([
      `metadata.annotations["${PATH_TOLERANCE_ANNOTATION}"]: "x" is not a fraction 0..1`,
    ]);
  });
});

describe('decidePathGate', () => {
  it.each([
    {
      name: 'every path follows',
      paths: [path('gateway', 'ns/gw', 0.1), path('mesh', 'shop', 0.11)],
      blocked: false,
    },
    { name: 'a mesh caller diverges', paths: [path('mesh', 'shop', 0.5)], blocked: true },
    { name: 'a gateway path fails (null share)', paths: [path('gateway', 'ns/gw', null)], blocked: true },
    { name: 'plain callers are not gated', paths: [path('plain', 'legacy', 0.5)], blocked: false },
    { name: 'the generic mesh caller "*" is not gated', paths: [path('mesh', '*', 0.5)], blocked: false },
    {
      name: 'header-route variants are not gated',
      paths: [path('mesh', 'shop', 1, { variant: 'h' })],
      blocked: false,
    },
  ])('$name', ({ paths, blocked }) => {
    expect(decidePathGate(paths, 0.02).blocked).toBe(blocked);
  });

  it('names the worst path, its numbers and its findings', () => {
    const gate = decidePathGate(
      [path('mesh', 'a', 0.2), path('mesh', 'shop', 0.5, { findings: ['mesh-binding'] })],
      0.02,
    );
    expect(gate.message).toBe(
      'mesh from shop gets 50% canary, desired 10%, tolerance 2% (mesh-binding) (+1 more diverging paths)',
    );
  });
});

function finding(code: Finding['code'], severity: Finding['severity']): Finding {
  return { code, severity, message: `${code} happened. numbers.`, objects: [], fix: '', paths: [] };
}

describe('pathCondition', () => {
  it.each([
    { name: 'no findings', findings: [], want: ['True', 'PathsFollowWeight'] },
    {
      name: 'only a warning',
      findings: [finding('plain-callers', 'warning')],
      want: ['True', 'PathsFollowWeight'],
    },
    {
      name: 'the first error names the reason',
      findings: [finding('mesh-binding', 'error'), finding('subset-missing', 'error')],
      want: ['False', 'mesh-binding'],
    },
  ])('$name', ({ findings, want }) => {
    const c = pathCondition({ findings, paths: [], desiredShare: 0.1, problems: [] });
    expect([c.status, c.reason]).toEqual(want);
  });

  it('keeps the finding message and lists the other error codes', () => {
    const c = pathCondition({
      findings: [finding('mesh-binding', 'error'), finding('subset-missing', 'error')],
      paths: [],
      desiredShare: 0.1,
      problems: [],
    });
    expect(c.message).toBe('mesh-binding happened. numbers. Also: subset-missing.');
  });
});

describe('withPathCondition', () => {
  const at = (status: Condition['status'], reason: string): Condition => ({
    type: 'TrafficPathsConsistent',
    status,
    reason,
    message: 'before',
    lastTransitionTime: '2025-01-01T00:00:00Z',
    lastUpdateTime: '2025-01-01T00:00:00Z',
  });
  const next = (status: Condition['status'], reason: string) => ({
    type: 'TrafficPathsConsistent',
    status,
    reason,
    message: 'after',
  });
  it.each([
    {
      name: 'first True: no event',
      before: undefined,
      after: next('True', 'PathsFollowWeight'),
      event: undefined,
    },
    {
      name: 'first False: warning',
      before: undefined,
      after: next('False', 'mesh-binding'),
      event: 'Warning',
    },
    {
      name: 'True → False: warning',
      before: at('True', 'PathsFollowWeight'),
      after: next('False', 'mesh-binding'),
      event: 'Warning',
    },
    {
      name: 'False → True: normal',
      before: at('False', 'mesh-binding'),
      after: next('True', 'PathsFollowWeight'),
      event: 'Normal',
    },
    {
      name: 'same reason, new numbers: none',
      before: at('False', 'mesh-binding'),
      after: next('False', 'mesh-binding'),
      event: undefined,
    },
    {
      name: 'Unknown → True: none',
      before: at('Unknown', 'NoReadyPods'),
      after: next('True', 'PathsFollowWeight'),
      event: undefined,
    },
  ])('$name', ({ before, after, event }) => {
    const result = withPathCondition({}, before ? [before] : undefined, after, Date.UTC(2026, 0, 1));
    const written = result.status.conditions?.[0];
    expect([result.event?.type, written?.message]).toEqual([event, 'after']);
    const kept = before !== undefined && before.status === after.status;
    expect(written?.lastTransitionTime === '2025-01-01T00:00:00Z').toBe(kept);
  });
});

/** One planner pass with the gate, pods up before and after (as the rollout harness's `step`). */
function gatedStep(d: Driver, pathGate: PathGateInput): void {
  d.podsUp();
  d.last = planRollout({ ...snapshotOf(d.cluster), pathGate }, d.now);
  applyPlan(d.cluster, d.last);
  d.events.push(...d.last.events);
  d.podsUp();
}

describe('planner: the path gate holds a setWeight step', () => {
  const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }];
  const blocked = { blocked: true, message: 'mesh from shop gets 50% canary, desired 20%' };

  it('applies the weight, pauses with PathGate naming the path, and completes the step once the gate opens', () => {
    const { d } = updating(makeRollout({ steps: STEPS, traffic: 'subset' }));
    for (let i = 0; i < 5; i++) gatedStep(d, blocked);
    expect(d.status).toMatchObject({ currentStepIndex: 0, phase: 'Paused', controllerPause: true });
    expect(d.status.pauseConditions?.map((p) => p.reason)).toEqual(['PathGate']);
    expect(d.status.message).toBe(`PathGate: ${blocked.message}`);
    expect(d.canaryWeight).toBe(20);
    expect(d.last.requeueAfterMs).toBeLessThanOrEqual(30_000);
    const since = d.status.pauseConditions?.[0]?.startTime;
    d.advance(5_000);
    gatedStep(d, blocked);
    expect(d.status.pauseConditions?.[0]?.startTime).toBe(since);
    gatedStep(d, { blocked: false, message: '' });
    expect([d.status.currentStepIndex, d.status.pauseConditions]).toEqual([1, undefined]);
    gatedStep(d, { blocked: false, message: '' });
    expect(d.status.pauseConditions?.map((p) => p.reason)).toEqual(['CanaryPauseStep']);
    expect(d.eventsWith('RolloutStepCompleted')).toEqual(['Rollout step 1/3 completed (setWeight: 20)']);
  });

  it('does not hold a pause step: a blocked gate there changes nothing', () => {
    const { d } = updating(makeRollout({ steps: STEPS, traffic: 'subset' }));
    d.settle();
    expect(d.status.currentStepIndex).toBe(1);
    d.promote();
    gatedStep(d, blocked);
    expect(d.status.currentStepIndex).toBe(2);
    expect(d.status.pauseConditions ?? []).toEqual([]);
  });
});
