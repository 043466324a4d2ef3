/**
 * What the path model needs of a mesh to judge one Rollout: the configuration of the hosts its paths can reach
 * (`reach`, ADR 0320). Leaving the rest out changes no result of the model, and the cost of judging one Rollout does
 * not grow with the number of other applications in the mesh or in its namespace. The controller's observation, the
 * live views and `truesplit analyze -f` all scope by this one rule.
 */
import type { DestinationRule, Gateway, PeerAuthentication, Sidecar, VirtualService } from '../api/istio.js';
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { Namespace, ReplicaSet, Service } from '../api/workloads.js';
import { namespaceOf, routingOf } from '../traffic/istio/roles.js';
import { pick, positionsBy, type PositionIndex } from '../util/positions.js';
import { concernsAny, hostLabel, reach, seedLabels } from './reach.js';
import { hostKey, meshHostLabels, namedKey, SCOPE_INDEXERS, selectorKey, serviceKey } from './scope-keys.js';

/**
 * The objects of a kind under any of some keys (`scope-keys.ts`), in source order: a superset of what the scope
 * keeps, so it tests a few objects instead of all.
 */
export interface ScopeLookup {
  virtualServices(keys: readonly string[]): readonly VirtualService[];
  destinationRules(keys: readonly string[]): readonly DestinationRule[];
  services(keys: readonly string[]): readonly Service[];
  replicaSets(keys: readonly string[]): readonly ReplicaSet[];
}

/** Where the objects come from: `namespace` undefined lists every namespace. */
export interface MeshSource {
  namespaces(): readonly Namespace[];
  services(namespace: string): readonly Service[];
  virtualServices(): readonly VirtualService[];
  destinationRules(): readonly DestinationRule[];
  gateways(): readonly Gateway[];
  sidecars(): readonly Sidecar[];
  peerAuthentications(namespace: string): readonly PeerAuthentication[];
  replicaSets(namespace: string): readonly ReplicaSet[];
  /** Optional index; without it the scope tests every object. */
  lookup?: ScopeLookup;
}

/** The objects of a mesh that concern one Rollout's hosts. */
export interface RolloutScope {
  services: Service[];
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  peerAuthentications: PeerAuthentication[];
}

/**
 * Mesh host labels (`meshHostLabels`) and `namespace/name` of each object, kept for
 * frozen objects (cached ones: replaced, never changed).
 */
const vsKeys = new WeakMap<VirtualService, { labels: string[]; ref: string }>();
const drLabels = new WeakMap<DestinationRule, string>();

function keysOfVs(vs: VirtualService): { labels: string[]; ref: string } {
  let keys = vsKeys.get(vs);
  if (!keys) {
    const ref = namedKey('VirtualService', namespaceOf(vs), vs.metadata.name);
    keys = { labels: meshHostLabels(vs), ref };
    if (Object.isFrozen(vs)) vsKeys.set(vs, keys);
  }
  return keys;
}

function labelOfDr(dr: DestinationRule): string {
  let label = drLabels.get(dr);
  if (label === undefined) {
    label = hostLabel(dr.spec.host);
    if (Object.isFrozen(dr)) drLabels.set(dr, label);
  }
  return label;
}

/** The Rollout's routing objects by name (`namedKey`): the VirtualServices it names and its DestinationRule. */
function namedByRollout(rollout: Rollout): Set<string> {
  const named = new Set(
    (routingOf(rollout)?.virtualServices ?? []).map((t) => namedKey('VirtualService', t.namespace, t.name)),
  );
  const drName = rollout.spec.strategy.canary?.trafficRouting?.istio?.destinationRule?.name;
  if (drName !== undefined) named.add(namedKey('DestinationRule', namespaceOf(rollout), drName));
  return named;
}

/** The VirtualServices and DestinationRules that may concern hosts of `labels` or are `named`: candidates. */
function routingCandidates(source: MeshSource, labels: ReadonlySet<string>, named: ReadonlySet<string>) {
  if (!source.lookup) {
    return { virtualServices: source.virtualServices(), destinationRules: source.destinationRules() };
  }
  const keys = [hostKey('*'), ...[...labels].map(hostKey), ...named];
  return {
    virtualServices: source.lookup.virtualServices(keys),
    destinationRules: source.lookup.destinationRules(keys),
  };
}

/**
 * The Services of the Rollout's namespace that may select its pods (`selectingService` applies the exact rule): with
 * an index, those whose selector shares a label with its pod template, in source order; without, all of them.
 */
function selectorCandidates(source: MeshSource, rollout: Rollout): readonly Service[] {
  const namespace = namespaceOf(rollout);
  if (!source.lookup) return source.services(namespace);
  const labels = Object.entries(rollout.spec.template?.metadata?.labels ?? {});
  return source.lookup.services(labels.map(([key, value]) => selectorKey(namespace, key, value)));
}

