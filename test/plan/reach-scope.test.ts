import { describe, expect, it } from 'vitest';
import type { KubeObject, ReplicaSet, Rollout } from '../../src/api/index.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/api/index.js';
import { meshObservationOf, meshSourceOf, type MeshSource } from '../../src/plan/mesh-observation.js';
import type { RolloutTrafficState } from '../../src/mesh/snapshot.js';
import type { MeshObservation } from '../../src/plan/observation.js';
import { directPathModel } from '../../src/plan/paths.js';
import { specScenarios } from '../oracle/cases.js';
import { generateScenarios } from '../oracle/families.js';
import type { OracleScenario } from '../oracle/scenario.js';
import { Rng } from '../oracle/world-base.js';
import { APP_NS, istio, service } from '../oracle/world.js';

const ROOT = 'istio-system';

/** Pods as the ReplicaSets they stand for: one per namespace and label set, counted (the controller reads these). */
function asReplicaSets(objects: readonly KubeObject[]): KubeObject[] {
  const sets = new Map<string, ReplicaSet>();
  const rest: KubeObject[] = [];
  for (const o of objects) {
    if (o.kind !== 'Pod') {
      rest.push(o);
      continue;
    }
    const labels = o.metadata.labels ?? {};
    const key = `${o.metadata.namespace}|${JSON.stringify(labels)}`;
    const ready = (o as { status?: { conditions?: { status: string }[] } }).status?.conditions?.[0]?.status;
    const rs =
      sets.get(key) ?? replicaSet(`rs-${sets.size}`, o.metadata.namespace ?? 'default', labels, 0, 0);
    const replicas = (rs.spec.replicas ?? 0) + 1;
    const readyReplicas = (rs.status?.readyReplicas ?? 0) + (ready === 'True' ? 1 : 0);
    rs.spec.replicas = replicas;
    rs.status = { replicas, readyReplicas };
    sets.set(key, rs);
  }
  return [...rest, ...sets.values()];
}

function replicaSet(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  replicas: number,
  ready: number,
): ReplicaSet {
  const hash = labels[POD_TEMPLATE_HASH_LABEL];
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace, labels: hash ? { [POD_TEMPLATE_HASH_LABEL]: hash } : {} },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [] } },
    },
    status: { replicas, readyReplicas: ready },
  };
}

const route = (host: string) => [{ route: [{ destination: { host } }] }];

/** One other application of the namespace: its Service and ReplicaSet, maybe a VirtualService and a DestinationRule. */
function neighbour(rng: Rng, i: number): KubeObject[] {
  const name = `other-${i}`;
  const labels = { app: name, [POD_TEMPLATE_HASH_LABEL]: `h${i}` };
  const sidecar = rng.chance(0.8) ? {} : { 'sidecar.istio.io/inject': 'false' };
  const out = [
    service(name, { app: name }),
    replicaSet(`${name}-1`, APP_NS, { ...labels, ...sidecar }, 2, rng.int(0, 2)),
  ];
  if (rng.chance(0.6)) {
    const host = rng.pick([name, `${name}.${APP_NS}.svc.cluster.local`]);
    out.push(
      istio('VirtualService', `${name}-vs`, { hosts: [host], http: route(rng.chance(0.2) ? 'web' : name) }),
    );
  }
  if (rng.chance(0.4)) {
    const subsets = [{ name: 'v1', labels: { app: name } }];
    out.push(istio('DestinationRule', `${name}-dr`, { host: name, subsets }));
  }
  return out;
}

/**
 * A VirtualService bound only to a gateway that the Rollout does not name: a wildcard host, or the Rollout's own
 * Service among others, routing to it or to a neighbour (the scope leaves these out, ADR 0325).
 */
function gatewayOnly(rng: Rng, count: number): KubeObject {
  const other = `other-${rng.int(0, count - 1)}`;
  const hosts = rng.pick([['*'], ['web', other], [`web.${APP_NS}.svc.cluster.local`]]);
  const gateways = [rng.pick(['web-gw', 'istio-system/ingressgateway'])];
  return istio('VirtualService', 'edge-routes', { hosts, gateways, http: route(rng.pick(['web', other])) });
}

/**
 * Other applications in the Rollout's namespace (some without a sidecar), and at random: a Service before the
 * Rollout's own that also selects its pods, another workload with its app label, a wildcard VirtualService routing
 * to one of the others, and a VirtualService bound only to a gateway.
 */
