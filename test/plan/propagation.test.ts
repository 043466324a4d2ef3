/** The propagation rule (ADR 0275): evidence from istiod's status and telemetry, and the wait it decides. */
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/api/meta.js';
import {
  istioStatusEvidence,
  strongestEvidence,
  telemetryEvidenceOf,
  type RoutingEvidence,
  type RoutingObject,
} from '../../src/plan/propagation-evidence.js';
import {
  decidePropagation,
  DEFAULT_PROPAGATION_TIMEOUT_MS,
  NOT_OBSERVABLE,
  PROPAGATED,
  PROPAGATING,
  PROPAGATION_CONDITION,
  PROPAGATION_TIMED_OUT,
  propagationSettings,
  WAIT_DISABLED,
  withPropagation,
} from '../../src/plan/propagation.js';

function vs(
  generation: number,
  observed?: number | string,
  reconciled?: 'True' | 'False',
  message = '3/3 proxies up to date.',
): RoutingObject {
  const status: RoutingObject['status'] = {};
  if (observed !== undefined) status.observedGeneration = observed;
  if (reconciled) status.conditions = [{ type: 'Reconciled', status: reconciled, message }];
  return { kind: 'VirtualService', metadata: { name: 'web', generation }, status };
}

const dr = (generation: number, observed: number, reconciled: 'True' | 'False'): RoutingObject => ({
  ...vs(generation, observed, reconciled),
  kind: 'DestinationRule',
  metadata: { name: 'web', generation },
});

describe('istioStatusEvidence', () => {
  const rows: { name: string; objects: RoutingObject[]; written?: string[]; want: boolean | 'none' }[] = [
    { name: 'no status at all: tracking off', objects: [vs(3)], want: 'none' },
    { name: 'observedGeneration without Reconciled (analysis only)', objects: [vs(3, 3)], want: 'none' },
    { name: 'current generation reconciled', objects: [vs(3, 3, 'True')], want: true },
    { name: 'observedGeneration as a string', objects: [vs(3, '3', 'True')], want: true },
    { name: 'older generation reconciled', objects: [vs(4, 3, 'True')], want: false },
    {
      name: 'current generation, proxies behind',
      objects: [vs(4, 4, 'False', '1/3 proxies up to date.')],
      want: false,
    },
    {
      name: 'written in this pass',
      objects: [vs(3, 3, 'True')],
      written: ['VirtualService/web'],
      want: false,
    },
    { name: 'a DestinationRule behind', objects: [vs(3, 3, 'True'), dr(2, 1, 'True')], want: false },
    { name: 'both reconciled', objects: [vs(3, 3, 'True'), dr(2, 2, 'True')], want: true },
    {
      name: 'one object without status while tracking is on',
      objects: [vs(3, 3, 'True'), dr(2, 0, 'True')],
      want: false,
    },
  ];
  it.each(rows)('$name', ({ objects, written, want }) => {
    const evidence = istioStatusEvidence(objects, new Set(written ?? []));
    if (want === 'none') expect(evidence.signal).toBe('none');
    else expect(evidence).toMatchObject({ signal: 'istio-status', inEffect: want });
  });

  it('names the object and the proxies in the detail', () => {
    const evidence = istioStatusEvidence([vs(4, 4, 'False', '1/3 proxies up to date.')], new Set());
    expect(evidence.detail).toBe('VirtualService web: generation 4 not reconciled (1/3 proxies up to date.)');
  });
});

