import { describe, expect, it } from 'vitest';
import type { CanaryStep, Rollout } from '../../src/api/rollout.js';
import { Driver, makeRollout, updating } from './harness.js';

const condition = (d: Driver, type: string) => d.status.conditions?.find((c) => c.type === type);

/** `truesplit promote` on a Rollout with no pause condition: the current step is skipped. */
function promoteSkip(d: Driver): void {
  d.status.currentStepIndex = (d.status.currentStepIndex ?? 0) + 1;
}

describe('an unsupported step holds the update', () => {
  it.each<{ kind: string; step: CanaryStep }>([
    { kind: 'experiment', step: { experiment: { templates: [] } } },
    { kind: 'plugin', step: { plugin: { name: 'example/step' } } },
  ])('$kind: never reaches the next setWeight, Paused with UnsupportedStep', ({ kind, step }) => {
    const rollout = makeRollout({
      steps: [{ setWeight: 10 }, step, { setWeight: 50 }],
      progressDeadlineSeconds: 60,
      progressDeadlineAbort: true,
    });
    const { d, v2 } = updating(rollout);
    d.settle();
    d.advance(3600_000);
    d.settle();
    const field = `spec.strategy.canary.steps[1].${kind}`;
    expect([d.status.currentStepIndex, d.canaryWeight, d.status.stableRS === v2, d.status.abort]).toEqual([
      1,
      10,
      false,
      undefined,
    ]);
    expect(d.status.phase).toBe('Paused');
    expect(d.status.message).toMatch(
      new RegExp(`^UnsupportedStep: ${field.replace(/[.[\]]/g, '\\$&')} is not supported by truesplit`),
    );
    expect(condition(d, 'UnsupportedSpec')).toMatchObject({ status: 'True', reason: 'UnsupportedStep' });
    expect(d.eventsWith('UnsupportedStep')).toHaveLength(1);
    expect(d.eventsWith('UnsupportedStep')[0]).toContain(field);
    expect(d.eventsWith('RolloutStepCompleted')).toEqual(['Rollout step 1/3 completed (setWeight: 10)']);
  });

  it('`promote` skips the held step; the condition goes with the hold', () => {
    const step = { experiment: { templates: [] } };
    const { d, v2 } = updating(makeRollout({ steps: [{ setWeight: 10 }, step, { setWeight: 50 }] }));
    d.settle();
    promoteSkip(d);
    d.settle();
    d.advance(30_000);
    d.settle();
    expect([d.status.stableRS, d.status.phase, condition(d, 'UnsupportedSpec')]).toEqual([
      v2,
      'Healthy',
      undefined,
    ]);
  });

  it('does not hold the first deploy or a rollback to the stable template', () => {
    const steps = [{ experiment: {} }, { setWeight: 50 }];
    const first = new Driver(makeRollout({ steps }));
    first.settle();
    expect([first.status.phase, condition(first, 'UnsupportedSpec')]).toEqual(['Healthy', undefined]);
    const { d, v1 } = updating(makeRollout({ steps }));
    d.settle();
    d.setImage('web:1');
    d.settle();
    expect([d.status.stableRS, d.status.currentPodHash, d.status.phase]).toEqual([v1, v1, 'Healthy']);
  });
});

describe('a Rollout held as a whole', () => {
  const held = (edit: (r: Rollout) => void): Rollout => {
    const r = makeRollout({ steps: [{ setWeight: 10 }] });
    edit(r);
    return r;
  };
  it.each([
    {
      field: 'spec.strategy.blueGreen',
      rollout: held((r) => (r.spec.strategy = { blueGreen: { activeService: 'web-stable' } })),
    },
    {
      field: 'spec.strategy.canary.trafficRouting.nginx',
      rollout: held((r) => (r.spec.strategy.canary!.trafficRouting = { nginx: { stableIngress: 'web' } })),
    },
    {
      field: 'spec.strategy.canary.trafficRouting.plugins',
      rollout: held((r) => (r.spec.strategy.canary!.trafficRouting = { plugins: { 'x/y': {} } })),
    },
  ])('$field: no writes, Degraded, one event naming the field', ({ field, rollout }) => {
    const d = new Driver(rollout);
    const first = d.plan();
    const second = d.plan();
    expect([first.actions, first.traffic, second.actions]).toEqual([[], undefined, []]);
    expect(d.cluster.replicaSets).toEqual([]);
    expect(d.status.phase).toBe('Degraded');
    expect(d.status.message).toContain(`UnsupportedField: ${field} is not supported by truesplit`);
    expect(d.events.filter((e) => e.type === 'Warning').map((e) => e.reason)).toEqual(['UnsupportedField']);
  });
});

describe('warned fields', () => {
  it('notification subscriptions (supported, ADR 0160): no warning, no IgnoredFields condition', () => {
    const rollout = makeRollout({ steps: [{ setWeight: 10 }] });
    rollout.metadata.annotations = { 'notifications.argoproj.io/subscribe.on-rollout-completed.slack': 'ch' };
    const { d, v2 } = updating(rollout);
    d.settle();
    d.advance(30_000);
    d.settle();
    expect(d.status.stableRS).toBe(v2);
    expect(condition(d, 'IgnoredFields')).toBeUndefined();
    expect(d.eventsWith('UnsupportedField')).toHaveLength(0);
  });
});
