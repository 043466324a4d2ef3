import { describe, expect, it } from 'vitest';
import type { DestinationRule, Rollout, VirtualService } from '../../src/api/index.js';
import { planRouteCleanup, planTraffic } from '../../src/traffic/istio/index.js';
import type { TrafficPlan } from '../../src/traffic/router.js';
import {
  destinationRule,
  hostRollout,
  intent,
  l4Routes,
  regularVs,
  rollout,
  stableCanary,
  subsetDest,
  subsetRollout,
  virtualService,
  weights,
} from './fixtures.js';

const HASH = 'rollouts-pod-template-hash';
const written = (plan: TrafficPlan) => plan.writes.map((w) => `${w.kind}/${w.object.metadata.name}`);
const writtenVs = (plan: TrafficPlan, i = 0) =>
  plan.writes.filter((w) => w.kind === 'VirtualService')[i]?.object as VirtualService;

const twoVs = (
  refs: { name: string; routes?: string[]; tlsRoutes?: { port: number }[]; tcpRoutes?: { port: number }[] }[],
) => rollout({ virtualServices: refs });

describe('planTraffic — references and multiple VirtualServices', () => {
  it('§5.20 VS absent → VirtualServiceNotFound error and Warning event, no writes', () => {
    const plan = planTraffic({
      rollout: hostRollout({ routes: ['primary'] }),
      intent: intent({ canaryWeight: 10 }),
      virtualServices: [],
    });
    expect(plan.writes).toEqual([]);
    expect(plan.errors.map((e) => e.reason)).toEqual(['VirtualServiceNotFound']);
    expect(plan.events).toEqual([
      { type: 'Warning', reason: 'VirtualServiceNotFound', message: 'VirtualService `vsvc` not found' },
    ]);
  });

  it('§5.31 virtualServices[0] routes=[secondary], tls 3000, tcp 3000, W=20', () => {
    const vs = { ...regularVs(), spec: { ...regularVs().spec, tls: l4Routes(), tcp: l4Routes() } };
    const ro = twoVs([
      { name: 'vsvc', routes: ['secondary'], tlsRoutes: [{ port: 3000 }], tcpRoutes: [{ port: 3000 }] },
    ]);
    const out = writtenVs(
      planTraffic({ rollout: ro, intent: intent({ canaryWeight: 20 }), virtualServices: [vs] }),
    );
    expect(weights(out, 'http', 1)).toEqual({ stable: 80, canary: 20 });
    expect(out.spec.http?.[0]).toEqual(vs.spec.http?.[0]);
    expect(weights(out, 'tls', 0)).toEqual({ stable: 80, canary: 20 });
    expect(weights(out, 'tcp', 0)).toEqual({ stable: 80, canary: 20 });
  });

  it('§5.32 two VSs: W=0 already → no writes; W=10 → two writes; unknown route → error; second missing → NotFound', () => {
    const ro = twoVs([
      { name: 'vsvc', routes: ['primary'] },
      { name: 'vsvc2', routes: ['primary'] },
    ]);
    const both = [regularVs(), regularVs('vsvc2')];
    expect(planTraffic({ rollout: ro, intent: intent(), virtualServices: both }).writes).toEqual([]);
    expect(
      written(planTraffic({ rollout: ro, intent: intent({ canaryWeight: 10 }), virtualServices: both })),
    ).toEqual(['VirtualService/vsvc', 'VirtualService/vsvc2']);
    const badRoutes = twoVs([
      { name: 'vsvc', routes: ['nope'] },
      { name: 'vsvc2', routes: ['primary'] },
    ]);
    expect(
      planTraffic({ rollout: badRoutes, intent: intent({ canaryWeight: 10 }), virtualServices: both })
        .errors[0]?.message,
    ).toBe("HTTP Route 'nope' is not found in the defined Virtual Service.");
    const missing = planTraffic({
      rollout: ro,
      intent: intent({ canaryWeight: 10 }),
      virtualServices: [regularVs()],
    });
    expect([missing.writes, missing.errors.map((e) => e.object)]).toEqual([
      [],
      ['VirtualService/default/vsvc2'],
    ]);
  });

  it('§5.33 two multi-route VSs with routes omitted → ambiguity; two single-route VSs → both 10/90', () => {
    const ro = twoVs([{ name: 'vsvc' }, { name: 'vsvc2' }]);
    const ambiguous = planTraffic({
      rollout: ro,
      intent: intent({ canaryWeight: 10 }),
      virtualServices: [regularVs(), regularVs('vsvc2')],
    });
    expect(ambiguous.writes).toEqual([]);
    expect(ambiguous.errors).toHaveLength(2);
    const single = (name: string) => virtualService({ http: [{ route: stableCanary() }] }, name);
    const plan = planTraffic({
      rollout: ro,
      intent: intent({ canaryWeight: 10 }),
      virtualServices: [single('vsvc'), single('vsvc2')],
    });
    expect([0, 1].map((i) => weights(writtenVs(plan, i), 'http', 0))).toEqual([
      { stable: 90, canary: 10 },
      { stable: 90, canary: 10 },
    ]);
  });

  it('all-or-nothing: one broken VS means the healthy one is not written either', () => {
    const ro = twoVs([
      { name: 'vsvc', routes: ['primary'] },
      { name: 'vsvc2', routes: ['primary'] },
    ]);
    const broken = virtualService({ http: [{ name: 'other', route: stableCanary() }] }, 'vsvc2');
    const plan = planTraffic({
      rollout: ro,
      intent: intent({ canaryWeight: 30 }),
      virtualServices: [regularVs(), broken],
    });
    expect(plan.writes).toEqual([]);
    expect(plan.errors.map((e) => e.object)).toEqual(['VirtualService/default/vsvc2']);
  });

  it('cross-namespace reference `vsvc.mesh` finds the VS in namespace mesh; DR is looked up in the rollout namespace', () => {
    const ro = rollout({ virtualService: { name: 'vsvc.mesh', routes: ['primary'] } });
    const plan = planTraffic({
      rollout: ro,
      intent: intent({ canaryWeight: 5 }),
      virtualServices: [regularVs(), regularVs('vsvc', 'mesh')],
    });
    expect(writtenVs(plan).metadata.namespace).toBe('mesh');
    const sro = subsetRollout({});
    const foreignDr: DestinationRule = {
      ...destinationRule(),
      metadata: { name: 'guestbook-dr', namespace: 'mesh' },
    };
    const drPlan = planTraffic({
      rollout: sro,
      intent: intent(),
      virtualServices: [],
      destinationRule: foreignDr,
    });
    expect(drPlan.errors.map((e) => e.reason)).toContain('DestinationRuleNotFound');
  });
});