function neighbours(rng: Rng, count: number): KubeObject[] {
  const out = Array.from({ length: count }, (_, i) => neighbour(rng, i)).flat();
  if (rng.chance(0.5)) out.unshift(service('also-web', { app: 'web' }));
  if (rng.chance(0.5)) out.push(replicaSet('web-batch', APP_NS, { app: 'web', role: 'batch' }, 1, 1));
  if (rng.chance(0.3)) {
    const target = `other-${rng.int(0, count - 1)}`;
    out.push(
      istio('VirtualService', 'catch-all', { hosts: ['*.app.svc.cluster.local'], http: route(target) }),
    );
  }
  if (rng.chance(0.4)) out.push(gatewayOnly(rng, count));
  return out;
}

/**
 * What the observation held before the reach (ADR 0320): the Services and PeerAuthentications of the Rollout's and
 * the root namespace, every VirtualService and DestinationRule, every ReplicaSet of the Rollout's namespace.
 */
function namespaceWide(source: MeshSource, rollout: Rollout): MeshObservation {
  const ns = rollout.metadata.namespace ?? 'default';
  return {
    namespaces: source.namespaces(),
    services: [...source.services(ns), ...source.services(ROOT)],
    virtualServices: source.virtualServices(),
    destinationRules: source.destinationRules(),
    gateways: source.gateways(),
    sidecars: source.sidecars(),
    peerAuthentications: [...source.peerAuthentications(ns), ...source.peerAuthentications(ROOT)],
    replicaSets: source.replicaSets(ns),
    rootNamespace: ROOT,
  };
}

/** The Rollout naming no Service and no DestinationRule: callers dial the first Service that selects its pods. */
function namingNoService(state: RolloutTrafficState): RolloutTrafficState {
  const canary = state.rollout.spec.strategy.canary ?? {};
  const { stableService: _s, canaryService: _c, ...rest } = canary;
  const { destinationRule: _d, ...istio } = canary.trafficRouting?.istio ?? {};
  const strategy = { canary: { ...rest, trafficRouting: { ...canary.trafficRouting, istio } } };
  return { ...state, rollout: { ...state.rollout, spec: { ...state.rollout.spec, strategy } } };
}

function compare(scenario: OracleScenario, objects: readonly KubeObject[], state = scenario.state) {
  const source = meshSourceOf(objects);
  const rollout = state.rollout;
  const options = { tolerance: 0, fixes: true };
  const wide = namespaceWide(source, rollout);
  const scoped = meshObservationOf(source, rollout, ROOT);
  const size = (m: MeshObservation) => m.services.length + m.replicaSets.length + m.virtualServices.length;
  return {
    expected: directPathModel.analyze(wide, state, options),
    actual: directPathModel.analyze(scoped, state, options),
    kept: size(scoped),
    all: size(wide),
  };
}

const scenarios = [...specScenarios(), ...generateScenarios(20261202, 25)];

describe('judging a Rollout on what its paths reach gives what the namespace-wide observation gives', () => {
  it('every oracle scenario, alone', () => {
    let paths = 0;
    for (const scenario of scenarios) {
      const { expected, actual } = compare(scenario, asReplicaSets(scenario.objects));
      expect(actual, scenario.name).toEqual(expected);
      paths += expected.paths.length;
    }
    expect(paths).toBeGreaterThan(scenarios.length * 3);
  });

  it('every oracle scenario among other applications of its namespace, which are left out', () => {
    const rng = new Rng(15);
    let kept = 0;
    let all = 0;
    let plain = 0;
    for (const scenario of scenarios) {
      const objects = [...asReplicaSets(scenario.objects), ...neighbours(rng, rng.int(1, 12))];
      const state = rng.chance(0.3) ? namingNoService(scenario.state) : scenario.state;
      const result = compare(scenario, objects, state);
      expect(result.actual, scenario.name).toEqual(result.expected);
      kept += result.kept;
      all += result.all;
      plain += result.expected.paths.filter((p) => p.kind === 'plain' && p.from === APP_NS).length;
    }
    // The neighbours are most of the input and left out; some made the Rollout's own namespace a plain caller.
    expect(kept).toBeLessThan(all / 2);
    expect(plain).toBeGreaterThan(0);
  });
});
