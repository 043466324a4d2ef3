/**
 * `pingPong` in the planner (ADR 0220, Argo's reconcilePingAndPongService and promoteStable): the Service whose turn
 * it is to be the canary selects the new ReplicaSet during an update, the stable one stays on (or is pinned to) the
 * stable ReplicaSet, and a promotion swaps the roles in `status.canary.stablePingPong` without moving a selector.
 */
import { describe, expect, it } from 'vitest';
import { nextStablePingPong, pingPongServices } from '../../src/api/ping-pong.js';
import type { CanaryStrategy, Rollout, RolloutStatus } from '../../src/api/rollout.js';
import { stableAndCanaryServices } from '../../src/traffic/istio/roles.js';
import { Driver, makeRollout } from './harness.js';

const PING_PONG = { pingService: 'web-ping', pongService: 'web-pong' };

function pingPongRollout(canary: Partial<CanaryStrategy> = {}): Rollout {
  const rollout = makeRollout({ traffic: 'none', steps: [{ setWeight: 20 }, { pause: {} }], canary });
  const strategy = rollout.spec.strategy.canary!;
  strategy.pingPong = PING_PONG;
  strategy.trafficRouting = { istio: { virtualService: { name: 'web', routes: ['primary'] } } };
  return rollout;
}

interface Seen {
  stablePingPong: string | undefined;
  ping: string | undefined;
  pong: string | undefined;
  canaryWeight: number | undefined;
}

function seen(d: Driver, hashes: Record<string, string>): Seen {
  const name = (hash: string | undefined) =>
    hash === undefined ? undefined : (Object.entries(hashes).find(([, h]) => h === hash)?.[0] ?? hash);
  return {
    stablePingPong: d.status.canary?.stablePingPong,
    ping: name(d.serviceHash('web-ping')),
    pong: name(d.serviceHash('web-pong')),
    canaryWeight: d.canaryWeight,
  };
}

/** Update to `image`, run to the pause after setWeight 20, then promote to Healthy; the states on the way. */
function update(d: Driver, image: string, hashes: Record<string, string>) {
  d.setImage(image);
  d.step();
  hashes[image] = d.status.currentPodHash ?? '';
  d.settle();
  const paused = seen(d, hashes);
  const switchesBefore = d.eventsWith('SwitchService').length;
  d.promote();
  d.settle();
  return {
    paused,
    promoted: seen(d, hashes),
    switchesAtPromotion: d.eventsWith('SwitchService').length - switchesBefore,
  };
}

describe('pingPong: selectors and roles over two updates', () => {
  const d = new Driver(pingPongRollout());
  d.settle();
  const hashes: Record<string, string> = { v1: d.status.stableRS ?? '' };
  const first = seen(d, hashes);
  const second = update(d, 'v2', hashes);
  const third = update(d, 'v3', hashes);

  it.each([
    // First deploy: `ping` written; the stable (ping) Service is pinned to v1, pong is not touched yet.
    {
      name: 'first deploy',
      got: first,
      want: { stablePingPong: 'ping', ping: 'v1', pong: undefined, canaryWeight: 0 },
    },
    // Update 1: pong takes v2 and 20 %, ping stays on v1.
    {
      name: 'update 1 paused',
      got: second.paused,
      want: { stablePingPong: 'ping', ping: 'v1', pong: 'v2', canaryWeight: 20 },
    },
    // Promotion: roles swap, no selector moves: pong (v2) is stable with 100 %, ping keeps v1 at weight 0.
    {
      name: 'update 1 promoted',
      got: second.promoted,
      want: { stablePingPong: 'pong', ping: 'v1', pong: 'v2', canaryWeight: 0 },
    },
    // Update 2: now ping is the canary one and takes v3.
    {
      name: 'update 2 paused',
      got: third.paused,
      want: { stablePingPong: 'pong', ping: 'v3', pong: 'v2', canaryWeight: 20 },
    },
    {
      name: 'update 2 promoted',
      got: third.promoted,
      want: { stablePingPong: 'ping', ping: 'v3', pong: 'v2', canaryWeight: 0 },
    },
  ])('$name', ({ got, want }) => {
    expect(got).toEqual(want);
  });

  it('no selector is switched by a promotion', () => {
    expect([second.switchesAtPromotion, third.switchesAtPromotion]).toEqual([0, 0]);
  });
});

