/**
 * The Cluster port: the only way truesplit reads and writes Kubernetes objects. The controller, the CLI, the
 * dashboard and the sandbox all talk to this interface; `client-cluster.ts` implements it over
 * @kubernetes/client-node, `memory-cluster.ts` in memory with the API server's semantics.
 */
import type { AnalysisRun, AnalysisTemplate } from '../api/analysis.js';
import type { Experiment } from '../api/experiment.js';
import type { DestinationRule, Gateway, PeerAuthentication, Sidecar, VirtualService } from '../api/istio.js';
import type { KubeObject, LabelSelector, ObjectMeta } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { Deployment, Job, Namespace, Pod, PodTemplate, ReplicaSet, Service } from '../api/workloads.js';
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

/** core/v1 ConfigMap (notification configuration). */
export interface ConfigMap extends KubeObject {
  kind: 'ConfigMap';
  data?: Record<string, string>;
}

/**
 * core/v1 Secret: read only to resolve an analysis argument's `secretKeyRef` and the notification secret (values
 * base64 in `data`).
 */
export interface Secret extends KubeObject {
  kind: 'Secret';
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  type?: string;
}

/** Every kind truesplit reads or writes, by kind name. */
export interface KindMap {
  Rollout: Rollout;
  ReplicaSet: ReplicaSet;
  Deployment: Deployment;
  PodTemplate: PodTemplate;
  Pod: Pod;
  Service: Service;
  Namespace: Namespace;
  Event: KubeEvent;
  Lease: Lease;
  Job: Job;
  VirtualService: VirtualService;
  DestinationRule: DestinationRule;
  Gateway: Gateway;
  Sidecar: Sidecar;
  PeerAuthentication: PeerAuthentication;
  AnalysisRun: AnalysisRun;
  Secret: Secret;
  AnalysisTemplate: AnalysisTemplate;
  ClusterAnalysisTemplate: AnalysisTemplate;
  ConfigMap: ConfigMap;
  Experiment: Experiment;
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
  Deployment: kindRow('Deployment', 'apps', 'v1', 'deployments', { status: true }),
  PodTemplate: kindRow('PodTemplate', '', 'v1', 'podtemplates'),
  Pod: kindRow('Pod', '', 'v1', 'pods', { status: true }),
  Service: kindRow('Service', '', 'v1', 'services', { status: true }),
  Namespace: kindRow('Namespace', '', 'v1', 'namespaces', { namespaced: false, status: true }),
  Event: kindRow('Event', '', 'v1', 'events'),
  Lease: kindRow('Lease', 'coordination.k8s.io', 'v1', 'leases'),
  Job: kindRow('Job', 'batch', 'v1', 'jobs', { status: true }),
  VirtualService: kindRow('VirtualService', 'networking.istio.io', 'v1', 'virtualservices', { custom: true }),
  DestinationRule: kindRow('DestinationRule', 'networking.istio.io', 'v1', 'destinationrules', {
    custom: true,
  }),
  Gateway: kindRow('Gateway', 'networking.istio.io', 'v1', 'gateways', { custom: true }),
  Sidecar: kindRow('Sidecar', 'networking.istio.io', 'v1', 'sidecars', { custom: true }),
  PeerAuthentication: kindRow('PeerAuthentication', 'security.istio.io', 'v1', 'peerauthentications', {
    custom: true,
  }),
  // Argo's AnalysisRun CRD has no status subresource (`subresources: {}`): status is written on the object.
  AnalysisRun: kindRow('AnalysisRun', 'argoproj.io', 'v1alpha1', 'analysisruns', { custom: true }),
  Secret: kindRow('Secret', '', 'v1', 'secrets'),
  AnalysisTemplate: kindRow('AnalysisTemplate', 'argoproj.io', 'v1alpha1', 'analysistemplates', {
    custom: true,
  }),
  ClusterAnalysisTemplate: kindRow(
    'ClusterAnalysisTemplate',
    'argoproj.io',
    'v1alpha1',
    'clusteranalysistemplates',
    { custom: true, namespaced: false },
  ),
  ConfigMap: kindRow('ConfigMap', '', 'v1', 'configmaps'),
  // Created and terminated by the CLI only (`create -f`, `terminate experiment`); truesplit does not run them.
  Experiment: kindRow('Experiment', 'argoproj.io', 'v1alpha1', 'experiments', { status: true, custom: true }),
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
   * Evicts a pod through the Eviction API (`pods/eviction` create): the API server deletes it unless a
   * PodDisruptionBudget forbids it, which fails with 429.
   */
  evict(namespace: string, name: string): Promise<void>;
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
