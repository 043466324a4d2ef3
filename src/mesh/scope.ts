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
}

/** The objects of a mesh that concern one Rollout's hosts. */
export interface RolloutScope {
  services: Service[];
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  peerAuthentications: PeerAuthentication[];
}

/** Whether a VirtualService or DestinationRule host may name one of `services` (same first DNS label, or a wildcard). */
function hostFilter(services: readonly Service[]): (host: string) => boolean {
  const names = new Set(services.map((svc) => svc.metadata.name));
  return (host) => host === '*' || host.startsWith('*') || names.has(host.split('.')[0] ?? '');
}

/** Services and PeerAuthentications of the Rollout's and the root namespace; the routing of their hosts. */
export function rolloutScope(source: MeshSource, rollout: Rollout, rootNamespace: string): RolloutScope {
  const namespace = namespaceOf(rollout);
  const inScope = <T>(read: (ns: string) => readonly T[]): T[] => [
    ...read(namespace),
    ...(rootNamespace !== namespace ? read(rootNamespace) : []),
  ];
  const services = inScope((ns) => source.services(ns));
  const concerns = hostFilter(services);
  const referenced = new Set(
    (routingOf(rollout)?.virtualServices ?? []).map((t) => `${t.namespace}/${t.name}`),
  );
  return {
    services,
    virtualServices: source
      .virtualServices()
      .filter(
        (vs) =>
          referenced.has(`${namespaceOf(vs)}/${vs.metadata.name}`) || (vs.spec.hosts ?? []).some(concerns),
      ),
    destinationRules: source.destinationRules().filter((dr) => concerns(dr.spec.host)),
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
  return {
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
