/**
 * Every form of a VirtualService reference resolves to the same object in validation (InvalidSpec), the router
 * (which object is written) and the path model (which object is judged): `routingOf`, Argo's rule — split on dots,
 * the first field is the name, the second the namespace, the rest ignored.
 */
import { describe, expect, it } from 'vitest';
import type { VirtualService } from '../../src/api/istio.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { Rollout } from '../../src/api/rollout.js';
import { validateRolloutContext } from '../../src/api/validate-context.js';
import { buildContext } from '../../src/mesh/context.js';
import { indexSnapshot } from '../../src/mesh/index-snapshot.js';
import { emptySnapshot } from '../../src/mesh/snapshot.js';
import { planTraffic } from '../../src/traffic/istio/reconcile-traffic.js';
import { routingOf } from '../../src/traffic/istio/roles.js';
import { intent, regularVs, rollout } from './fixtures.js';

const ROLLOUT_NS = 'shop';

/** The same VirtualService at every place a reference form could point to. */
const CANDIDATES = ['shop/web', 'mesh/web', 'vs/web', 'default/web', 'shop/web.vs', 'shop/web.mesh'];

function candidates(): VirtualService[] {
  return CANDIDATES.map((key) => {
    const [namespace = '', name = ''] = key.split('/');
    return regularVs(name, namespace);
  });
}

function rolloutReferencing(ref: string): Rollout {
  const ro = rollout({ virtualService: { name: ref, routes: ['primary'] } });
  return { ...ro, metadata: { ...ro.metadata, namespace: ROLLOUT_NS } };
}

const key = (o: { metadata: { name: string; namespace?: string } }) =>
  `${o.metadata.namespace}/${o.metadata.name}`;

function validationResolves(ro: Rollout, target: string): boolean {
  const service = (name: string) =>
    ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ROLLOUT_NS },
      spec: {},
    }) as KubeObject;
  const services = ['stable', 'canary'].map(service);
  const only = candidates().filter((vs) => key(vs) === target);
  const found = validateRolloutContext(ro, [...services, ...only]);
  const missing = validateRolloutContext(ro, services);
  return found.length === 0 && missing.some((e) => e.message.includes(`"${target}" not found`));
}

function routerWrites(ro: Rollout): string[] {
  const plan = planTraffic({
    rollout: ro,
    intent: intent({ canaryWeight: 30 }),
    virtualServices: candidates(),
  });
  expect(plan.errors).toEqual([]);
  return plan.writes.map((w) => key(w.object));
}

function pathModelJudges(ro: Rollout): string[] {
  const snapshot = { ...emptySnapshot(), virtualServices: candidates() };
  const state = { rollout: ro, canaryWeight: 30, canaryHash: '', stableHash: '' };
  return buildContext(indexSnapshot(snapshot), state, 0).referenced.map(key);
}

describe('VirtualService reference forms (validation, router and path model agree)', () => {
  it.each([
    { form: 'bare name', ref: 'web', target: 'shop/web' },
    { form: 'name.namespace', ref: 'web.mesh', target: 'mesh/web' },
    { form: 'name.namespace.svc.cluster.local', ref: 'web.mesh.svc.cluster.local', target: 'mesh/web' },
    { form: 'name.namespace.cluster.local', ref: 'web.mesh.cluster.local', target: 'mesh/web' },
    { form: 'three fields: the third is ignored', ref: 'web.vs.shop', target: 'vs/web' },
    { form: 'empty namespace field: the Rollout’s', ref: 'web.', target: 'shop/web' },
    { form: 'the default namespace named', ref: 'web.default', target: 'default/web' },
  ])('$form: $ref → $target', ({ ref, target }) => {
    const ro = rolloutReferencing(ref);
    const resolved = routingOf(ro)?.virtualServices.map((t) => `${t.namespace}/${t.name}`);
    expect(resolved).toEqual([target]);
    expect(validationResolves(ro, target)).toBe(true);
    expect(routerWrites(ro)).toEqual([target]);
    expect(pathModelJudges(ro)).toEqual([target]);
  });

  it('names the field of each reference and the object it resolves to', () => {
    const ro = rollout({ virtualServices: [{ name: 'a.mesh' }, { name: 'b' }] });
    expect(routingOf(ro)?.virtualServices.map((t) => [t.field, t.objectRef])).toEqual([
      ['spec.strategy.canary.trafficRouting.istio.virtualServices[0].name', 'VirtualService/mesh/a'],
      ['spec.strategy.canary.trafficRouting.istio.virtualServices[1].name', 'VirtualService/default/b'],
    ]);
  });
});
