/**
 * What the path model needs of a mesh to judge one Rollout: the configuration of the Rollout's own hosts. Leaving the
 * rest out changes no result of the model, and the cost of judging one Rollout does not grow with the number of other
 * applications in the mesh. The controller's observation, the live views and `truesplit analyze -f` all scope by
 * this one rule.
 */
import type { DestinationRule, Gateway, PeerAuthentication, Sidecar, VirtualService } from '../api/istio.js';
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { Namespace, ReplicaSet, Service } from '../api/workloads.js';
import { namespaceOf, routingOf } from '../traffic/istio/roles.js';

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
  /**
   * Optional index: the VirtualServices and DestinationRules that may concern Services of these names (a host whose
   * first DNS label is one of them, or a wildcard host) or that are named (`namespace/name`), in source order — a
   * superset of what `rolloutScope` keeps, so it filters a few objects instead of all.
   */
  routingCandidates?(serviceNames: ReadonlySet<string>, named: ReadonlySet<string>): RoutingCandidates;
}

export interface RoutingCandidates {
  virtualServices: readonly VirtualService[];
  destinationRules: readonly DestinationRule[];
}

/** The objects of a mesh that concern one Rollout's hosts. */
export interface RolloutScope {
  services: Service[];
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  peerAuthentications: PeerAuthentication[];
}

/** `*` for a wildcard host (`*`, `*.example.com`), else its first DNS label: what `concernsAny` compares. */
function hostLabel(host: string): string {
  return host.startsWith('*') ? '*' : (host.split('.')[0] ?? '');
}

/** Whether a host label may name one of `names` (the same first DNS label, or a wildcard). */
function concernsAny(names: ReadonlySet<string>, label: string): boolean {
  return label === '*' || names.has(label);
}

/** Host labels and `namespace/name` of each object, kept for frozen objects (cached ones: replaced, never changed). */
const vsKeys = new WeakMap<VirtualService, { labels: string[]; ref: string }>();
const drLabels = new WeakMap<DestinationRule, string>();

function keysOfVs(vs: VirtualService): { labels: string[]; ref: string } {
  let keys = vsKeys.get(vs);
  if (!keys) {
    keys = { labels: (vs.spec.hosts ?? []).map(hostLabel), ref: `${namespaceOf(vs)}/${vs.metadata.name}` };
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

/** The names of a list of Services, once per frozen list (informer lists are shared until their next change). */
const namesByList = new WeakMap<readonly Service[], ReadonlySet<string>>();

function serviceNames(services: readonly Service[]): ReadonlySet<string> {
  let names = namesByList.get(services);
  if (!names) {
    names = new Set(services.map((svc) => svc.metadata.name));
    if (Object.isFrozen(services)) namesByList.set(services, names);
  }
  return names;
}

/** Services and PeerAuthentications of the Rollout's and the root namespace; the routing of their hosts. */
export function rolloutScope(source: MeshSource, rollout: Rollout, rootNamespace: string): RolloutScope {
  const namespace = namespaceOf(rollout);
  const inScope = <T>(read: (ns: string) => readonly T[]): T[] => [
    ...read(namespace),
    ...(rootNamespace !== namespace ? read(rootNamespace) : []),
  ];
  const local = source.services(namespace);
  const root = rootNamespace !== namespace ? source.services(rootNamespace) : [];
  const services = [...local, ...root];
  const names = root.length === 0 ? serviceNames(local) : serviceNames(services);
  const referenced = new Set(
    (routingOf(rollout)?.virtualServices ?? []).map((t) => `${t.namespace}/${t.name}`),
  );
  const candidates = source.routingCandidates?.(names, referenced) ?? {
    virtualServices: source.virtualServices(),
    destinationRules: source.destinationRules(),
  };
  return {
    services,
    virtualServices: candidates.virtualServices.filter((vs) => {
      const keys = keysOfVs(vs);
      return referenced.has(keys.ref) || keys.labels.some((label) => concernsAny(names, label));
    }),
    destinationRules: candidates.destinationRules.filter((dr) => concernsAny(names, labelOfDr(dr))),
    peerAuthentications: inScope((ns) => source.peerAuthentications(ns)),
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
  const routing = routingIndex(
    all<VirtualService>('VirtualService'),
    all<DestinationRule>('DestinationRule'),
  );
  return {
    routingCandidates: (names, named) => routing(names, named),
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

/** Positions of objects by string keys. */
function positionsBy<T>(items: readonly T[], keys: (item: T) => readonly string[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  items.forEach((item, position) => {
    for (const key of new Set(keys(item))) {
      const list = map.get(key);
      if (list) list.push(position);
      else map.set(key, [position]);
    }
  });
  return map;
}

/** Items at the positions listed under any of `keys`, in their original order. */
function pick<T>(items: readonly T[], index: Map<string, number[]>, keys: Iterable<string>): T[] {
  const positions = new Set<number>();
  for (const key of keys) for (const position of index.get(key) ?? []) positions.add(position);
  return [...positions].sort((a, b) => a - b).map((position) => items[position] as T);
}

/** `routingCandidates` over lists indexed once by host label and by `namespace/name`. */
export function routingIndex(
  virtualServices: readonly VirtualService[],
  destinationRules: readonly DestinationRule[],
): NonNullable<MeshSource['routingCandidates']> {
  const vsByLabel = positionsBy(virtualServices, (vs) => keysOfVs(vs).labels);
  const vsByName = positionsBy(virtualServices, (vs) => [keysOfVs(vs).ref]);
  const drByLabel = positionsBy(destinationRules, (dr) => [labelOfDr(dr)]);
  const combined = new Map([...vsByLabel].map(([key, list]) => [`host:${key}`, list]));
  for (const [key, list] of vsByName) combined.set(`name:${key}`, list);
  return (names, named) => ({
    virtualServices: pick(virtualServices, combined, [
      'host:*',
      ...[...names].map((n) => `host:${n}`),
      ...[...named].map((n) => `name:${n}`),
    ]),
    destinationRules: pick(destinationRules, drByLabel, ['*', ...names]),
  });
}
