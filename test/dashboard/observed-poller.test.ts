import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/kube/clock.js';
import { ObservedPoller, type ObservedFetch } from '../../src/dashboard/observed-poller.js';
import type { ObservedContext } from '../../src/dashboard/rollout-store.js';
import type { Rollout } from '../../src/api/rollout.js';

const rollout = (name: string) =>
  ({ metadata: { name, namespace: 'shop' }, spec: { strategy: {} } }) as unknown as Rollout;
const context = (name: string): ObservedContext => ({
  rollout: rollout(name),
  replicaSets: [],
  paths: [],
  destinationRules: [],
});

/** A poller whose fetches answer share = number of fetches so far, after a microtask. */
function setup(warnings: readonly string[] = []) {
  const reported: string[] = [];
  const clock = new ManualClock(0);
  const fetched: string[] = [];
  let updates = 0;
  const poller = new ObservedPoller({
    clock,
    intervalMs: 10_000,
    fetch: (ctx): Promise<ObservedFetch> => {
      fetched.push(ctx.rollout.metadata.name);
      const share = { share: fetched.length, requests: 100 };
      return Promise.resolve({ shares: new Map([['mesh:shop', share]]), warnings });
    },
    onUpdate: () => updates++,
    onWarning: (line) => reported.push(line),
  });
  const settle = () => new Promise((done) => setTimeout(done, 0));
  return { clock, poller, fetched, reported, updates: () => updates, settle };
}

describe('ObservedPoller', () => {
  it('asks on the first view, answers from the reading and pushes views when it arrives', async () => {
    const { poller, fetched, updates, settle } = setup();
    expect(poller.lookup('shop/web|mesh:shop', context('web'))).toBeUndefined();
    await settle();
    expect(updates()).toBe(1);
    expect(poller.lookup('shop/web|mesh:shop', context('web'))).toEqual({ share: 1, requests: 100 });
    expect(poller.lookup('shop/web|gateway:x', context('web'))).toBeUndefined();
    expect(fetched).toEqual(['web']);
    poller.stop();
  });

  it('asks at most once per interval per Rollout, and again each interval while it is viewed', async () => {
    const { clock, poller, fetched, settle } = setup();
    poller.lookup('shop/web|mesh:shop', context('web'));
    poller.lookup('shop/api|mesh:shop', context('api'));
    await settle();
    clock.advance(5_000);
    poller.lookup('shop/web|mesh:shop', context('web'));
    await settle();
    expect(fetched).toEqual(['web', 'api']);
    clock.advance(5_000);
    await settle();
    expect(fetched).toEqual(['web', 'api', 'web', 'api']);
    expect(poller.lookup('shop/web|mesh:shop', context('web'))?.share).toBe(3);
    poller.stop();
  });

  it('stops polling a Rollout nobody has viewed for three intervals', async () => {
    const { clock, poller, fetched, settle } = setup();
    poller.lookup('shop/web|mesh:shop', context('web'));
    await settle();
    // Viewed at 0: read then and at 10, 20 and 30 s; not at 40 or 50 s.
    for (let i = 0; i < 6; i++) {
      clock.advance(10_000);
      await settle();
    }
    expect(fetched.length).toBe(4);
    poller.stop();
  });

  it('reports the warnings of a reading', async () => {
    const { poller, reported, settle } = setup(['observed shares unavailable: Prometheus at http://p: down']);
    poller.lookup('shop/web|mesh:shop', context('web'));
    await settle();
    expect(reported).toEqual(['observed shares unavailable: Prometheus at http://p: down']);
    poller.stop();
  });
});
