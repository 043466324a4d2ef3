/**
 * The workload of `npm run bench:cluster` and `npm run bench:vs-argo`: N subset-canary Rollouts × R replicas with
 * setWeight 25/50/75/100, created in one namespace, watched until every Rollout is fully promoted, and the watch
 * histories the latency figures are computed from.
 */
import type { VirtualService } from '../src/api/istio.ts';
import type { Rollout } from '../src/api/rollout.ts';
import type { ReplicaSet } from '../src/api/workloads.ts';
import { subsetCanary } from '../e2e/support/fixtures.ts';
import { ObjectHistory, paths } from '../e2e/support/history.ts';
import type { E2eClient } from '../e2e/support/kube.ts';
import { sleep } from '../e2e/support/wait-for.ts';

export const WEIGHTS = [25, 50, 75, 100];
export const NEXT_IMAGE = 'registry.example/bench:2';

export interface Workload {
  namespace: string;
  names: string[];
  replicas: number;
}

export function workload(namespace: string, rollouts: number, replicas: number): Workload {
  const names = Array.from({ length: rollouts }, (_, i) => `app-${String(i).padStart(3, '0')}`);
  return { namespace, names, replicas };
}

export async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** Creates every Rollout with its Service, DestinationRule and VirtualService. */
export async function createWorkload(admin: E2eClient, w: Workload): Promise<void> {
  const steps = WEIGHTS.map((weight) => ({ setWeight: weight }));
  await inBatches(w.names, 20, (name) =>
    admin.createAll(
      subsetCanary({
        namespace: w.namespace,
        name,
        replicas: w.replicas,
        steps,
        readyDelayMs: 200,
        canary: { scaleDownDelaySeconds: 1 },
      }).objects,
    ),
  );
}

/** Sets every Rollout's image to `image` (starts revision 2). */
export async function changeImage(admin: E2eClient, w: Workload, image = NEXT_IMAGE): Promise<void> {
  await inBatches(w.names, 20, (name) => withRetries(() => admin.setImage(w.namespace, name, image)));
}

/**
 * A request retried after a transport failure (the API server closing a busy HTTP/2 connection at 1,000 Rollouts),
 * up to 3 attempts a second apart; an answer from the server (an HTTP error) is not retried.
 */
async function withRetries(request: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      const transport = err instanceof TypeError && err.message === 'fetch failed';
      if (!transport || attempt >= 3) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** Watch histories of the workload's ReplicaSets, VirtualServices and Rollouts. */
export interface WorkloadHistories {
  rs: ObjectHistory<ReplicaSet>;
  vs: ObjectHistory<VirtualService>;
  rollouts: ObjectHistory<Rollout>;
  stop(): void;
}

export async function watchWorkload(admin: E2eClient, namespace: string): Promise<WorkloadHistories> {
  const rs = new ObjectHistory<ReplicaSet>(admin.kc, paths.replicaSets(namespace));
  const vs = new ObjectHistory<VirtualService>(admin.kc, paths.virtualServices(namespace));
  const rollouts = new ObjectHistory<Rollout>(admin.kc, paths.rollouts(namespace));
  await Promise.all([rs.start(), vs.start(), rollouts.start()]);
  return { rs, vs, rollouts, stop: () => [rs, vs, rollouts].forEach((h) => h.stop()) };
}

/** Latest Rollout and VirtualService per name, kept current by the watches. */
export class LiveState {
  readonly rollouts = new Map<string, Rollout>();
  readonly canaryWeight = new Map<string, number>();
  private readonly w: Workload;

  constructor(w: Workload, h: WorkloadHistories) {
    this.w = w;
    h.rollouts.onVersion((v) => this.rollouts.set(v.object.metadata.name, v.object));
    h.vs.onVersion((v) => {
      const primary = v.object.spec.http?.find((r) => r.name === 'primary');
      this.canaryWeight.set(
        v.object.metadata.name,
        primary?.route?.find((d) => d.destination.subset === 'canary')?.weight ?? 0,
      );
    });
  }

  /** Rollouts that are Healthy on `image`, stable == current, all replicas available and the canary weight back at 0. */
  done(image: string): number {
    let n = 0;
    for (const name of this.w.names) {
      const r = this.rollouts.get(name);
      const s = r?.status;
      const onImage = r?.spec.template?.spec?.containers?.[0]?.image === image;
      const observed = s?.observedGeneration === String(r?.metadata.generation);
      const healthy =
        observed &&
        s?.phase === 'Healthy' &&
        s.stableRS === s.currentPodHash &&
        s.availableReplicas === this.w.replicas;
      if (onImage && healthy && this.canaryWeight.get(name) === 0) n++;
    }
    return n;
  }

  async waitAll(image: string, what: string, timeoutMs: number): Promise<number> {
    const started = Date.now();
    const total = this.w.names.length;
    let last = -1;
    for (;;) {
      const done = this.done(image);
      if (done === total) return Date.now() - started;
      if (done !== last) process.stdout.write(`  ${what}: ${done}/${total}\n`);
      last = done;
      if (Date.now() - started > timeoutMs)
        throw new Error(`${what}: only ${done}/${total} after ${timeoutMs} ms`);
      await sleep(250);
    }
  }

  /** Revision 1 (each fixture's own image) Healthy everywhere: no steps run for a first revision. */
  async waitFirstRevision(timeoutMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      const done = this.w.names.filter((name) => {
        const s = this.rollouts.get(name)?.status;
        return (
          s?.phase === 'Healthy' &&
          s.availableReplicas === this.w.replicas &&
          this.canaryWeight.get(name) === 0
        );
      }).length;
      if (done === this.w.names.length) return Date.now() - started;
      if (Date.now() - started > timeoutMs)
        throw new Error(`revision 1: only ${done}/${this.w.names.length} healthy`);
      await sleep(250);
    }
  }
}
