/** Replica maths for the canary and stable ReplicaSets (§3.2). */
import type { TrafficWeights } from '../api/rollout.js';
import { hasDistinctStable, sumReplicas, type PlanContext, type RsView } from './context.js';
import { canaryReplicasOrWeight, isAborted } from './steps.js';

export interface ReplicaCounts {
  canary: number;
  stable: number;
}

/** ceil(R·W/Max): traffic weight to replicas, rounding up. */
export function weightToReplicas(replicas: number, weight: number, maxWeight = 100): number {
  return Math.ceil((weight * replicas) / maxWeight);
}

function withMinPods(ctx: PlanContext, n: number): number {
  if (n === 0 || ctx.cfg.minPodsPerReplicaSet === 0) return n;
  return Math.min(Math.max(n, ctx.cfg.minPodsPerReplicaSet), Math.max(ctx.cfg.replicas, n));
}

/**
 * Traffic-routed counts. Stable stays at R unless dynamicStableScale, where it is the larger of the desired stable
 * share and the share traffic still sends it (`weights` = the previous status), so it shrinks only after traffic left.
 */
export function trafficRoutedCounts(ctx: PlanContext, weights: TrafficWeights | undefined): ReplicaCounts {
  const { replicas: R, maxTrafficWeight: max } = ctx.cfg;
  const desired = canaryReplicasOrWeight(ctx);
  let canary = desired.replicas ?? withMinPods(ctx, weightToReplicas(R, desired.weight, max));
  if (!ctx.cfg.dynamicStableScale) return { canary, stable: R };
  let stable = weightToReplicas(R, max - desired.weight, max);
  if (weights) {
    stable = Math.max(stable, weightToReplicas(R, weights.stable?.weight ?? 0, max));
    // While aborting, the canary keeps the pods its remaining traffic needs.
    if (isAborted(ctx)) canary = Math.max(canary, weightToReplicas(R, weights.canary?.weight ?? 0, max));
  }
  return { canary: withMinPods(ctx, canary), stable: withMinPods(ctx, stable) };
}

function frac(x: number): number {
  return x - Math.trunc(x);
}

/**
 * Best approximation of W% with R (or R+1 when surge is allowed) pods: 1..99% never yields 0 pods on either side
 * when R ≥ 2 or surge is allowed; a floor/ceil tie rounds the canary up. R=10, 41% ⇒ 4 canary / 6 stable.
 */
export function approximateCanaryStable(R: number, weight: number, maxSurge: number): ReplicaCounts {
  if (R === 0) return { canary: 0, stable: 0 };
  const ceil = Math.ceil((R * weight) / 100);
  const floor = Math.floor((R * weight) / 100);
  const zeroAllowed = weight === 100 || weight === 0 || (R === 1 && maxSurge === 0);
  const tied = (total: number): boolean => frac(total * (weight / 100)) === 0.5;
  const options: { canary: number; total: number }[] = [];
  if (ceil < R || zeroAllowed) options.push({ canary: ceil, total: R });
  if (!tied(R) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: R });
  if (maxSurge > 0) {
    options.push({ canary: ceil, total: R + 1 });
    if (!tied(R + 1) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: R + 1 });
  }
  const delta = (o: { canary: number; total: number }): number =>
    Math.abs((o.canary * 100) / o.total - weight);
  let best = options[0];
  for (const option of options.slice(1)) if (best === undefined || delta(option) < delta(best)) best = option;
  return best ? { canary: best.canary, stable: best.total - best.canary } : { canary: 0, stable: R };
}

/** How many of an RS's replicas count as "up" when deciding how much may be scaled down. */
function replicasForScaleDown(rs: RsView | undefined, ignoreAvailability: boolean): number {
  if (!rs) return 0;
  if (rs.replicas < rs.available || ignoreAvailability) return rs.replicas;
  return rs.available;
}

function scaleUpWithin(current: number, desired: number, budget: number): [number, number] {
  if (current >= desired || budget <= 0) return [current, budget];
  const next = Math.min(desired, current + budget);
  return [next, budget - (next - current)];
}

/**
 * Keep the RS whose availability was counted (`adjust`) within maxSurge without breaking maxUnavailable; any excess
 * is taken from the RS being drained. Returns [drain, adjust].
 */
