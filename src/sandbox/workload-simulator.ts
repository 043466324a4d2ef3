/**
 * The sandbox's stand-in for kube-controller-manager's ReplicaSet controller and the kubelet: for every ReplicaSet it
 * keeps `spec.replicas` Pods (template labels, controller ownerReference), marks each Ready after `readyDelayMs`, and
 * writes the ReplicaSet's status counters. Pods can be failed and recovered on demand.
 */
import type { ReplicaSet, Pod } from '../api/workloads.js';
import { isPodReady } from '../api/workloads.js';
import type { Cluster, WatchHandle } from '../kube/cluster.js';
import type { Clock } from '../kube/clock.js';
import { isNotFound } from '../kube/errors.js';
import { seededRng, type Rng } from './request-simulator.js';
import { newPod, podIpFor, podStatus, selectOwnedPods, surplusPods } from './workload-pods.js';

export interface WorkloadSimulatorOptions {
  clock: Clock;
  /** Time from pod creation to Ready. Default 1000 ms. */
  readyDelayMs?: number;
  /** Only ReplicaSets in this namespace ('' or omitted: all). */
  namespace?: string;
  /** Pod name suffixes come from this seed (deterministic names in tests). */
  seed?: number;
  /** Reports errors the simulator recovered from. Default: ignore NotFound/Conflict, print the rest. */
  onError?: (error: unknown) => void;
  /** Time before a watch that ended is re-opened. Default 1000 ms. */
  rewatchDelayMs?: number;
}

export class WorkloadSimulator {
  private readonly readyDelayMs: number;
  private readonly rng: Rng;
  private readonly queue = new Map<string, { running: Promise<void>; again: boolean }>();
  private readonly watches: WatchHandle[] = [];
  /** Readiness flips started by timers, awaited by `idle()`. */
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: WorkloadSimulatorOptions,
  ) {
    this.readyDelayMs = options.readyDelayMs ?? 1000;
    this.rng = seededRng(options.seed ?? 7);
  }

  /** Starts watching ReplicaSets and Pods; every current ReplicaSet is reconciled once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.watchKind('ReplicaSet');
    this.watchKind('Pod');
  }

  stop(): void {
    this.running = false;
    for (const w of this.watches.splice(0)) w.stop();
  }

  /** Resolves when no reconcile is pending (ready timers may still be armed). */
  async idle(): Promise<void> {
    while (this.queue.size > 0 || this.inFlight.size > 0) {
      await Promise.all([...this.queue.values()].map((q) => q.running));
      await Promise.all([...this.inFlight]);
    }
  }

  /** Makes a pod fail its readiness probe (CrashLoopBackOff) until `recoverPod`. */
  async failPod(namespace: string, name: string): Promise<void> {
    await this.setPodReady(namespace, name, false);
  }

  async recoverPod(namespace: string, name: string): Promise<void> {
    await this.setPodReady(namespace, name, true);
  }

  /** Reconciles one ReplicaSet now (also used by the watch handlers). */
  enqueue(namespace: string, name: string): Promise<void> {
    const key = `${namespace}/${name}`;
    const entry = this.queue.get(key);
    if (entry) {
      entry.again = true;
      return entry.running;
    }
    const state = { running: Promise.resolve(), again: false };
    state.running = (async () => {
      do {
        state.again = false;
        await this.reconcile(namespace, name).catch((err: unknown) => this.report(err));
      } while (state.again && this.running);
      this.queue.delete(key);
    })();
    this.queue.set(key, state);
    return state.running;
  }

  private watchKind(kind: 'ReplicaSet' | 'Pod'): void {
    const namespace = this.options.namespace ?? '';
    const handle = this.cluster.watch(
      kind,
      namespace ? { namespace } : {},
      (event) => {
        if (event.type === 'BOOKMARK') return;
        const owner =
          kind === 'ReplicaSet' ? event.object.metadata.name : controllerName(event.object as Pod);
        if (owner) void this.enqueue(event.object.metadata.namespace ?? '', owner);
      },
      (error) => {
        if (error) this.report(error);
        if (!this.running) return;
        this.options.clock.setTimeout(() => {
          if (this.running) this.watchKind(kind);
        }, this.options.rewatchDelayMs ?? 1000);
      },
    );
    this.watches.push(handle);
  }

  private async reconcile(namespace: string, name: string): Promise<void> {
    let rs: ReplicaSet;
    try {
      rs = await this.cluster.get('ReplicaSet', namespace, name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (rs.metadata.deletionTimestamp) return;
    const pods = selectOwnedPods(rs, (await this.cluster.list('Pod', { namespace })).items);
    const desired = rs.spec.replicas ?? 1;
    if (pods.length < desired) await this.createPods(rs, desired - pods.length);
    if (pods.length > desired) {
      for (const pod of surplusPods(pods, pods.length - desired)) await this.deletePod(pod);
    }
    await this.writeStatus(rs);
  }

  private async createPods(rs: ReplicaSet, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const created = await this.cluster.create('Pod', newPod(rs, this.rng));
      const pending = { ...created, status: podStatus('Pending', false, this.options.clock.now()) };
      await this.cluster.updateStatus('Pod', pending);
      const { namespace = '', name } = created.metadata;
      this.options.clock.setTimeout(
        () => this.track(() => this.setPodReady(namespace, name, true)),
        this.readyDelayMs,
      );
    }
  }

  private async deletePod(pod: Pod): Promise<void> {
    try {
      await this.cluster.delete('Pod', pod.metadata.namespace ?? '', pod.metadata.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async setPodReady(namespace: string, name: string, ready: boolean): Promise<void> {
    let pod: Pod;
    try {
      pod = await this.cluster.get('Pod', namespace, name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (isPodReady(pod) === ready && pod.status?.phase === 'Running') return;
    const status = podStatus('Running', ready, this.options.clock.now(), podIpFor(name));
    await this.cluster.patch('Pod', namespace, name, { status }, { subresource: 'status' });
    const owner = controllerName(pod);
    if (owner) await this.enqueue(namespace, owner);
  }

  private async writeStatus(rs: ReplicaSet): Promise<void> {
    const { namespace = '', name } = rs.metadata;
    const pods = selectOwnedPods(rs, (await this.cluster.list('Pod', { namespace })).items);
    const ready = pods.filter(isPodReady).length;
    const status = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    const current = rs.status ?? {};
    const same = (Object.keys(status) as (keyof typeof status)[]).every((k) => current[k] === status[k]);
    if (!same) await this.cluster.patch('ReplicaSet', namespace, name, { status }, { subresource: 'status' });
  }

  private track(work: () => Promise<void>): void {
    if (!this.running) return;
    const tracked: Promise<void> = work()
      .catch((err: unknown) => this.report(err))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private report(error: unknown): void {
    if (this.options.onError) this.options.onError(error);
    else if (!isNotFound(error)) console.error('workload simulator:', error);
  }
}

function controllerName(pod: Pod): string | undefined {
  return pod.metadata.ownerReferences?.find((ref) => ref.kind === 'ReplicaSet' && ref.controller)?.name;
}
