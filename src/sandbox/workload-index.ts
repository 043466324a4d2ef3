/**
 * The workload simulator's view of the cluster, kept from its own watches and writes: ReplicaSets by key and Pods by
 * key and by controlling ReplicaSet. A reconcile reads one ReplicaSet's pods from here instead of listing (and
 * copying) every Pod of the namespace, so its cost does not grow with the namespace. Only a newer resourceVersion
 * replaces what is kept, so a write's result and its watch event may arrive in either order, and the copy kept is the
 * first one seen (with a sharing cluster, the watch's: no second copy).
 */
import type { KubeObject } from '../api/meta.js';
import type { Pod, ReplicaSet } from '../api/workloads.js';

const keyOf = (object: KubeObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;

/** The name of the ReplicaSet that controls a pod. */
export function controllerName(pod: Pod): string | undefined {
  return pod.metadata.ownerReferences?.find((ref) => ref.kind === 'ReplicaSet' && ref.controller)?.name;
}

function newer(current: KubeObject | undefined, incoming: KubeObject): boolean {
  if (!current) return true;
  return Number(incoming.metadata.resourceVersion ?? 0) > Number(current.metadata.resourceVersion ?? 0);
}

export class WorkloadIndex {
  private readonly replicaSets = new Map<string, ReplicaSet>();
  private readonly pods = new Map<string, Pod>();
  /** `namespace/replicaSet` → keys of the pods it controls. */
  private readonly podsByOwner = new Map<string, Set<string>>();

  replicaSet(namespace: string, name: string): ReplicaSet | undefined {
    return this.replicaSets.get(`${namespace}/${name}`);
  }

  pod(namespace: string, name: string): Pod | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  /** The pods whose controller ownerReference names the ReplicaSet `namespace/name`. */
  podsOf(namespace: string, name: string): Pod[] {
    const keys = this.podsByOwner.get(`${namespace}/${name}`);
    return keys ? [...keys].flatMap((key) => this.pods.get(key) ?? []) : [];
  }

  putReplicaSet(rs: ReplicaSet): void {
    const key = keyOf(rs);
    if (newer(this.replicaSets.get(key), rs)) this.replicaSets.set(key, rs);
  }

  removeReplicaSet(rs: ReplicaSet): void {
    this.replicaSets.delete(keyOf(rs));
  }

  putPod(pod: Pod): void {
    const key = keyOf(pod);
    if (!newer(this.pods.get(key), pod)) return;
    this.pods.set(key, pod);
    const owner = controllerName(pod);
    if (owner === undefined) return;
    const ownerKey = `${pod.metadata.namespace ?? ''}/${owner}`;
    const keys = this.podsByOwner.get(ownerKey);
    if (keys) keys.add(key);
    else this.podsByOwner.set(ownerKey, new Set([key]));
  }

  removePod(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const pod = this.pods.get(key);
    if (!pod) return;
    this.pods.delete(key);
    const owner = controllerName(pod);
    const ownerKey = `${namespace}/${owner ?? ''}`;
    const keys = this.podsByOwner.get(ownerKey);
    keys?.delete(key);
    if (keys?.size === 0) this.podsByOwner.delete(ownerKey);
  }

  /** Forgets one kind (its watch is re-opened from scratch and replays every object). */
  clear(kind: 'ReplicaSet' | 'Pod'): void {
    if (kind === 'ReplicaSet') this.replicaSets.clear();
    else {
      this.pods.clear();
      this.podsByOwner.clear();
    }
  }
}
