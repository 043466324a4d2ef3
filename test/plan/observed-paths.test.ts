import { describe, expect, it } from 'vitest';
import type { CallerSplit } from '../../src/mesh/observed-split.ts';
import type { TrafficPath } from '../../src/mesh/types.ts';
import type { ObservedTelemetry } from '../../src/plan/observation.ts';
import {
  decideObservedGate,
  observedGate,
  observedNote,
  observeSplit,
} from '../../src/plan/observed-paths.ts';

const path = (kind: TrafficPath['kind'], from: string): TrafficPath => ({
  kind,
  from,
  canaryShare: 0.1,
  desiredShare: 0.1,
  followsWeight: true,
  findings: [],
});
const PATHS = [
  path('gateway', 'shop/public'),
  path('mesh', 'frontend'),
  path('mesh', '*'),
  path('plain', '*'),
];
const caller = (p: CallerSplit['path'], from: string, canary: number, total: number): CallerSplit => ({
  path: p,
  from,
  canaryRequests: canary,
  totalRequests: total,
  canaryErrors: 0,
});
const reading = (callers: CallerSplit[], extra: Partial<ObservedTelemetry> = {}): ObservedTelemetry => ({
  time: 0,
  canaryRevision: 'abc',
  window: '1m',
  ...(extra.error === undefined ? { callers } : {}),
  ...extra,
});

const cases: {
  name: string;
  telemetry: ObservedTelemetry | undefined;
  blocked: boolean;
  message?: string;
  note?: string;
}[] = [
  {
    name: 'mesh callers get 48 % while 10 % is asked: blocked, with the figures',
    telemetry: reading([caller('gateway', 'istio-system/gw', 30, 300), caller('mesh', 'frontend', 198, 412)]),
    blocked: true,
    message: 'observed: mesh from frontend 48.1% of 412 requests in 1m, desired 10%, tolerance 2%',
    note: ' Observed: gateway shop/public 10% of 300 requests in 1m; mesh from frontend 48.1% of 412 requests in 1m.',
  },
  {
    name: 'every gated path within the tolerance: open',
    telemetry: reading([caller('gateway', 'istio-system/gw', 30, 300), caller('mesh', 'frontend', 41, 412)]),
    blocked: false,
  },
  {
    name: 'a gated path below the minimum sample: waiting, with the count',
    telemetry: reading([caller('gateway', 'istio-system/gw', 30, 300), caller('mesh', 'frontend', 1, 7)]),
    blocked: true,
    message: 'observed: waiting for 20 requests from mesh callers in frontend; 7 so far in 1m',
    note: ' Observed: gateway shop/public 10% of 300 requests in 1m; mesh from frontend 7 requests in 1m (fewer than 20).',
  },
  {
    name: 'a gated path nobody calls is not judged',
    telemetry: reading([caller('gateway', 'istio-system/gw', 30, 300)]),
    blocked: false,
    note: ' Observed: gateway shop/public 10% of 300 requests in 1m; mesh from frontend no requests in 1m.',
  },
  {
    name: 'no request on any gated path: blocked',
    telemetry: reading([caller('mesh', 'other', 50, 100)]),
    blocked: true,
    message: 'observed: no requests from any gated caller path in 1m',
  },
  {
    name: 'the query failed: blocked, naming the error',
    telemetry: reading([], {
      error: 'Prometheus at http://p:9090: connect ECONNREFUSED',
    }),
    blocked: true,
    message: 'observed split unavailable: Prometheus at http://p:9090: connect ECONNREFUSED',
    note: ' Observed: unavailable (Prometheus at http://p:9090: connect ECONNREFUSED).',
  },
  {
    name: 'a reading of an older canary revision is no reading',
    telemetry: reading([caller('mesh', 'frontend', 41, 412)], { canaryRevision: 'old' }),
    blocked: true,
    message: 'observed split unavailable: no telemetry reading of revision abc yet',
  },
  {
    name: 'no reading at all: blocked',
    telemetry: undefined,
    blocked: true,
    message: 'observed split unavailable: no telemetry reading',
    note: '',
  },
];

describe('the gate on observed shares', () => {
  it.each(cases)('$name', ({ telemetry, blocked, message, note }) => {
    const split = observeSplit(telemetry, PATHS, 'abc', 20);
    const gate = decideObservedGate(split, 0.1, 0.02);
    expect(gate.blocked).toBe(blocked);
    if (message !== undefined) expect(gate.message).toBe(message);
    if (note !== undefined) expect(observedNote(split)).toBe(note);
  });

  it('a minimum of 0 lets a Rollout with no traffic at all pass', () => {
    const split = observeSplit(reading([]), PATHS, 'abc', 0);
    expect(decideObservedGate(split, 0.1, 0.02).blocked).toBe(false);
  });

  it('no canary (canary hash empty): no observed split', () => {
    expect(observeSplit(reading([]), PATHS, '', 20)).toBeUndefined();
  });
});

describe('truesplit.io/path-gate-source', () => {
  const held = { blocked: true, message: 'mesh from frontend gets 50% canary' };
  const open = { blocked: false, message: '' };
  const diverging = observeSplit(reading([caller('mesh', 'frontend', 200, 400)]), PATHS, 'abc', 20);
  const following = observeSplit(reading([caller('mesh', 'frontend', 40, 400)]), PATHS, 'abc', 20);
  const rows = [
    { source: 'predicted', predicted: open, split: diverging, blocked: false },
    { source: 'observed', predicted: held, split: following, blocked: false },
    { source: 'observed', predicted: open, split: diverging, blocked: true },
    { source: 'both', predicted: held, split: following, blocked: true },
    { source: 'both', predicted: open, split: diverging, blocked: true },
    { source: 'both', predicted: open, split: following, blocked: false },
  ] as const;
  it.each(rows)(
    '$source: predicted blocked=$predicted.blocked → $blocked',
    ({ source, predicted, split, blocked }) => {
      const gate = observedGate({ source, tolerance: 0.02 }, () => predicted, split, 0.1);
      expect(gate.blocked).toBe(blocked);
    },
  );
  it('both: both reasons when both block', () => {
    const gate = observedGate({ source: 'both', tolerance: 0.02 }, () => held, diverging, 0.1);
    expect(gate.message).toBe(
      'mesh from frontend gets 50% canary; observed: mesh from frontend 50% of 400 requests in 1m, desired 10%, tolerance 2%',
    );
  });
});
