/**
 * The Cluster port over @kubernetes/client-node 2.x: CustomObjectsApi for CRDs (Rollout, Istio), the typed
 * AppsV1 / CoreV1 / CoordinationV1 APIs for built-in kinds, Watch for streams. Merge patches are sent with an
 * explicit Content-Type (the generated patch methods default to JSON Patch, and CRDs reject strategic merge).
 * Responses are normalised to plain JSON (the typed APIs return class instances with Date fields).
 */
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubeConfig,
} from './client-node.js';
import type { KubeObject } from '../api/meta.js';
import type {
  Cluster,
  KindMap,
  KindName,
  ListOptions,
  ListResult,
  MergePatch,
  NewObject,
  PatchOptions,
  ResourceKind,
  WatchEvent,
  WatchHandle,
  WatchOptions,
} from './cluster.js';
import { apiVersionOf, RESOURCE_KINDS } from './cluster.js';
import { KubeApiError } from './errors.js';
import { withSharedConnections, type SharedConnectionOptions } from './shared-connection.js';
import { formatLabelSelector } from './selectors.js';

type ApiMethod = (param: Record<string, unknown>, options?: unknown) => Promise<unknown>;
type ApiObject = Record<string, ApiMethod | undefined>;

/** The typed API object and method-name stem of each built-in kind (`readNamespaced${stem}`, …). */
const BUILT_IN_STEMS: Partial<
  Record<KindName, { api: 'core' | 'apps' | 'batch' | 'coordination'; stem: string }>
> = {
  ReplicaSet: { api: 'apps', stem: 'ReplicaSet' },
  Deployment: { api: 'apps', stem: 'Deployment' },
  PodTemplate: { api: 'core', stem: 'PodTemplate' },
  Pod: { api: 'core', stem: 'Pod' },
  Service: { api: 'core', stem: 'Service' },
  Namespace: { api: 'core', stem: 'Namespace' },
  Event: { api: 'core', stem: 'Event' },
  Lease: { api: 'coordination', stem: 'Lease' },
  Secret: { api: 'core', stem: 'Secret' },
  Job: { api: 'batch', stem: 'Job' },
  ConfigMap: { api: 'core', stem: 'ConfigMap' },
};

type Op =
  'get' | 'list' | 'listAll' | 'create' | 'replace' | 'replaceStatus' | 'patch' | 'patchStatus' | 'delete';

function builtInMethodName(stem: string, namespaced: boolean, op: Op): string {
  const scoped = namespaced ? `Namespaced${stem}` : stem;
  const names: Record<Op, string> = {
    get: `read${scoped}`,
    list: `list${scoped}`,
    listAll: namespaced ? `list${stem}ForAllNamespaces` : `list${stem}`,
    create: `create${scoped}`,
    replace: `replace${scoped}`,
    replaceStatus: `replace${scoped}Status`,
    patch: `patch${scoped}`,
    patchStatus: `patch${scoped}Status`,
    delete: `delete${scoped}`,
  };
  return names[op];
}

const CUSTOM_METHODS: Record<Op, string> = {
  get: 'getNamespacedCustomObject',
  list: 'listNamespacedCustomObject',
  listAll: 'listCustomObjectForAllNamespaces',
  create: 'createNamespacedCustomObject',
  replace: 'replaceNamespacedCustomObject',
  replaceStatus: 'replaceNamespacedCustomObjectStatus',
  patch: 'patchNamespacedCustomObject',
  patchStatus: 'patchNamespacedCustomObjectStatus',
  delete: 'deleteNamespacedCustomObject',
};

/** Maps ApiException (and the watch's HTTP errors) to KubeApiError, a request deadline to 504 Timeout. */
export function toKubeApiError(err: unknown): Error {
  if (err instanceof Error && err.name === 'TimeoutError')
    return new KubeApiError(504, 'Timeout', `request timed out: ${err.message}`);
  if (err instanceof ApiException) {
    const body = parseStatusBody(err.body);
    return KubeApiError.fromCode(err.code, body.message ?? err.message, body.reason);
  }
  const statusCode = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number') return KubeApiError.fromCode(statusCode, (err as Error).message);
  return err instanceof Error ? err : new Error(String(err));
}

