import { describe, expect, it } from 'vitest';
import { WriteExpectations } from '../../src/controller/expectations.js';

const RS = 'ReplicaSet/shop/web-1';
const ROLLOUT = 'Rollout/shop/web';

describe('WriteExpectations', () => {
  it.each([
    { name: 'nothing written: reconcile now', written: [], events: [], at: 0, want: undefined },
    {
      name: 'a write not delivered yet: wait for it',
      written: [{ ref: RS, resourceVersion: '7' }],
      events: [],
      at: 1_000,
      want: 4_000,
    },
    {
      name: 'the write delivered: reconcile now',
      written: [{ ref: RS, resourceVersion: '7' }],
      events: [[RS, '7', false] as const],
      at: 1_000,
      want: undefined,
    },
    {
      name: 'an older version delivered: still waiting',
      written: [{ ref: RS, resourceVersion: '7' }],
      events: [[RS, '6', false] as const],
      at: 1_000,
      want: 4_000,
    },
    {
      name: 'a relist shows the latest state: reconcile now',
      written: [{ ref: RS, resourceVersion: '7' }],
      events: [[RS, '9', true] as const],
      at: 1_000,
      want: undefined,
    },
    {
      name: 'one of two writes delivered: still waiting',
      written: [
        { ref: RS, resourceVersion: '7' },
        { ref: ROLLOUT, resourceVersion: '8' },
      ],
      events: [[ROLLOUT, '8', false] as const],
      at: 1_000,
      want: 4_000,
    },
    {
      name: 'a lost event expires after the timeout',
      written: [{ ref: RS, resourceVersion: '7' }],
      events: [],
      at: 5_000,
      want: undefined,
    },
  ])('$name', ({ written, events, at, want }) => {
    const expectations = new WriteExpectations(5_000);
    expectations.expect('shop/web', written, 0);
    for (const [ref, rv, relisted] of events) expectations.observed(ref, rv, relisted);
    expect(expectations.waiting('shop/web', at)).toBe(want);
  });

  it('a write whose event arrived before its response is not waited for', () => {
    const expectations = new WriteExpectations(5_000);
    expectations.observed(RS, '7');
    expectations.expect('shop/web', [{ ref: RS, resourceVersion: '7' }], 0);
    expect([expectations.waiting('shop/web', 1), expectations.size()]).toEqual([undefined, 0]);
  });
});
