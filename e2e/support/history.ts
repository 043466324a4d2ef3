/**
 * Records every version of the objects under a collection path by watching it: each ADDED/MODIFIED/DELETED event
 * with its resourceVersion and arrival time. A dropped watch resumes from the last resourceVersion, so no version is
 * missed; a 410 (history compacted) is recorded as a gap and makes the history unusable as proof.
 */
import * as k8s from '@kubernetes/client-node';

export interface RecordedVersion<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resourceVersion: number;
  /** Date.now() when the event arrived */
  at: number;
  object: T;
}

interface Watched {
  metadata?: { resourceVersion?: string; name?: string };
}

export class ObjectHistory<T extends Watched> {
  readonly versions: RecordedVersion<T>[] = [];
  gaps = 0;
  private abort: AbortController | undefined;
  private lastResourceVersion: string | undefined;
  private stopped = false;
  private readonly listeners = new Set<(v: RecordedVersion<T>) => void>();

  private readonly kc: k8s.KubeConfig;
  private readonly path: string;

  constructor(kc: k8s.KubeConfig, path: string) {
    this.kc = kc;
    this.path = path;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  /** Calls `fn` for every version recorded from now on. */
  onVersion(fn: (v: RecordedVersion<T>) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  of(name: string): RecordedVersion<T>[] {
    return this.versions.filter((v) => v.object.metadata?.name === name);
  }

  private async connect(): Promise<void> {
    const query: Record<string, string> = { allowWatchBookmarks: 'true' };
    if (this.lastResourceVersion) query['resourceVersion'] = this.lastResourceVersion;
    this.abort = await new k8s.Watch(this.kc).watch(
      this.path,
      query,
      (type: string, object: T) => this.record(type, object),
      (err: unknown) => this.reconnect(err),
    );
  }

  private record(type: string, object: T): void {
    const rv = object.metadata?.resourceVersion;
    if (type === 'BOOKMARK') {
      this.lastResourceVersion = rv;
      return;
    }
    if (type === 'ERROR') {
      // 410 Gone: the version we asked for was compacted; restart from now and remember the gap.
      this.gaps += 1;
      this.lastResourceVersion = undefined;
      return;
    }
    if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
    this.lastResourceVersion = rv;
    const version: RecordedVersion<T> = { type, resourceVersion: Number(rv), at: Date.now(), object };
    this.versions.push(version);
    for (const fn of this.listeners) fn(version);
  }

  private reconnect(_err: unknown): void {
    if (this.stopped) return;
    setTimeout(() => {
      if (!this.stopped) this.connect().catch(() => this.reconnect(undefined));
    }, 100);
  }
}

export const paths = {
  virtualServices: (ns: string) => `/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices`,
  rollouts: (ns: string) => `/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts`,
  replicaSets: (ns: string) => `/apis/apps/v1/namespaces/${ns}/replicasets`,
};