describe('telemetryEvidenceOf', () => {
  const rows = [
    { name: 'every caller follows', shares: [0.19, 0.21], want: true },
    { name: 'one caller still at the old share', shares: [0.2, 0.1], want: false },
    { name: 'too few samples everywhere', shares: [undefined], want: 'none' as const },
    { name: 'callers below the sample size are not judged', shares: [0.2, undefined], want: true },
  ];
  it.each(rows)('$name', ({ shares, want }) => {
    const callers = shares.map((share, i) => ({ caller: `mesh ns${i}`, share }));
    const evidence = telemetryEvidenceOf({ callers, desiredShare: 0.2, tolerance: 0.02 });
    if (want === 'none') expect(evidence.signal).toBe('none');
    else expect(evidence).toMatchObject({ signal: 'telemetry', inEffect: want });
  });

  it('istiod status wins over telemetry; telemetry answers when status is off', () => {
    const status = istioStatusEvidence([vs(3, 3, 'True')], new Set());
    const off = istioStatusEvidence([vs(3)], new Set());
    const telemetry = telemetryEvidenceOf({
      callers: [{ caller: 'g', share: 0.1 }],
      desiredShare: 0.2,
      tolerance: 0,
    });
    expect(strongestEvidence(status, telemetry).signal).toBe('istio-status');
    expect(strongestEvidence(off, telemetry)).toMatchObject({ signal: 'telemetry', inEffect: false });
    expect(strongestEvidence(off).signal).toBe('none');
  });
});

const T0 = Date.parse('2026-05-04T10:00:00.000Z');
const pending: RoutingEvidence = { signal: 'istio-status', inEffect: false, detail: 'behind' };
const inEffect: RoutingEvidence = { signal: 'istio-status', inEffect: true, detail: 'reconciled' };
const unknown: RoutingEvidence = { signal: 'none', detail: 'tracking off' };

function prior(reason: string, sinceMs: number, status: Condition['status'] = 'False'): Condition[] {
  return [
    { type: PROPAGATION_CONDITION, status, reason, lastTransitionTime: new Date(sinceMs).toISOString() },
  ];
}

describe('decidePropagation', () => {
  const settings = { timeoutMs: DEFAULT_PROPAGATION_TIMEOUT_MS };
  const rows: {
    name: string;
    evidence: RoutingEvidence;
    writing: boolean;
    previous?: Condition[];
    now?: number;
    timeoutMs?: number;
    want: { verified: boolean | undefined; reason: string; waited?: number; event?: string; since?: number };
  }[] = [
    {
      name: 'tracking off: no wait, not observable',
      evidence: unknown,
      writing: true,
      want: { verified: undefined, reason: NOT_OBSERVABLE },
    },
    {
      name: 'a write starts a wait',
      evidence: inEffect,
      writing: true,
      want: { verified: false, reason: PROPAGATING, since: T0 },
    },
    {
      name: 'the wait goes on, its start kept',
      evidence: pending,
      writing: false,
      previous: prior(PROPAGATING, T0 - 4_000),
      want: { verified: false, reason: PROPAGATING, since: T0 - 4_000 },
    },
    {
      name: 'a write during a wait keeps its start (the timeout bounds the whole wait)',
      evidence: pending,
      writing: true,
      previous: prior(PROPAGATING, T0 - 4_000),
      want: { verified: false, reason: PROPAGATING, since: T0 - 4_000 },
    },
    {
      name: 'reconciled: the wait ends and is measured',
      evidence: inEffect,
      writing: false,
      previous: prior(PROPAGATING, T0 - 2_500),
      want: { verified: true, reason: PROPAGATED, waited: 2.5 },
    },
    {
      name: 'in effect with no wait running: verified, nothing measured',
      evidence: inEffect,
      writing: false,
      previous: prior(PROPAGATED, T0 - 60_000, 'True'),
      want: { verified: true, reason: PROPAGATED },
    },
    {
      name: 'timeout: proceed with a warning, measured as timed out',
      evidence: pending,
      writing: false,
      previous: prior(PROPAGATING, T0 - 30_000),
      want: {
        verified: undefined,
        reason: PROPAGATION_TIMED_OUT,
        waited: 30,
        event: 'TrafficPropagationTimedOut',
      },
    },
    {
      name: 'after a timeout nothing holds until the next write',
      evidence: pending,
      writing: false,
      previous: prior(PROPAGATION_TIMED_OUT, T0 - 31_000),
      want: { verified: undefined, reason: PROPAGATION_TIMED_OUT },
    },
    {
      name: 'a write after a timeout starts a new wait',
      evidence: pending,
      writing: true,
      previous: prior(PROPAGATION_TIMED_OUT, T0 - 31_000),
      want: { verified: false, reason: PROPAGATING, since: T0 },
    },
    {
      name: 'routing changed by someone else: wait for it too',
      evidence: pending,
      writing: false,
      previous: prior(PROPAGATED, T0 - 60_000, 'True'),
      want: { verified: false, reason: PROPAGATING, since: T0 },
    },
    {
      name: 'timeout 0: never waits',
      evidence: pending,
      writing: true,
      timeoutMs: 0,
      want: { verified: undefined, reason: WAIT_DISABLED },
    },
  ];
  it.each(rows)('$name', ({ evidence, writing, previous, now, timeoutMs, want }) => {
    const d = decidePropagation({
      evidence,
      writing,
      previous,
      settings: timeoutMs === undefined ? settings : { timeoutMs },
      now: now ?? T0,
    });
    expect(d.verified).toBe(want.verified);
    expect(d.condition.reason).toBe(want.reason);
    expect(d.waited?.seconds).toBe(want.waited);
    expect(d.event?.reason).toBe(want.event);
    if (want.since !== undefined) expect(Date.parse(d.condition.lastTransitionTime ?? '')).toBe(want.since);
    if (d.verified === false) expect(d.requeueAfterMs).toBeGreaterThan(0);
  });

  it('says how long the wait took and through which signal', () => {
    const d = decidePropagation({
      evidence: inEffect,
      writing: false,
      previous: prior(PROPAGATING, T0 - 1_250),
      settings,
      now: T0,
    });
    expect(d.condition.message).toBe('routing in effect after 1.3 s (istio-status: reconciled).');
    expect(d.waited).toEqual({ seconds: 1.25, signal: 'istio-status', timedOut: false });
  });
});