describe('planTraffic — managed routes are exactly the intent', () => {
  const ro = hostRollout({ routes: ['primary'] }, { managedRoutes: ['hdr', 'mirror'] });
  const hdr = {
    kind: 'header' as const,
    name: 'hdr',
    step: { name: 'hdr', match: [{ headerName: 'x', headerValue: { exact: 'y' } }] },
  };
  const mir = {
    kind: 'mirror' as const,
    name: 'mirror',
    step: { name: 'mirror', match: [{ path: { prefix: '/api' } }], percentage: 50 },
  };

  it('adds wanted routes in managedRoutes order, re-weights the mirror with the route, then removes them', () => {
    const plan = planTraffic({
      rollout: ro,
      intent: intent({ canaryWeight: 20, managedRoutes: [mir, hdr] }),
      virtualServices: [regularVs()],
    });
    const out = writtenVs(plan);
    expect(out.spec.http?.map((r) => r.name)).toEqual(['hdr', 'mirror', 'primary', 'secondary']);
    expect(weights(out, 'http', 1)).toEqual({ stable: 80, canary: 20 });
    expect(out.spec.http?.[1]?.match).toEqual([{ uri: { prefix: '/api' } }]);
    expect(
      planTraffic({
        rollout: ro,
        intent: intent({ canaryWeight: 20, managedRoutes: [mir, hdr] }),
        virtualServices: [out],
      }).writes,
    ).toEqual([]);
    const onlyHeader = writtenVs(
      planTraffic({
        rollout: ro,
        intent: intent({ canaryWeight: 20, managedRoutes: [hdr] }),
        virtualServices: [out],
      }),
    );
    expect(onlyHeader.spec.http?.map((r) => r.name)).toEqual(['hdr', 'primary', 'secondary']);
    const none = writtenVs(
      planTraffic({ rollout: ro, intent: intent({ canaryWeight: 0 }), virtualServices: [onlyHeader] }),
    );
    expect(none).toEqual(regularVs());
  });
});