/** The Services of `namespace` whose names are reached. */
function servicesIn(source: MeshSource, namespace: string, labels: ReadonlySet<string>): readonly Service[] {
  if (source.lookup) return source.lookup.services([...labels].map((label) => serviceKey(namespace, label)));
  return source.services(namespace).filter((svc) => labels.has(svc.metadata.name));
}

/**
 * The Services, mesh-bound VirtualServices, DestinationRules and PeerAuthentications that concern the hosts the
 * Rollout's paths can reach (`reach`), from its namespace and the root namespace; the VirtualServices it names
 * wherever they are. A VirtualService bound only to gateways that it does not name is left out: the model never
 * reads one (gateway paths go through the Rollout's own VirtualServices; sidecars match mesh-bound ones by host).
 */
export function rolloutScope(source: MeshSource, rollout: Rollout, rootNamespace: string): RolloutScope {
  const namespace = namespaceOf(rollout);
  const named = namedByRollout(rollout);
  const ownDr = routingCandidates(source, new Set(), named).destinationRules.find((dr) =>
    named.has(namedKey('DestinationRule', namespaceOf(dr), dr.metadata.name)),
  );
  const seeds = seedLabels(rollout, () => selectorCandidates(source, rollout), ownDr?.spec.host);
  const reached = reach(seeds, (labels) =>
    routingCandidates(source, labels, named).virtualServices.filter((vs) => {
      const keys = keysOfVs(vs);
      return named.has(keys.ref) || keys.labels.some((label) => concernsAny(labels, label));
    }),
  );
  const { labels } = reached;
  const others = rootNamespace !== namespace ? [rootNamespace] : [];
  return {
    services: [namespace, ...others].flatMap((ns) => servicesIn(source, ns, labels)),
    virtualServices: [...reached.virtualServices],
    destinationRules: routingCandidates(source, labels, named).destinationRules.filter((dr) =>
      concernsAny(labels, labelOfDr(dr)),
    ),
    peerAuthentications: [namespace, ...others].flatMap((ns) => source.peerAuthentications(ns)),
  };
}

/** A ScopeLookup over fixed lists, each indexed at its first use. */
function lookupOver(all: <T>(kind: keyof typeof SCOPE_INDEXERS) => readonly T[]): ScopeLookup {
  const indexes = new Map<string, PositionIndex>();
  const find = <T>(kind: keyof typeof SCOPE_INDEXERS, keys: readonly string[]): T[] => {
    const items = all<T>(kind);
    let index = indexes.get(kind);
    if (!index) {
      index = positionsBy(items, SCOPE_INDEXERS[kind] as unknown as (item: T) => readonly string[]);
      indexes.set(kind, index);
    }
    return pick(items, index, keys);
  };
  return {
    virtualServices: (keys) => find('VirtualService', keys),
    destinationRules: (keys) => find('DestinationRule', keys),
    services: (keys) => find('Service', keys),
    replicaSets: (keys) => find('ReplicaSet', keys),
  };
}

/**
 * A MeshSource over a list of objects (a live read, the dashboard's caches, manifests), indexed by kind and namespace
 * once; an object without a namespace is in `default`, as kubectl says.
 */
export function meshSourceOf(objects: readonly KubeObject[]): MeshSource {
  const byKind = new Map<string, KubeObject[]>();
  const byNamespace = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const kind = byKind.get(o.kind) ?? [];
    kind.push(o);
    byKind.set(o.kind, kind);
    const key = `${o.kind}/${namespaceOf(o)}`;
    const local = byNamespace.get(key) ?? [];
    local.push(o);
    byNamespace.set(key, local);
  }
  const all = <T>(kind: string) => (byKind.get(kind) ?? []) as unknown as T[];
  const inNamespace =
    <T extends KubeObject>(kind: string) =>
    (namespace: string) =>
      (byNamespace.get(`${kind}/${namespace}`) ?? []) as unknown as T[];
  return {
    lookup: lookupOver(all),
    namespaces: () => all<Namespace>('Namespace'),
    services: inNamespace<Service>('Service'),
    virtualServices: () => all<VirtualService>('VirtualService'),
    destinationRules: () => all<DestinationRule>('DestinationRule'),
    gateways: () => all<Gateway>('Gateway').filter((g) => g.apiVersion.startsWith('networking.istio.io/')),
    sidecars: () => all<Sidecar>('Sidecar'),
    peerAuthentications: inNamespace<PeerAuthentication>('PeerAuthentication'),
    replicaSets: inNamespace<ReplicaSet>('ReplicaSet'),
  };
}