describe('propagationSettings', () => {
  const rows = [
    { value: undefined, timeoutMs: 30_000, problem: false },
    { value: '45s', timeoutMs: 45_000, problem: false },
    { value: '2m', timeoutMs: 120_000, problem: false },
    { value: '10', timeoutMs: 10_000, problem: false },
    { value: '0', timeoutMs: 0, problem: false },
    { value: 'soon', timeoutMs: 30_000, problem: true },
    { value: '-5s', timeoutMs: 30_000, problem: true },
  ];
  it.each(rows)('$value', ({ value, timeoutMs, problem }) => {
    const s = propagationSettings(value === undefined ? {} : { 'truesplit.io/propagation-timeout': value });
    expect(s.timeoutMs).toBe(timeoutMs);
    expect(s.problem !== undefined).toBe(problem);
  });
});

describe('withPropagation', () => {
  it('replaces the condition, adds the event and takes the sooner requeue', () => {
    const d = decidePropagation({
      evidence: pending,
      writing: false,
      previous: prior(PROPAGATING, T0 - 30_000),
      settings: { timeoutMs: 30_000 },
      now: T0,
    });
    const before: Parameters<typeof withPropagation>[0] = {
      status: {
        conditions: [{ type: PROPAGATION_CONDITION, status: 'False' as const, reason: PROPAGATING }],
      },
      events: [],
      requeueAfterMs: 10_000,
    };
    const after = withPropagation(before, d);
    expect(after.status?.conditions?.map((c) => c.reason)).toEqual([PROPAGATION_TIMED_OUT]);
    expect(after.events.map((e) => e.reason)).toEqual(['TrafficPropagationTimedOut']);
    expect(after.requeueAfterMs).toBe(10_000);
    expect(after.propagationWait).toEqual({ seconds: 30, signal: 'istio-status', timedOut: true });
  });
});
