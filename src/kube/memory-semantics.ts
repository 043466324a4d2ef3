/** Pure pieces of the in-memory API server's write semantics. */
import type { KubeObject } from '../api/meta.js';
import type { KindName } from './cluster.js';
import { RESOURCE_KINDS } from './cluster.js';

export type AnyObject = KubeObject & { status?: unknown; [field: string]: unknown };

export function describe(kind: KindName, namespace: string, name: string): string {
  const plural = RESOURCE_KINDS[kind].plural;
  return namespace ? `${plural} "${name}" in namespace "${namespace}"` : `${plural} "${name}"`;
}

export function specOf(obj: AnyObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/**
 * The object after a write to `target`: immutable metadata kept, status or everything-but-status preserved. The part
 * the write does not touch is the current object's own (stored objects are never changed in place, only replaced), so
 * a status write does not copy the spec and a spec write does not copy the status; `metadata` is always new.
 */
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
    const next: AnyObject = { ...current, metadata: { ...current.metadata } };
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
    else next.status = current.status;
  }
  return next;
}
