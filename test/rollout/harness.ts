/** Test harness for the canary planner: a Rollout builder and a driver that applies plans to an in-memory cluster. */
import { MANAGED_BY_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from '../../src/api/labels.js';
import type { CanaryStep, CanaryStrategy, Rollout, RolloutStatus } from '../../src/api/rollout.js';
import type { ReplicaSet } from '../../src/api/workloads.js';
import { planRollout } from '../../src/rollout/planner.js';
import type { RolloutEvent, RolloutPlan } from '../../src/rollout/plan-types.js';
import {
  applyPlan,
  makePodsAvailable,
  makeService,
  snapshotOf,
  type SimCluster,
} from '../../src/rollout/sim-cluster.js';

export const T0 = Date.UTC(2026, 0, 1);

export interface RolloutOptions {
  replicas?: number;
  steps?: CanaryStep[];
  /** host: Istio host-level with canary/stable Services; subset: DestinationRule, no Services; none: basic canary. */
  traffic?: 'host' | 'subset' | 'none';
  canary?: Partial<CanaryStrategy>;
  progressDeadlineSeconds?: number;
  progressDeadlineAbort?: boolean;
}

export function makeRollout(o: RolloutOptions = {}): Rollout {
  const traffic = o.traffic ?? 'host';
  const canary: CanaryStrategy = { steps: o.steps ?? [], ...(o.canary ?? {}) };
  if (traffic === 'host') {
    canary.canaryService = 'web-canary';
    canary.stableService = 'web-stable';
    canary.trafficRouting = {
      istio: { virtualService: { name: 'web', routes: ['primary'] } },
      ...(canary.trafficRouting ?? {}),
    };
  }
  if (traffic === 'subset') {
    canary.trafficRouting = {
      istio: {
        virtualService: { name: 'web' },
        destinationRule: { name: 'web', canarySubsetName: 'canary', stableSubsetName: 'stable' },
      },
      ...(canary.trafficRouting ?? {}),
    };
  }
  const rollout: Rollout = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'demo', uid: 'uid-web', generation: 1 },
    spec: {
      replicas: o.replicas ?? 10,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'web:1' }] },
      },
      strategy: { canary },
    },
  };
  if (o.progressDeadlineSeconds !== undefined)
    rollout.spec.progressDeadlineSeconds = o.progressDeadlineSeconds;
  if (o.progressDeadlineAbort) rollout.spec.progressDeadlineAbort = true;
  return rollout;
}

export class Driver {
  readonly cluster: SimCluster;
  now: number;
  last!: RolloutPlan;
  readonly events: RolloutEvent[] = [];
  /** Pods that stay unavailable, per ReplicaSet hash: available count is capped at this. */
  readonly availableCap = new Map<string, number>();

  constructor(rollout: Rollout, now = T0) {
    const canary = rollout.spec.strategy.canary;
    const pingPong = canary?.pingPong;
    const services = [
      canary?.stableService,
      canary?.canaryService,
      pingPong?.pingService,
      pingPong?.pongService,
    ]
      .filter((n): n is string => Boolean(n))
      .map((n) => makeService(n, 'demo', { app: 'web' }));
    this.cluster = { rollout: structuredClone(rollout), replicaSets: [], services };
    this.now = now;
  }

  /** A Rollout deployed and Healthy at revision 1 (image web:1), Services adopted. */
  static healthy(rollout: Rollout): Driver {
    const d = new Driver(rollout);
    d.settle();
    for (const svc of d.cluster.services) svc.metadata.annotations = { [MANAGED_BY_ANNOTATION]: 'web' };
    d.settle();
    return d;
  }

  get status(): RolloutStatus {
    return this.cluster.rollout.status ?? {};
  }

  /** One reconcile: plan and apply, pods do not change. */
  plan(): RolloutPlan {
    this.last = planRollout(snapshotOf(this.cluster), this.now);
    applyPlan(this.cluster, this.last);
    this.events.push(...this.last.events);
    return this.last;
  }

  /** Pods of every RS become available (up to the caps set in `availableCap`). */
  podsUp(): void {
    const caps: Record<string, number> = {};
    for (const rs of this.cluster.replicaSets) {
      const cap = this.availableCap.get(hashOf(rs));
      if (cap !== undefined) caps[rs.metadata.name] = cap;
    }
    makePodsAvailable(this.cluster, caps);
  }

  /** One reconcile followed by pods coming up (pods are refreshed first, so cap changes are seen). */
  step(): RolloutPlan {
    this.podsUp();
    const plan = this.plan();
    this.podsUp();
    return plan;
  }

  /** Reconcile until nothing changes (no actions, same status); returns how many passes it took. */
  settle(max = 60): number {
    for (let i = 1; i <= max; i++) {
      const before = JSON.stringify(this.status);
      const plan = this.step();
      if (plan.actions.length === 0 && JSON.stringify(this.status) === before) return i;
    }
    throw new Error(`rollout did not settle within ${max} passes`);
  }

  advance(ms: number): void {
    this.now += ms;
  }

  setImage(image: string): void {
    const template = this.cluster.rollout.spec.template;
    const container = template?.spec?.containers?.[0];
    if (container) container.image = image;
    this.cluster.rollout.metadata.generation = (this.cluster.rollout.metadata.generation ?? 1) + 1;
  }

  /** `kubectl argo rollouts promote`: unpause and clear pause conditions. */
  promote(): void {
    this.cluster.rollout.spec.paused = false;
    delete this.status.pauseConditions;
  }

  promoteFull(): void {
    this.promote();
    this.status.promoteFull = true;
  }

  abort(): void {
    this.status.abort = true;
  }

  retry(): void {
    this.status.abort = false;
  }

  rs(hash: string | undefined): ReplicaSet | undefined {
    return this.cluster.replicaSets.find((rs) => hashOf(rs) === hash);
  }

  replicasOf(hash: string | undefined): number {
    return this.rs(hash)?.spec.replicas ?? 0;
  }

  get canaryWeight(): number | undefined {
    return this.status.canary?.weights?.canary.weight;
  }

  serviceHash(name: string): string | undefined {
    return this.cluster.services.find((s) => s.metadata.name === name)?.spec.selector?.[
      POD_TEMPLATE_HASH_LABEL
    ];
  }

  eventsWith(reason: string): string[] {
    return this.events.filter((e) => e.reason === reason).map((e) => e.message);
  }
}

export function hashOf(rs: ReplicaSet): string {
  return rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
}

/** Start from a Healthy revision 1 and apply image web:2; returns the driver and both hashes. */
export function updating(rollout: Rollout): { d: Driver; v1: string; v2: string } {
  const d = Driver.healthy(rollout);
  const v1 = d.status.stableRS ?? '';
  d.setImage('web:2');
  d.step();
  return { d, v1, v2: d.status.currentPodHash ?? '' };
}
