/**
 * The sandbox's stand-in for kube-controller-manager's ReplicaSet controller and the kubelet: for every ReplicaSet it
 * keeps `spec.replicas` Pods (template labels, controller ownerReference), marks each Ready after `readyDelayMs`, and
 * writes the ReplicaSet's status counters. Pods can be failed and recovered on demand. It reads ReplicaSets and Pods
 * from what its watches delivered (workload-index.ts), and one timer serves every pod waiting to become Ready.
 */
import type { ReplicaSet, Pod } from '../api/workloads.js';
import { isPodReady } from '../api/workloads.js';
import type { Cluster, WatchEvent, WatchHandle } from '../kube/cluster.js';
import type { Clock, TimerHandle } from '../kube/clock.js';
import { isNotFound } from '../kube/errors.js';
import { seededRng, type Rng } from './request-simulator.js';
import { controllerName, WorkloadIndex } from './workload-index.js';
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
  private readonly index = new WorkloadIndex();
  /** Pods waiting to become Ready, in creation order (so also in order of when they are due). */
  private readonly readyQueue: { due: number; namespace: string; name: string }[] = [];
  private readyTimer: TimerHandle | undefined;

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
    if (this.readyTimer) this.options.clock.clearTimeout(this.readyTimer);
    this.readyTimer = undefined;
    this.readyQueue.length = 0;
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
    this.index.clear(kind);
    const handle = this.cluster.watch(
      kind,
      namespace ? { namespace } : {},
      (event) => this.observe(kind, event),
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

  /** Keeps the index current and reconciles the ReplicaSet the event concerns. */
  private observe(kind: 'ReplicaSet' | 'Pod', event: WatchEvent<ReplicaSet | Pod>): void {
    if (event.type === 'BOOKMARK') return;
    const { namespace = '', name } = event.object.metadata;
    if (kind === 'ReplicaSet') {
      const rs = event.object as ReplicaSet;
      if (event.type === 'DELETED') this.index.removeReplicaSet(rs);
      else this.index.putReplicaSet(rs);
      void this.enqueue(namespace, name);
      return;
    }
    const pod = event.object as Pod;
    if (event.type === 'DELETED') this.index.removePod(namespace, name);
    else this.index.putPod(pod);
    const owner = controllerName(pod);
    if (owner) void this.enqueue(namespace, owner);
  }

  private async reconcile(namespace: string, name: string): Promise<void> {
    const rs = this.index.replicaSet(namespace, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const pods = selectOwnedPods(rs, this.index.podsOf(namespace, name));
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
      this.index.putPod(created);
      const pending = { ...created, status: podStatus('Pending', false, this.options.clock.now()) };
      this.index.putPod(await this.cluster.updateStatus('Pod', pending));
      const { namespace = '', name } = created.metadata;
      this.whenReady(namespace, name);
    }
  }

  /** Queues the pod to become Ready after the delay; one timer runs for the head of the queue. */
  private whenReady(namespace: string, name: string): void {
    this.readyQueue.push({ due: this.options.clock.now() + this.readyDelayMs, namespace, name });
    if (this.readyQueue.length === 1) this.armReadyTimer();
  }

  private armReadyTimer(): void {
    const head = this.readyQueue[0];
    if (!head || !this.running) return;
    const wait = Math.max(0, head.due - this.options.clock.now());
    this.readyTimer = this.options.clock.setTimeout(() => {
      this.readyTimer = undefined;
      const now = this.options.clock.now();
      let due = 0;
      while (due < this.readyQueue.length && this.readyQueue[due]!.due <= now) due++;
      for (const { namespace, name } of this.readyQueue.splice(0, due)) {
        this.track(() => this.setPodReady(namespace, name, true));
      }
      this.armReadyTimer();
    }, wait);
  }

  private async deletePod(pod: Pod): Promise<void> {
    const { namespace = '', name } = pod.metadata;
    try {
      await this.cluster.delete('Pod', namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.index.removePod(namespace, name);
  }

  private async setPodReady(namespace: string, name: string, ready: boolean): Promise<void> {
    const pod = this.index.pod(namespace, name) ?? (await this.podFromCluster(namespace, name));
    if (!pod) return;
    if (isPodReady(pod) === ready && pod.status?.phase === 'Running') return;
    const status = podStatus('Running', ready, this.options.clock.now(), podIpFor(name));
    const patched = await this.cluster.patch('Pod', namespace, name, { status }, { subresource: 'status' });
    this.index.putPod(patched);
    const owner = controllerName(pod);
    if (owner) await this.enqueue(namespace, owner);
  }

  /** A pod the watch has not delivered yet (a real API server's watch may lag behind its writes). */
  private async podFromCluster(namespace: string, name: string): Promise<Pod | undefined> {
    try {
      return await this.cluster.get('Pod', namespace, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async writeStatus(rs: ReplicaSet): Promise<void> {
    const { namespace = '', name } = rs.metadata;
    const pods = selectOwnedPods(rs, this.index.podsOf(namespace, name));
    const ready = pods.filter(isPodReady).length;
    const status = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    const current = this.index.replicaSet(namespace, name)?.status ?? {};
    const same = (Object.keys(status) as (keyof typeof status)[]).every((k) => current[k] === status[k]);
    if (same) return;
    const patch = { status };
    const written = await this.cluster.patch('ReplicaSet', namespace, name, patch, { subresource: 'status' });
    this.index.putReplicaSet(written);
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
