/**
 * The Cluster port: the only way truesplit reads and writes Kubernetes objects. The controller, the CLI, the
 * dashboard and the sandbox all talk to this interface; `client-cluster.ts` implements it over
 * @kubernetes/client-node, `memory-cluster.ts` in memory with the API server's semantics.
 */
import type { DestinationRule, Gateway, PeerAuthentication, Sidecar, VirtualService } from '../api/istio.js';
import type { KubeObject, LabelSelector, ObjectMeta } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { Namespace, Pod, ReplicaSet, Service } from '../api/workloads.js';
import type { MergePatch } from '../util/json.js';

/** core/v1 Event, as the controller records it against a Rollout. */
export interface KubeEvent extends KubeObject {
  kind: 'Event';
  involvedObject: { apiVersion?: string; kind: string; name: string; namespace?: string; uid?: string };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
}

/** coordination.k8s.io/v1 Lease, used for leader election. Times are RFC 3339 with microseconds. */
export interface Lease extends KubeObject {
  kind: 'Lease';
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** core/v1 ConfigMap and Secret (notification configuration; Secret `data` values are base64). */
export interface ConfigMap extends KubeObject {
  kind: 'ConfigMap';
  data?: Record<string, string>;
}

export interface Secret extends KubeObject {
  kind: 'Secret';
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** Every kind truesplit reads or writes, by kind name. */
export interface KindMap {
  Rollout: Rollout;
  ReplicaSet: ReplicaSet;
  Pod: Pod;
  Service: Service;
  Namespace: Namespace;
  Event: KubeEvent;
  Lease: Lease;
  VirtualService: VirtualService;
  DestinationRule: DestinationRule;
  Gateway: Gateway;
  Sidecar: Sidecar;
  PeerAuthentication: PeerAuthentication;
  ConfigMap: ConfigMap;
  Secret: Secret;
}

export type KindName = keyof KindMap;

/** Where a kind lives in the API: enough to build a REST path or a CustomObjectsApi call. */
export interface ResourceKind {
  kind: KindName;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** The kind has a /status subresource: update ignores status, updateStatus ignores everything else. */
  statusSubresource: boolean;
  /** A CustomResourceDefinition (served by CustomObjectsApi) rather than a built-in kind. */
  custom: boolean;
}

function kindRow(
  kind: KindName,
  group: string,
  version: string,
  plural: string,
  flags: { namespaced?: boolean; status?: boolean; custom?: boolean } = {},
): ResourceKind {
  return {
    kind,
    group,
    version,
    plural,
    namespaced: flags.namespaced ?? true,
    statusSubresource: flags.status ?? false,
    custom: flags.custom ?? false,
  };
}

export const RESOURCE_KINDS: { readonly [K in KindName]: ResourceKind } = {
  Rollout: kindRow('Rollout', 'argoproj.io', 'v1alpha1', 'rollouts', { status: true, custom: true }),
  ReplicaSet: kindRow('ReplicaSet', 'apps', 'v1', 'replicasets', { status: true }),
  Pod: kindRow('Pod', '', 'v1', 'pods', { status: true }),
  Service: kindRow('Service', '', 'v1', 'services', { status: true }),
  Namespace: kindRow('Namespace', '', 'v1', 'namespaces', { namespaced: false, status: true }),
  Event: kindRow('Event', '', 'v1', 'events'),
  Lease: kindRow('Lease', 'coordination.k8s.io', 'v1', 'leases'),
  VirtualService: kindRow('VirtualService', 'networking.istio.io', 'v1', 'virtualservices', { custom: true }),
  DestinationRule: kindRow('DestinationRule', 'networking.istio.io', 'v1', 'destinationrules', {
    custom: true,
  }),
  Gateway: kindRow('Gateway', 'networking.istio.io', 'v1', 'gateways', { custom: true }),
  Sidecar: kindRow('Sidecar', 'networking.istio.io', 'v1', 'sidecars', { custom: true }),
  PeerAuthentication: kindRow('PeerAuthentication', 'security.istio.io', 'v1', 'peerauthentications', {
    custom: true,
  }),
  ConfigMap: kindRow('ConfigMap', '', 'v1', 'configmaps'),
  Secret: kindRow('Secret', '', 'v1', 'secrets'),
};

export function apiVersionOf(kind: ResourceKind): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

export interface ListOptions {
  /** Omit (or '') for all namespaces. Ignored for cluster-scoped kinds. */
  namespace?: string;
  /** A LabelSelector object or its string form (`a=b,c in (x,y),!d`). */
  labelSelector?: LabelSelector | string;
  /** `metadata.name=x`, `metadata.namespace!=y`, comma-separated. */
  fieldSelector?: string;
}

export interface ListResult<T> {
  items: T[];
  /** The collection's resourceVersion: start a watch from here. */
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T> {
  type: WatchEventType;
  /** For BOOKMARK only `metadata.resourceVersion` is meaningful. */
  object: T;
}

export interface WatchOptions extends ListOptions {
  /** Start after this resourceVersion. Omitted: ADDED for every current object first, then changes. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** Server-side timeout: the stream ends cleanly (done without error) after this many seconds. */
  timeoutSeconds?: number;
}

export interface WatchHandle {
  /** Ends the stream; `done` is not called after an explicit stop. */
  stop(): void;
}

export interface PatchOptions {
  /** Patch the /status subresource instead of the main resource. */
  subresource?: 'status';
}

/** A JSON merge patch (RFC 7386); defined once in util/. */
export type { MergePatch };

/** Metadata a caller supplies when creating an object; the server fills the rest. */
export type NewObject<T extends KubeObject> = Omit<T, 'metadata'> & { metadata: ObjectMeta };

export interface Cluster {
  get<K extends KindName>(kind: K, namespace: string, name: string): Promise<KindMap[K]>;
  list<K extends KindName>(kind: K, options?: ListOptions): Promise<ListResult<KindMap[K]>>;
  create<K extends KindName>(kind: K, object: NewObject<KindMap[K]>): Promise<KindMap[K]>;
  /** Full replace; `metadata.resourceVersion` (when set) must match or the call fails with 409. */
  update<K extends KindName>(kind: K, object: KindMap[K]): Promise<KindMap[K]>;
  /** Replace through the /status subresource: only `status` changes. */
  updateStatus<K extends KindName>(kind: K, object: KindMap[K]): Promise<KindMap[K]>;
  patch<K extends KindName>(
    kind: K,
    namespace: string,
    name: string,
    patch: MergePatch,
    options?: PatchOptions,
  ): Promise<KindMap[K]>;
  delete(kind: KindName, namespace: string, name: string): Promise<void>;
  /**
   * Streams changes. `onEvent` gets every event; `onDone` is called once when the stream ends on its own:
   * without an error for a clean server-side close, with a KubeApiError (410 Gone when `resourceVersion` is too
   * old) or another Error otherwise.
   */
  watch<K extends KindName>(
    kind: K,
    options: WatchOptions,
    onEvent: (event: WatchEvent<KindMap[K]>) => void,
    onDone: (error?: Error) => void,
  ): WatchHandle;
}