function parseStatusBody(body: unknown): { message?: string; reason?: string } {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return { message: body };
    }
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { message, reason } = parsed as { message?: unknown; reason?: unknown };
  return {
    ...(typeof message === 'string' ? { message } : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
  };
}

/** Plain JSON with apiVersion and kind set (list items and typed-API results lack one or the other). */
function normalise(desc: ResourceKind, raw: unknown): KubeObject {
  const obj = JSON.parse(JSON.stringify(raw)) as KubeObject;
  return { ...obj, apiVersion: apiVersionOf(desc), kind: desc.kind };
}

export class ClientCluster implements Cluster {
  private readonly apis: Record<'core' | 'apps' | 'batch' | 'coordination' | 'custom', ApiObject>;

  constructor(
    private readonly kubeConfig: KubeConfig,
    options: SharedConnectionOptions = {},
  ) {
    const pooled = withSharedConnections(kubeConfig, options);
    this.apis = {
      core: pooled.makeApiClient(CoreV1Api) as unknown as ApiObject,
      apps: pooled.makeApiClient(AppsV1Api) as unknown as ApiObject,
      batch: pooled.makeApiClient(BatchV1Api) as unknown as ApiObject,
      coordination: pooled.makeApiClient(CoordinationV1Api) as unknown as ApiObject,
      custom: pooled.makeApiClient(CustomObjectsApi) as unknown as ApiObject,
    };
  }

  async get<K extends KindName>(kind: K, namespace: string, name: string): Promise<KindMap[K]> {
    return (await this.call(kind, 'get', { namespace, name })) as KindMap[K];
  }

  async list<K extends KindName>(kind: K, options: ListOptions = {}): Promise<ListResult<KindMap[K]>> {
    const desc = RESOURCE_KINDS[kind];
    const all = !desc.namespaced || !options.namespace;
    const raw = (await this.invoke(kind, all ? 'listAll' : 'list', {
      ...(all ? {} : { namespace: options.namespace }),
      ...(options.labelSelector ? { labelSelector: formatLabelSelector(options.labelSelector) } : {}),
      ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
    })) as { items?: unknown[]; metadata?: { resourceVersion?: string } };
    return {
      items: (raw.items ?? []).map((item) => normalise(desc, item)) as KindMap[K][],
      resourceVersion: raw.metadata?.resourceVersion ?? '',
    };
  }

  async create<K extends KindName>(kind: K, object: NewObject<KindMap[K]>): Promise<KindMap[K]> {
    const namespace = object.metadata.namespace ?? '';
    return (await this.call(kind, 'create', { namespace, body: object })) as KindMap[K];
  }

  async update<K extends KindName>(kind: K, object: KindMap[K]): Promise<KindMap[K]> {
    const { namespace = '', name } = object.metadata;
    return (await this.call(kind, 'replace', { namespace, name, body: object })) as KindMap[K];
  }

  async updateStatus<K extends KindName>(kind: K, object: KindMap[K]): Promise<KindMap[K]> {
    const { namespace = '', name } = object.metadata;
    return (await this.call(kind, 'replaceStatus', { namespace, name, body: object })) as KindMap[K];
  }

  async patch<K extends KindName>(
    kind: K,
    namespace: string,
    name: string,
    patch: MergePatch,
    options: PatchOptions = {},
  ): Promise<KindMap[K]> {
    const op = options.subresource === 'status' ? 'patchStatus' : 'patch';
    const headers = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    return (await this.call(kind, op, { namespace, name, body: patch }, headers)) as KindMap[K];
  }

  async delete(kind: KindName, namespace: string, name: string): Promise<void> {
    await this.invoke(kind, 'delete', { namespace, name, propagationPolicy: 'Background' });
  }

