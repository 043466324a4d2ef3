/**
 * The in-memory cluster's object store, indexed the ways the API server's semantics need: by kind and namespace (list
 * and watch read one kind, often one namespace), by owner uid (garbage collection) and by live uid. Lookups cost what
 * they return, not the size of the cluster, so a sandbox with thousands of Rollouts stays fast.
 */
import type { KindName } from './cluster.js';
import type { AnyObject } from './memory-semantics.js';

export interface ObjectRef {
  kind: KindName;
  namespace: string;
  name: string;
}

const refKey = (ref: ObjectRef) => `${ref.kind}\n${ref.namespace}\n${ref.name}`;

export class ObjectStore {
  /** kind → namespace ('' for cluster-scoped) → name → object. */
  private readonly byKind = new Map<KindName, Map<string, Map<string, AnyObject>>>();
  /** owner uid → objects that named it in ownerReferences (candidates: re-checked when collected). */
  private readonly dependents = new Map<string, Map<string, ObjectRef>>();
  private readonly liveUids = new Set<string>();

  get(ref: ObjectRef): AnyObject | undefined {
    return this.byKind.get(ref.kind)?.get(ref.namespace)?.get(ref.name);
  }

  set(ref: ObjectRef, object: AnyObject): void {
    let namespaces = this.byKind.get(ref.kind);
    if (!namespaces) this.byKind.set(ref.kind, (namespaces = new Map<string, Map<string, AnyObject>>()));
    let names = namespaces.get(ref.namespace);
    if (!names) namespaces.set(ref.namespace, (names = new Map<string, AnyObject>()));
    names.set(ref.name, object);
    if (object.metadata.uid) this.liveUids.add(object.metadata.uid);
    for (const owner of object.metadata.ownerReferences ?? []) {
      let refs = this.dependents.get(owner.uid);
      if (!refs) this.dependents.set(owner.uid, (refs = new Map<string, ObjectRef>()));
      refs.set(refKey(ref), ref);
    }
  }

  delete(ref: ObjectRef): void {
    const names = this.byKind.get(ref.kind)?.get(ref.namespace);
    const object = names?.get(ref.name);
    if (!names || !object) return;
    names.delete(ref.name);
    if (object.metadata.uid) this.liveUids.delete(object.metadata.uid);
  }

  /** Objects of one kind, in one namespace when given. */
  ofKind(kind: KindName, namespace?: string): AnyObject[] {
    const namespaces = this.byKind.get(kind);
    if (!namespaces) return [];
    if (namespace !== undefined) return [...(namespaces.get(namespace)?.values() ?? [])];
    return [...namespaces.values()].flatMap((names) => [...names.values()]);
  }

  /** Every object of a namespace, of every kind. */
  inNamespace(namespace: string): ObjectRef[] {
    const refs: ObjectRef[] = [];
    for (const [kind, namespaces] of this.byKind) {
      for (const name of namespaces.get(namespace)?.keys() ?? []) refs.push({ kind, namespace, name });
    }
    return refs;
  }

  isLive(uid: string): boolean {
    return this.liveUids.has(uid);
  }

  /** Objects that named `uid` as an owner at some point; the index entry is dropped (the owner is gone). */
  takeDependents(uid: string): ObjectRef[] {
    const refs = [...(this.dependents.get(uid)?.values() ?? [])];
    this.dependents.delete(uid);
    return refs;
  }
}
