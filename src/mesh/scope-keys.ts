/**
 * The keys a Rollout's scope looks objects up by (ADR 0320). A source indexes its objects under these keys — once for
 * a fixed list (`meshSourceOf`), or kept current on every change by the controller's informers — so a pass finds the
 * few objects its Rollout's paths reach without scanning, or indexing anew, every object of its namespace. A key
 * only narrows the candidates: the scope still applies its exact rule to them.
 */
import type { DestinationRule, VirtualService } from '../api/istio.js';
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { ReplicaSet, Service } from '../api/workloads.js';
import { isMeshBound } from './hosts.js';
import { hostLabel } from './reach.js';
import { podLabelsOf } from './replicaset-endpoints.js';
import { INJECT_ANNOTATION } from './snapshot.js';

const nsOf = (o: KubeObject) => o.metadata.namespace ?? 'default';

/** `VirtualService/ns/name` or `DestinationRule/ns/name`: a routing object the Rollout names. */
export function namedKey(
  kind: 'VirtualService' | 'DestinationRule',
  namespace: string,
  name: string,
): string {
  return `name:${kind}/${namespace}/${name}`;
}

/** Routing objects whose host has this first DNS label (`*`: a wildcard host). */
export const hostKey = (label: string): string => `host:${label}`;

/**
 * The host labels a VirtualService is found by: those of a mesh-bound one; none for one bound only to gateways, which
 * the model reads only when the Rollout names it (ADR 0325).
 */
export function meshHostLabels(vs: VirtualService): string[] {
  return isMeshBound(vs) ? [...new Set((vs.spec.hosts ?? []).map(hostLabel))] : [];
}

/** A VirtualService under its mesh host labels (`meshHostLabels`) and its name. */
export function virtualServiceKeys(vs: VirtualService): string[] {
  return [...meshHostLabels(vs).map(hostKey), namedKey('VirtualService', nsOf(vs), vs.metadata.name)];
}

export function destinationRuleKeys(dr: DestinationRule): string[] {
  return [hostKey(hostLabel(dr.spec.host)), namedKey('DestinationRule', nsOf(dr), dr.metadata.name)];
}

export const serviceKey = (namespace: string, name: string): string => `service:${namespace}/${name}`;

/** Services of a namespace whose selector asks for `key=value`: the candidates to select pods with that label. */
export const selectorKey = (namespace: string, key: string, value: string): string =>
  `selects:${namespace}|${key}=${value}`;

export function serviceKeys(svc: Service): string[] {
  const namespace = nsOf(svc);
  const selector = Object.entries(svc.spec.selector ?? {}).map(([k, v]) => selectorKey(namespace, k, v));
  return [serviceKey(namespace, svc.metadata.name), ...selector];
}

/** A Rollout's own ReplicaSets: those naming it as controller owner (by uid, or by name when it has none). */
export function ownerKey(owner: Rollout): string {
  const uid = owner.metadata.uid;
  return uid ? `owner:${owner.kind}/${uid}` : `owner:${owner.kind}//${owner.metadata.name}`;
}

/** ReplicaSets of a namespace whose pods carry `key=value`. */
export const podLabelKey = (namespace: string, key: string, value: string): string =>
  `label:${namespace}|${key}=${value}`;

/** ReplicaSets of a namespace whose pods opt out of sidecar injection (`sidecar.istio.io/inject: "false"`). */
export const optedOutKey = (namespace: string): string => `no-sidecar:${namespace}`;

export function replicaSetKeys(rs: ReplicaSet): string[] {
  const namespace = nsOf(rs);
  const keys: string[] = [];
  for (const ref of rs.metadata.ownerReferences ?? []) {
    if (ref.controller === false) continue;
    keys.push(`owner:${ref.kind}/${ref.uid}`, `owner:${ref.kind}//${ref.name}`);
  }
  const labels = podLabelsOf(rs);
  for (const [key, value] of Object.entries(labels)) keys.push(podLabelKey(namespace, key, value));
  const optIn = labels[INJECT_ANNOTATION] ?? rs.spec.template.metadata?.annotations?.[INJECT_ANNOTATION];
  if (optIn === 'false') keys.push(optedOutKey(namespace));
  return keys;
}

/** The key functions by kind, as the controller registers them on its informers. */
export const SCOPE_INDEXERS = {
  VirtualService: virtualServiceKeys,
  DestinationRule: destinationRuleKeys,
  Service: serviceKeys,
  ReplicaSet: replicaSetKeys,
} as const;
