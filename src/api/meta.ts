/** Minimal Kubernetes object metadata, as truesplit reads and writes it. */
export interface ObjectMeta {
  name: string;
  /** The prefix the API server completes into a name when `name` is not set (see manifests/object-identity.ts). */
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** `Kind/namespace/name`, the way findings and errors name objects. */
export function objectRef(obj: KubeObject): string {
  const ns = obj.metadata.namespace ?? '';
  return ns ? `${obj.kind}/${ns}/${obj.metadata.name}` : `${obj.kind}/${obj.metadata.name}`;
}

/** `namespace/name`, the workqueue key and the CLI's way to name a namespaced object. */
export function objectKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/**
 * `owner` controls `object`: an owner reference of the owner's kind with the owner's UID (its name when the owner has
 * no UID) that is not marked `controller: false`. The one ownership rule for the ReplicaSets of a Rollout and the Pods
 * of a ReplicaSet, in the controller, the CLI, the dashboard and the view.
 */
export function ownedBy(object: KubeObject, owner: KubeObject): boolean {
  const uid = owner.metadata.uid;
  return (object.metadata.ownerReferences ?? []).some(
    (ref) =>
      ref.controller !== false &&
      ref.kind === owner.kind &&
      (uid ? ref.uid === uid : ref.name === owner.metadata.name),
  );
}
