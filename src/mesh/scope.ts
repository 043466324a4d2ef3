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
   * Optional: a superset of the VirtualServices and DestinationRules `rolloutScope` keeps for Services named `names`
   * and VirtualServices `referenced` (`namespace/name`), in the order of `virtualServices()` and `destinationRules()`.
   * Without it every one is tested; with it the cost of a scope does not grow with the mesh.
   */
  routingCandidates?(
    names: ReadonlySet<string>,
    referenced: ReadonlySet<string>,
  ): { virtualServices: readonly VirtualService[]; destinationRules: readonly DestinationRule[] };
}

/** The objects of a mesh that concern one Rollout's hosts. */
export interface RolloutScope {
  services: Service[];
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  peerAuthentications: PeerAuthentication[];
}

const hostLabel = (host: string) => host.split('.')[0] ?? '';
const isWildcard = (host: string) => host.startsWith('*');

/** Whether a VirtualService or DestinationRule host may name one of `names` (same first DNS label, or a wildcard). */
function hostFilter(names: ReadonlySet<string>): (host: string) => boolean {
  return (host) => isWildcard(host) || names.has(hostLabel(host));
}

/** Services and PeerAuthentications of the Rollout's and the root namespace; the routing of their hosts. */
export function rolloutScope(source: MeshSource, rollout: Rollout, rootNamespace: string): RolloutScope {
  const namespace = namespaceOf(rollout);
  const inScope = <T>(read: (ns: string) => readonly T[]): T[] => [
    ...read(namespace),
    ...(rootNamespace !== namespace ? read(rootNamespace) : []),
  ];
  const services = inScope((ns) => source.services(ns));
  const names = new Set(services.map((svc) => svc.metadata.name));
  const concerns = hostFilter(names);
  const referenced = new Set(
    (routingOf(rollout)?.virtualServices ?? []).map((t) => `${t.namespace}/${t.name}`),
  );
  const candidates = source.routingCandidates?.(names, referenced);
  return {
    services,
    virtualServices: (candidates?.virtualServices ?? source.virtualServices()).filter(
      (vs) =>
        referenced.has(`${namespaceOf(vs)}/${vs.metadata.name}`) || (vs.spec.hosts ?? []).some(concerns),
    ),
    destinationRules: (candidates?.destinationRules ?? source.destinationRules()).filter((dr) =>
      concerns(dr.spec.host),
    ),
    peerAuthentications: inScope((ns) => source.peerAuthentications(ns)),
  };
}

/** Positions of objects by the first DNS label of their hosts; wildcard hosts under '*'. */
function hostPositions(hostsOf: (object: KubeObject) => readonly string[], objects: readonly KubeObject[]) {
  const positions = new Map<string, number[]>();
  objects.forEach((object, position) => {
    for (const host of hostsOf(object)) {
      if (typeof host !== 'string') continue;
      const key = isWildcard(host) ? '*' : hostLabel(host);
      const list = positions.get(key);
      if (list) list.push(position);
      else positions.set(key, [position]);
    }
  });
  return positions;
}

/** `routingCandidates` over the two lists, their host indexes built on first use. */
function routingIndex(
  virtualServices: readonly VirtualService[],
  destinationRules: readonly DestinationRule[],
) {
  let index:
    { vs: Map<string, number[]>; dr: Map<string, number[]>; byName: Map<string, number> } | undefined;
  const pick = <T>(
    all: readonly T[],
    positions: Map<string, number[]>,
    keys: Iterable<string>,
    more: number[],
  ) => {
    const chosen = new Set(more);
    for (const key of keys) for (const p of positions.get(key) ?? []) chosen.add(p);
    for (const p of positions.get('*') ?? []) chosen.add(p);
    return [...chosen].sort((a, b) => a - b).map((p) => all[p]!);
  };
  return (names: ReadonlySet<string>, referenced: ReadonlySet<string>) => {
    index ??= {
      vs: hostPositions((o) => (o as VirtualService).spec.hosts ?? [], virtualServices),
      dr: hostPositions((o) => [(o as DestinationRule).spec.host], destinationRules),
      byName: new Map(virtualServices.map((vs, p) => [`${namespaceOf(vs)}/${vs.metadata.name}`, p])),
    };
    const named = [...referenced].flatMap((key) => index?.byName.get(key) ?? []);
    return {
      virtualServices: pick(virtualServices, index.vs, names, named),
      destinationRules: pick(destinationRules, index.dr, names, []),
    };
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
    routingCandidates: routingIndex(
      all<VirtualService>('VirtualService'),
      all<DestinationRule>('DestinationRule'),
    ),
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