  async evict(namespace: string, name: string): Promise<void> {
    const body = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } };
    try {
      await this.apis.core.createNamespacedPodEviction?.call(this.apis.core, { namespace, name, body });
    } catch (err) {
      throw toKubeApiError(err);
    }
  }

  watch<K extends KindName>(
    kind: K,
    options: WatchOptions,
    onEvent: (event: WatchEvent<KindMap[K]>) => void,
    onDone: (error?: Error) => void,
  ): WatchHandle {
    return new WatchStream(this.kubeConfig, RESOURCE_KINDS[kind], options, onEvent, onDone).handle();
  }

  private async call(kind: KindName, op: Op, params: Record<string, unknown>, options?: unknown) {
    return normalise(RESOURCE_KINDS[kind], await this.invoke(kind, op, params, options));
  }

  private async invoke(kind: KindName, op: Op, params: Record<string, unknown>, options?: unknown) {
    const desc = RESOURCE_KINDS[kind];
    const builtIn = BUILT_IN_STEMS[kind];
    const api = this.apis[builtIn ? builtIn.api : 'custom'];
    const methodName = builtIn ? builtInMethodName(builtIn.stem, desc.namespaced, op) : CUSTOM_METHODS[op];
    const method = api[methodName];
    if (!method) throw new Error(`client-node has no ${methodName} for ${kind}`);
    const scoped = desc.namespaced ? params : { ...params, namespace: undefined };
    const custom = builtIn
      ? {}
      : { group: desc.group, version: desc.version, plural: desc.plural, resourcePlural: desc.plural };
    try {
      return await method.call(api, { ...custom, ...scoped }, options);
    } catch (err) {
      throw toKubeApiError(err);
    }
  }
}

/** One watch request: maps ERROR events to KubeApiError, the client's inactivity timeout to a clean close. */
class WatchStream<K extends KindName> {
  private finished = false;
  private abort: AbortController | undefined;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly desc: ResourceKind,
    private readonly options: WatchOptions,
    private readonly onEvent: (event: WatchEvent<KindMap[K]>) => void,
    private readonly onDone: (error?: Error) => void,
  ) {}

  handle(): WatchHandle {
    new Watch(this.kubeConfig)
      .watch(
        this.path(),
        this.query(),
        (type: string, obj: unknown) => this.event(type, obj),
        (err: unknown) => this.finish(err),
      )
      .then((controller) => {
        this.abort = controller;
        if (this.finished) controller.abort();
      })
      .catch((err: unknown) => this.finish(err));
    return {
      stop: () => {
        this.finished = true;
        this.abort?.abort();
      },
    };
  }

  private path(): string {
    const { group, version, plural, namespaced } = this.desc;
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const ns = namespaced && this.options.namespace ? `/namespaces/${this.options.namespace}` : '';
    return `${base}${ns}/${plural}`;
  }

  private query(): Record<string, string | number | boolean | undefined> {
    const o = this.options;
    return {
      resourceVersion: o.resourceVersion,
      allowWatchBookmarks: o.allowWatchBookmarks,
      timeoutSeconds: o.timeoutSeconds,
      labelSelector: o.labelSelector ? formatLabelSelector(o.labelSelector) : undefined,
      fieldSelector: o.fieldSelector,
    };
  }

  private event(type: string, obj: unknown): void {
    if (this.finished) return;
    if (type === 'ERROR') {
      const status = obj as { code?: number; message?: string; reason?: string };
      this.finish(KubeApiError.fromCode(status.code ?? 500, status.message ?? 'watch error', status.reason));
      this.abort?.abort();
      return;
    }
    if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED' && type !== 'BOOKMARK') return;
    // The watch parsed the line itself: plain JSON already, no round trip needed (unlike the typed APIs' results).
    const object = { ...(obj as KubeObject), apiVersion: apiVersionOf(this.desc), kind: this.desc.kind };
    this.onEvent({ type, object: object as KindMap[K] });
  }

  private finish(err: unknown): void {
    if (this.finished) return;
    this.finished = true;
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    this.onDone(err && !timedOut ? toKubeApiError(err) : undefined);
  }
}
