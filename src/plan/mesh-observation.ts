/**
 * The mesh part of an Observation, from whatever holds the objects (the controller's informer caches, a live CLI
 * read, the dashboard's caches): one rule for what the path model reads, so every reader judges the same objects.
 * Only the configuration of the Rollout's own hosts is kept: leaving the rest out changes no result of the model, and
 * a pass's cost does not grow with the number of other applications in the mesh.
 */
import type { DestinationRule, Gateway, PeerAuthentication, Sidecar, VirtualService } from '../api/istio.js';
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { Namespace, ReplicaSet, Service } from '../api/workloads.js';
import { DEFAULT_ROOT_NAMESPACE } from '../mesh/snapshot.js';
import { namespaceOf, routingOf } from '../traffic/istio/roles.js';
import type { MeshObservation } from './observation.js';

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

/** Whether a VirtualService or DestinationRule host may name one of `services` (same first DNS label, or a wildcard). */
function hostFilter(services: readonly Service[]): (host: string) => boolean {
  const names = new Set(services.map((svc) => svc.metadata.name));
  return (host) => host === '*' || host.startsWith('*') || names.has(host.split('.')[0] ?? '');
}

export function meshObservationOf(
  source: MeshSource,
  rollout: Rollout,
  rootNamespace = DEFAULT_ROOT_NAMESPACE,
): MeshObservation {
  const namespace = rollout.metadata.namespace ?? '';
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
    namespaces: source.namespaces(),
    services,
    virtualServices: source
      .virtualServices()
      .filter(
        (vs) =>
          referenced.has(`${namespaceOf(vs)}/${vs.metadata.name}`) || (vs.spec.hosts ?? []).some(concerns),
      ),
    destinationRules: source.destinationRules().filter((dr) => concerns(dr.spec.host)),
    gateways: source.gateways(),
    sidecars: source.sidecars(),
    peerAuthentications: inScope((ns) => source.peerAuthentications(ns)),
    replicaSets: source.replicaSets(namespace),
    rootNamespace,
  };
}

/** A MeshSource over a list of objects (a live read, the dashboard's caches), indexed by kind and namespace once. */
export function meshSourceOf(objects: readonly KubeObject[]): MeshSource {
  const byKind = new Map<string, KubeObject[]>();
  const byNamespace = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const kind = byKind.get(o.kind) ?? [];
    kind.push(o);
    byKind.set(o.kind, kind);
    const key = `${o.kind}/${o.metadata.namespace ?? ''}`;
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