function adjustWithinLimits(
  drain: RsView | undefined,
  adjust: RsView | undefined,
  counts: [number, number],
  limits: { maxTotal: number; minAvailable: number },
): [number, number] {
  let [drainCount, adjustCount] = counts;
  if (!adjust) return [drainCount, adjustCount];
  const over = Math.max(0, adjustCount + drainCount - limits.maxTotal);
  adjustCount -= over;
  const available = Math.min(drain?.available ?? 0, drainCount) + Math.min(adjust.available, adjustCount);
  const lostAvailability = Math.max(0, adjust.available - adjustCount);
  adjustCount += Math.min(lostAvailability, Math.max(0, limits.minAvailable - available));
  drainCount -= Math.max(0, adjustCount + drainCount - limits.maxTotal);
  return [drainCount, adjustCount];
}

/** Basic canary (no traffic routing): target counts paced by maxSurge and maxUnavailable; other RSs drained first. */
export function basicCanaryCounts(ctx: PlanContext): ReplicaCounts {
  const { replicas: R, maxSurge, maxUnavailable } = ctx.cfg;
  const { newRS, stableRS } = ctx;
  const scaleStable = hasDistinctStable(ctx);
  let desired = approximateCanaryStable(R, canaryReplicasOrWeight(ctx).weight, maxSurge);
  if (!scaleStable) desired = { canary: R, stable: 0 };
  let canary = newRS?.replicas ?? 0;
  let stable = scaleStable ? (stableRS?.replicas ?? 0) : 0;
  const maxTotal = R + maxSurge;
  const others = ctx.others;
  let budget =
    maxTotal - sumReplicas([...others, newRS, scaleStable ? stableRS : undefined], (v) => v.replicas);
  if (scaleStable) [stable, budget] = scaleUpWithin(stable, desired.stable, budget);
  if (newRS) [canary] = scaleUpWithin(canary, desired.canary, budget);
  if (sumReplicas(others, (v) => v.replicas) > 0) return { canary, stable };

  const minAvailable = R - maxUnavailable;
  const increasing = !newRS || desired.canary >= newRS.replicas;
  const countedUp = replicasForScaleDown(newRS, !increasing) + replicasForScaleDown(stableRS, increasing);
  if (countedUp <= minAvailable) return { canary, stable };
  const scaleDown = countedUp - minAvailable;
  const limits = { maxTotal, minAvailable };
  if (!increasing) {
    if (newRS && newRS.replicas > desired.canary)
      canary = Math.max(desired.canary, newRS.replicas - scaleDown);
    [canary, stable] = adjustWithinLimits(newRS, stableRS, [canary, stable], limits);
  } else if (scaleStable && stableRS) {
    if (stableRS.replicas > desired.stable) stable = Math.max(desired.stable, stableRS.replicas - scaleDown);
    [stable, canary] = adjustWithinLimits(stableRS, newRS, [stable, canary], limits);
  }
  return { canary, stable };
}

/** The counts this pass drives the new and stable RS towards. */
export function targetCounts(ctx: PlanContext, weights: TrafficWeights | undefined): ReplicaCounts {
  if (ctx.cfg.trafficRouted) return trafficRoutedCounts(ctx, weights);
  return basicCanaryCounts(ctx);
}

/** How many available canary pods make a step "reached" (replicaProgressThreshold, default 100%). */
export function requiredAvailable(ctx: PlanContext, desired: number): number {
  const threshold = ctx.cfg.replicaProgressThreshold;
  if (!threshold) return desired;
  if (threshold.type === 'Pods') return Math.min(desired, Math.max(0, threshold.value));
  return Math.min(desired, Math.ceil((desired * Math.max(0, threshold.value)) / 100));
}

/** Argo's AtDesiredReplicaCountsForCanary (with replicaProgressThreshold). */
export function atDesiredReplicaCounts(ctx: PlanContext, weights: TrafficWeights | undefined): boolean {
  const { newRS, stableRS } = ctx;
  const desired = targetCounts(ctx, weights);
  if (!newRS || newRS.replicas !== desired.canary) return false;
  if (newRS.available < requiredAvailable(ctx, desired.canary)) return false;
  if (!ctx.cfg.trafficRouted || !ctx.cfg.dynamicStableScale) {
    if (!stableRS || stableRS.replicas !== desired.stable || stableRS.statusReplicas !== desired.stable)
      return false;
  }
  if (!ctx.cfg.trafficRouted && sumReplicas(ctx.others, (v) => v.available) !== 0) return false;
  return true;
}