describe('pingPong: the canary Service takes the new ReplicaSet before any of its pods is available', () => {
  it('pong selects v2 at weight 0 while v2 has no available pod', () => {
    const d = new Driver(pingPongRollout());
    d.settle();
    const v1 = d.status.stableRS;
    d.setImage('web:2');
    d.step();
    const v2 = d.status.currentPodHash ?? '';
    d.availableCap.set(v2, 0);
    d.settle();
    expect([d.serviceHash('web-ping'), d.serviceHash('web-pong'), d.canaryWeight]).toEqual([v1, v2, 0]);
  });

  it('an abort leaves the canary Service on the new ReplicaSet (weight 0) and the stable one on the stable', () => {
    const d = new Driver(pingPongRollout());
    d.settle();
    const v1 = d.status.stableRS;
    d.setImage('web:2');
    d.settle();
    const v2 = d.status.currentPodHash;
    d.abort();
    d.settle();
    expect([d.serviceHash('web-ping'), d.serviceHash('web-pong'), d.canaryWeight]).toEqual([v1, v2, 0]);
    expect(d.status.canary?.stablePingPong).toBe('ping');
  });

  it('with stableService and canaryService too, both pairs are managed', () => {
    const d = new Driver(pingPongRollout({ stableService: 'web-stable', canaryService: 'web-canary' }));
    d.settle();
    d.setImage('web:2');
    d.settle();
    const v2 = d.status.currentPodHash;
    expect([d.serviceHash('web-pong'), d.serviceHash('web-canary'), d.canaryWeight]).toEqual([v2, v2, 20]);
  });
});

describe('ping-pong roles (api/ping-pong.ts)', () => {
  const status = (stablePingPong?: 'ping' | 'pong'): RolloutStatus =>
    stablePingPong ? { canary: { stablePingPong } } : {};

  it.each([
    { name: 'unset', status: status(), initial: true, roles: ['web-ping', 'web-pong'], next: 'ping' },
    // A Rollout given pingPong while running: ping is stable, so the canary (pong) becomes stable on promotion.
    {
      name: 'unset, not the first deploy',
      status: status(),
      initial: false,
      roles: ['web-ping', 'web-pong'],
      next: 'pong',
    },
    { name: 'ping', status: status('ping'), initial: false, roles: ['web-ping', 'web-pong'], next: 'pong' },
    { name: 'pong', status: status('pong'), initial: false, roles: ['web-pong', 'web-ping'], next: 'ping' },
  ])('$name: stable/canary Services and the next role', ({ status, initial, roles, next }) => {
    const rollout = { ...pingPongRollout(), status };
    const services = pingPongServices(rollout);
    expect([services?.stable, services?.canary]).toEqual(roles);
    expect(stableAndCanaryServices(rollout)).toEqual(roles);
    expect(nextStablePingPong(status, initial)).toBe(next);
  });

  it('the Istio router weighs stableService/canaryService when set, the pair otherwise (Argo)', () => {
    const both = pingPongRollout({ stableService: 'web-stable', canaryService: 'web-canary' });
    expect(stableAndCanaryServices(both)).toEqual(['web-stable', 'web-canary']);
  });
});

describe('pingPong: a new revision in the middle of an update', () => {
  it('pong keeps revision 2 until its weight is 0, then takes revision 3', () => {
    const d = new Driver(pingPongRollout());
    d.settle();
    d.setImage('web:2');
    d.settle();
    const v2 = d.status.currentPodHash;
    expect([d.serviceHash('web-pong'), d.canaryWeight]).toEqual([v2, 20]);
    d.setImage('web:3');
    d.step();
    const v3 = d.status.currentPodHash ?? '';
    d.availableCap.set(v3, 0);
    // The first pass on revision 3 takes the weight off pong and leaves its selector; the next one moves it.
    const taken = d.step();
    expect([d.serviceHash('web-pong'), d.canaryWeight]).toEqual([v2, 0]);
    expect(taken.actions.filter((a) => a.type === 'switchService')).toEqual([]);
    d.step();
    expect([d.serviceHash('web-pong'), d.canaryWeight]).toEqual([v3, 0]);
  });
});
