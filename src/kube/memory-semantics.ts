/** Pure pieces of the in-memory API server's write semantics. */
import type { KubeObject } from '../api/meta.js';
import type { KindName } from './cluster.js';
import { RESOURCE_KINDS } from './cluster.js';
import { cloneJson } from '../util/json.js';

export type AnyObject = KubeObject & { status?: unknown; [field: string]: unknown };

export function describe(kind: KindName, namespace: string, name: string): string {
  const plural = RESOURCE_KINDS[kind].plural;
  return namespace ? `${plural} "${name}" in namespace "${namespace}"` : `${plural} "${name}"`;
}

export function specOf(obj: AnyObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/** The object after a write to `target`: immutable metadata kept, status or everything-but-status preserved. */
export function objectAfterWrite(
  current: AnyObject,
  incoming: AnyObject,
  target: 'main' | 'status',
  hasStatus: boolean,
) {
  const immutable = {
    name: current.metadata.name,
    uid: current.metadata.uid!,
    resourceVersion: current.metadata.resourceVersion!,
    generation: current.metadata.generation ?? 1,
    creationTimestamp: current.metadata.creationTimestamp!,
    ...(current.metadata.namespace !== undefined ? { namespace: current.metadata.namespace } : {}),
  };
  if (target === 'status') {
    const next: AnyObject = { ...cloneJson(current) };
    if (incoming.status === undefined) delete next.status;
    else next.status = incoming.status;
    return next;
  }
  const next: AnyObject = {
    ...incoming,
    apiVersion: current.apiVersion,
    kind: current.kind,
    metadata: { ...incoming.metadata, ...immutable },
  };
  if (hasStatus) {
    if (current.status === undefined) delete next.status;
    else next.status = cloneJson(current.status);
  }
  return next;
}