describe('planTraffic — DestinationRule ordering (ADR 0030)', () => {
  const ro = subsetRollout({ routes: ['primary'] });
  const vsAt = (canary: number) =>
    virtualService({
      http: [{ name: 'primary', route: [subsetDest('stable', 100 - canary), subsetDest('canary', canary)] }],
    });
  const drWith = (canaryHash: string, stableHash: string) => ({
    ...destinationRule([
      { name: 'stable', labels: { [HASH]: stableHash } },
      { name: 'canary', labels: { [HASH]: canaryHash } },
    ]),
    metadata: {
      name: 'guestbook-dr',
      namespace: 'default',
      annotations: { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'guestbook' },
    },
  });
  const plan = (
    ro2: Rollout,
    vs: VirtualService,
    dr: DestinationRule,
    partial: Parameters<typeof intent>[0],
  ) => planTraffic({ rollout: ro2, intent: intent(partial), virtualServices: [vs], destinationRule: dr });

  it('new canary hash while the VS still sends 5% to canary → drain pass: VS to 0 only, DR postponed', () => {
    const p = plan(ro, vsAt(5), drWith('c2', 's1'), { canaryWeight: 0, canaryHash: 'c3', stableHash: 's1' });
    expect(written(p)).toEqual(['VirtualService/vsvc']);
    expect(weights(writtenVs(p), 'http', 0)).toEqual({ stable: 100, canary: 0 });
    expect(p.requeue).toBe(true);
    expect(p.events.map((e) => e.reason)).toContain('DestinationRuleSwitchPostponed');
  });

  it('drain applies even when the intent already asks for weight > 0 (rollback into an in-flight canary, #4612)', () => {
    const p = plan(ro, vsAt(20), drWith('c2', 's1'), {
      canaryWeight: 100,
      canaryHash: 'c0',
      stableHash: 's1',
    });
    expect(weights(writtenVs(p), 'http', 0)).toEqual({ stable: 100, canary: 0 });
    expect(written(p)).toEqual(['VirtualService/vsvc']);
  });

  it('canary weight already 0 → retarget pass: DR first, weight held at 0, requeue when the intent wants more', () => {
    const p = plan(ro, vsAt(0), drWith('c2', 's1'), { canaryWeight: 20, canaryHash: 'c3', stableHash: 's1' });
    expect(written(p)).toEqual(['DestinationRule/guestbook-dr']);
    expect(p.requeue).toBe(true);
    const next = plan(ro, vsAt(0), drWith('c3', 's1'), {
      canaryWeight: 20,
      canaryHash: 'c3',
      stableHash: 's1',
    });
    expect(written(next)).toEqual(['VirtualService/vsvc']);
    expect(weights(writtenVs(next), 'http', 0)).toEqual({ stable: 80, canary: 20 });
    expect(next.requeue).toBe(false);
  });

  it('weightBeforeHashes with only a stable relabel still drains first', () => {
    const p = plan(ro, vsAt(30), drWith('c2', 's1'), {
      canaryWeight: 0,
      canaryHash: 'c2',
      stableHash: 's2',
      weightBeforeHashes: true,
    });
    expect(written(p)).toEqual(['VirtualService/vsvc']);
  });

  it('promotion (only the stable label moves) writes DR then VS in one pass', () => {
    const p = plan(ro, vsAt(50), drWith('c2', 's1'), { canaryWeight: 0, canaryHash: 'c2', stableHash: 'c2' });
    expect(written(p)).toEqual(['DestinationRule/guestbook-dr', 'VirtualService/vsvc']);
  });

  it('§5.41 delayHashSwitch with a DR change → error naming the ReplicaSet, nothing written', () => {
    const p = plan(ro, vsAt(0), drWith('c2', 's1'), {
      canaryWeight: 10,
      canaryHash: 'abc123',
      stableHash: 's1',
      delayHashSwitch: 'guestbook-abc123',
    });
    expect(p.writes).toEqual([]);
    expect(p.errors).toEqual([
      {
        reason: 'DelayedHashSwitch',
        object: 'DestinationRule/default/guestbook-dr',
        message: 'delaying destination rule switch: ReplicaSet guestbook-abc123 not fully available',
      },
    ]);
  });

  it('§5.42 delayHashSwitch while the DR is already correct → no error, weights move', () => {
    const p = plan(ro, vsAt(0), drWith('c2', 's1'), {
      canaryWeight: 10,
      canaryHash: 'c2',
      stableHash: 's1',
      delayHashSwitch: 'x',
    });
    expect([p.errors, written(p)]).toEqual([[], ['VirtualService/vsvc']]);
  });

  it('§5.46 DR name that does not exist → error mentioning the DR name', () => {
    const p = planTraffic({ rollout: ro, intent: intent(), virtualServices: [vsAt(0)] });
    expect(p.errors[0]?.message).toBe('DestinationRule `guestbook-dr` not found');
  });
});

describe('planRouteCleanup', () => {
  const ro = (names: string[]) => twoVs(names.map((name) => ({ name, routes: ['primary'] })));
  const withManaged = (name: string) =>
    virtualService(
      { http: [{ name: 'm', route: stableCanary(0, 100) }, ...(regularVs().spec.http ?? [])] },
      name,
    );
  const managed = (r: Rollout): Rollout => {
    const canary = r.spec.strategy.canary;
    if (canary?.trafficRouting) canary.trafficRouting.managedRoutes = [{ name: 'm' }];
    return r;
  };

  it('§5.48 VS missing → no writes, no error', () => {
    expect(planRouteCleanup({ rollout: managed(ro(['vsvc'])), virtualServices: [] })).toEqual({
      writes: [],
      errors: [],
      events: [],
      requeue: false,
    });
  });

  it('§5.48 three VSs, one missing → two writes, no error', () => {
    const p = planRouteCleanup({
      rollout: managed(ro(['vsvc', 'gone', 'vsvc3'])),
      virtualServices: [withManaged('vsvc'), withManaged('vsvc3')],
    });
    expect([written(p), p.errors]).toEqual([['VirtualService/vsvc', 'VirtualService/vsvc3'], []]);
    expect(writtenVs(p).spec.http).toEqual(regularVs().spec.http);
  });
});
