/** A Cluster decorator that reports every API request (verb, kind, namespace, name, status code) to a callback. */
import type { Cluster, KindName, WatchHandle } from './cluster.js';
import { isKubeApiError } from './errors.js';

export interface RequestRecord {
  verb: 'get' | 'list' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete' | 'evict' | 'watch';
  kind: KindName;
  namespace: string;
  name: string;
  /** HTTP status code; 0 when the request never got an answer (network error). */
  statusCode: number;
}

const SUCCESS_CODE: Record<RequestRecord['verb'], number> = {
  get: 200,
  list: 200,
  create: 201,
  update: 200,
  updateStatus: 200,
  patch: 200,
  delete: 200,
  evict: 201,
  watch: 200,
};

export function instrumentCluster(inner: Cluster, onRequest: (record: RequestRecord) => void): Cluster {
  async function observed<T>(
    verb: RequestRecord['verb'],
    kind: KindName,
    namespace: string,
    name: string,
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      const result = await call();
      onRequest({ verb, kind, namespace, name, statusCode: SUCCESS_CODE[verb] });
      return result;
    } catch (err) {
      onRequest({ verb, kind, namespace, name, statusCode: isKubeApiError(err) ? err.code : 0 });
      throw err;
    }
  }
  return {
    get: (kind, namespace, name) =>
      observed('get', kind, namespace, name, () => inner.get(kind, namespace, name)),
    list: (kind, options) =>
      observed('list', kind, options?.namespace ?? '', '', () => inner.list(kind, options)),
    create: (kind, object) =>
      observed('create', kind, object.metadata.namespace ?? '', object.metadata.name, () =>
        inner.create(kind, object),
      ),
    update: (kind, object) =>
      observed('update', kind, object.metadata.namespace ?? '', object.metadata.name, () =>
        inner.update(kind, object),
      ),
    updateStatus: (kind, object) =>
      observed('updateStatus', kind, object.metadata.namespace ?? '', object.metadata.name, () =>
        inner.updateStatus(kind, object),
      ),
    patch: (kind, namespace, name, patch, options) =>
      observed('patch', kind, namespace, name, () => inner.patch(kind, namespace, name, patch, options)),
    delete: (kind, namespace, name) =>
      observed('delete', kind, namespace, name, () => inner.delete(kind, namespace, name)),
    evict: (namespace, name) => observed('evict', 'Pod', namespace, name, () => inner.evict(namespace, name)),
    watch: (kind, options, onEvent, onDone): WatchHandle => {
      onRequest({ verb: 'watch', kind, namespace: options.namespace ?? '', name: '', statusCode: 200 });
      return inner.watch(kind, options, onEvent, onDone);
    },
  };
}
