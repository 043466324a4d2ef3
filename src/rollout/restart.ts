/**
 * `spec.restartAt` (Argo's RolloutPodRestarter, rollout/restart.go): every pod of the Rollout created before
 * `restartAt` is evicted (the Eviction API, so PodDisruptionBudgets apply), as many at a time as availability allows:
 * `max(maxUnavailable, 1)` below `max(spec.replicas, sum of the ReplicaSets' replicas)` available pods. When no pod
 * older than `restartAt` is left, `status.restartedAt = spec.restartAt`. Oldest pods first. Pure: the pods are read
 * by the controller (only while a restart is due) and the evictions are plan actions.
 */
import { ownedBy } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { Pod } from '../api/workloads.js';
import type { PlanContext } from './context.js';
import type { PlanOutput } from './plan-output.js';

/** Look again this soon while pods remain to restart (ReplicaSet status changes usually come first). */
export const RESTART_RECHECK_MS = 30_000;

export interface RestartPlan {
  /** Pods to evict this pass, oldest first. */
  evict: string[];
  /** Set when no pod older than `restartAt` remains: the value for `status.restartedAt`. */
  restartedAt?: string;
  requeueAfterMs?: number;
}

function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Argo's NeedsRestart: `restartAt` has passed and is later than the last completed restart. */
export function needsRestart(rollout: Rollout, now: number): boolean {
  const at = parseTime(rollout.spec?.restartAt);
  if (at === undefined || now < at) return false;
  const done = parseTime(rollout.status?.restartedAt);
  return done === undefined || done < at;
}

/** Milliseconds until a future `restartAt` (the pass requeues for it); undefined when none is pending. */
export function restartDueIn(rollout: Rollout, now: number): number | undefined {
  const at = parseTime(rollout.spec?.restartAt);
  return at !== undefined && at > now ? at - now : undefined;
}

/** Ready for `minReadySeconds` (Kubernetes' IsPodAvailable) and not terminating. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready) return false;
  if (minReadySeconds <= 0) return true;
  const since = parseTime(ready.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

function createdAt(pod: Pod): number {
  return parseTime(pod.metadata.creationTimestamp) ?? 0;
}

function oldestFirst(a: Pod, b: Pod): number {
  return createdAt(a) - createdAt(b) || a.metadata.name.localeCompare(b.metadata.name);
}

/** The pods of the Rollout's ReplicaSets (Argo: pods owned by one of them). */
export function rolloutPods(ctx: PlanContext, pods: readonly Pod[]): Pod[] {
  const owners = ctx.all.filter((view) => !view.creating).map((view) => view.rs);
  return pods.filter((pod) => owners.some((rs) => ownedBy(pod, { ...rs, kind: 'ReplicaSet' })));
}

/** This pass's evictions, or the completed restart. `pods` undefined: not observed, nothing is planned. */
export function planRestart(ctx: PlanContext, pods: readonly Pod[] | undefined): RestartPlan {
  const due = restartDueIn(ctx.rollout, ctx.now);
  if (!needsRestart(ctx.rollout, ctx.now) || !pods) {
    return due === undefined ? { evict: [] } : { evict: [], requeueAfterMs: due };
  }
  const at = parseTime(ctx.rollout.spec.restartAt) ?? 0;
  const mine = rolloutPods(ctx, pods).sort(oldestFirst);
  const minReady = ctx.rollout.spec.minReadySeconds ?? 0;
  const available = mine.filter((pod) => isPodAvailable(pod, minReady, ctx.now)).length;
  const total = ctx.all.reduce((sum, view) => sum + view.replicas, 0);
  const concurrent = Math.max(ctx.cfg.maxUnavailable, 1);
  let canRestart = available - (Math.max(ctx.cfg.replicas, total) - concurrent);
  const stale = mine.filter((pod) => createdAt(pod) < at);
  if (stale.length === 0) return { evict: [], restartedAt: ctx.rollout.spec.restartAt ?? '' };
  const evict: string[] = [];
  for (const pod of stale) {
    if (canRestart <= 0) break;
    if (pod.metadata.deletionTimestamp) continue;
    evict.push(pod.metadata.name);
    canRestart -= 1;
  }
  return { evict, requeueAfterMs: RESTART_RECHECK_MS };
}

/** The restart's evictions and events into `out`; returns the new `status.restartedAt` when the restart is done. */
export function planPodRestart(ctx: PlanContext, out: PlanOutput): string | undefined {
  const plan = planRestart(ctx, ctx.pods);
  const at = ctx.rollout.spec.restartAt ?? '';
  for (const name of plan.evict) {
    out.actions.push({ type: 'evictPod', name });
    out.normal('PodRestarted', `Evicting pod ${name}: created before restartAt ${at}`);
  }
  if (plan.requeueAfterMs !== undefined) out.requeue(plan.requeueAfterMs);
  if (plan.restartedAt !== undefined) out.normal('RolloutRestarted', `Every pod created after ${at}`);
  return plan.restartedAt;
}
