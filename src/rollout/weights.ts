/** Desired traffic weight, managed routes and the TrafficIntent for the router (§3.3). */
import type { TrafficWeights, WeightDestination } from '../api/rollout.js';
import type { ManagedRoute, TrafficIntent } from './intent.js';
import { stableIsNew, type PlanContext } from './context.js';
import { atDesiredReplicaCounts } from './replicas.js';
import {
  currentSetWeight,
  currentStepIndex,
  isAborted,
  isFullyPromoted,
  setWeightAtOrBefore,
} from './steps.js';

export interface TrafficDecision {
  intent: TrafficIntent;
  /** The new `status.canary.weights`. */
  weights: TrafficWeights;
  /** Message for a TrafficWeightUpdated event, when the recorded weights change. */
  updatedMessage?: string;
  /** The router cannot apply the new weight yet (hash switch delayed, stable under-sized): no step completes. */
  holdProgress: boolean;
  /** Canary hash comes from the recorded weights: the canary Service must not be re-pointed. */
  dynamicRollback: boolean;
}

interface WeightChoice {
  weight: number;
  canaryHash: string;
  routes: ManagedRoute[];
  dynamicRollback: boolean;
}

function previousCanaryWeight(ctx: PlanContext): number {
  return ctx.prev.canary?.weights?.canary?.weight ?? 0;
}

/** Canary weight the stable can let go of: Max − Max·stableAvailable/R, never above the recorded weight. */
function weightSupportedByStable(ctx: PlanContext): number {
  const { replicas: R, maxTrafficWeight: max } = ctx.cfg;
  const stableAvailable = ctx.stableRS?.available ?? 0;
  const supported = R === 0 ? 0 : max - Math.floor((max * stableAvailable) / R);
  return Math.max(0, Math.min(supported, previousCanaryWeight(ctx)));
}

/** Template reverted to the stable one while traffic still goes to the old canary (dynamicStableScale). */
function isDynamicRollback(ctx: PlanContext): boolean {
  const previousCanary = ctx.prev.canary?.weights?.canary;
  return (
    ctx.cfg.dynamicStableScale &&
    stableIsNew(ctx) &&
    (previousCanary?.weight ?? 0) > 0 &&
    Boolean(previousCanary?.podTemplateHash) &&
    previousCanary?.podTemplateHash !== ctx.stableRS?.hash
  );
}

/**
 * Header/mirror routes that must exist: those set by steps up to and including the current one (a step without
 * `match` removes its route). Applied only from the second revision on (Argo skips them on the first install).
 */
export function activeManagedRoutes(ctx: PlanContext): ManagedRoute[] {
  const index = currentStepIndex(ctx);
  if (index === undefined || (ctx.newRS?.revision ?? 0) <= 1) return [];
  const routes = new Map<string, ManagedRoute>();
  for (const step of ctx.cfg.steps.slice(0, index + 1)) {
    const header = step.setHeaderRoute;
    const mirror = step.setMirrorRoute;
    if (header) {
      routes.delete(header.name);
      if (header.match && header.match.length > 0)
        routes.set(header.name, { kind: 'header', name: header.name, step: header });
    }
    if (mirror) {
      routes.delete(mirror.name);
      if (mirror.match && mirror.match.length > 0)
        routes.set(mirror.name, { kind: 'mirror', name: mirror.name, step: mirror });
    }
  }
  return [...routes.values()];
}

function stepWeight(ctx: PlanContext): number {
  const index = currentStepIndex(ctx);
  if (index === undefined) return 0;
  if (!atDesiredReplicaCounts(ctx, undefined))
    return index === 0 ? 0 : setWeightAtOrBefore(ctx.cfg.steps, index - 1);
  return index < ctx.cfg.steps.length ? currentSetWeight(ctx) : ctx.cfg.maxTrafficWeight;
}

function chooseWeight(ctx: PlanContext): WeightChoice {
  const canaryHash = ctx.newRS?.hash ?? '';
  const none = { canaryHash, routes: [], dynamicRollback: false };
  if (isDynamicRollback(ctx)) {
    const canary = ctx.prev.canary?.weights?.canary?.podTemplateHash ?? canaryHash;
    return { weight: weightSupportedByStable(ctx), canaryHash: canary, routes: [], dynamicRollback: true };
  }
  if (isFullyPromoted(ctx)) return { weight: 0, ...none };
  if (isAborted(ctx))
    return { weight: ctx.cfg.dynamicStableScale ? weightSupportedByStable(ctx) : 0, ...none };
  if (!ctx.newRS || ctx.newRS.available === 0) return { weight: 0, ...none };
  if (ctx.prev.promoteFull) {
    const { replicas: R, maxTrafficWeight: max } = ctx.cfg;
    const weight = ctx.cfg.dynamicStableScale
      ? Math.floor((max * ctx.newRS.available) / Math.max(1, R))
      : previousCanaryWeight(ctx);
    return { weight, ...none };
  }
  return { weight: stepWeight(ctx), canaryHash, routes: activeManagedRoutes(ctx), dynamicRollback: false };
}

/** Subset mode without Services: a scaled-up canary/stable RS that is not fully available delays the DR switch. */
function delayedHashSwitch(ctx: PlanContext, choice: WeightChoice, stableHash: string): string | undefined {
  if (ctx.cfg.canaryService || ctx.cfg.stableService) return undefined;
  const ignoreCanary = isAborted(ctx) || choice.dynamicRollback;
  const hashes = new Set([stableHash, ...(ignoreCanary ? [] : [choice.canaryHash])].filter((h) => h !== ''));
  return ctx.all.find((v) => hashes.has(v.hash) && v.replicas > 0 && v.available < v.replicas)?.name;
}

function stableCannotTake(ctx: PlanContext, weight: number): boolean {
  if (!ctx.stableRS || isFullyPromoted(ctx)) return false;
  const { replicas: R, maxTrafficWeight: max } = ctx.cfg;
  return ctx.stableRS.available < Math.floor(((max - weight) * R) / max);
}

function destination(weight: number, hash: string, serviceName: string | undefined): WeightDestination {
  const d: WeightDestination = { weight, podTemplateHash: hash };
  if (serviceName) d.serviceName = serviceName;
  return d;
}

function sameDestination(a: WeightDestination | undefined, b: WeightDestination): boolean {
  return a?.weight === b.weight && a.podTemplateHash === b.podTemplateHash && a.serviceName === b.serviceName;
}

function weightUpdatedMessage(prev: TrafficWeights | undefined, next: TrafficWeights): string {
  if (!prev) return `Traffic weight updated to ${next.canary.weight}`;
  if (prev.canary?.weight !== next.canary.weight) {
    return `Traffic weight updated from ${prev.canary?.weight ?? 0} to ${next.canary.weight}`;
  }
  return 'Traffic weight updated';
}

/** The traffic decision of this pass; undefined without traffic routing. */
export function planTraffic(ctx: PlanContext): TrafficDecision | undefined {
  if (!ctx.cfg.trafficRouted) return undefined;
  const stableHash = ctx.stableRS?.hash ?? '';
  const choice = chooseWeight(ctx);
  const delay = delayedHashSwitch(ctx, choice, stableHash);
  const hold = delay !== undefined || stableCannotTake(ctx, choice.weight);
  const weight = hold ? previousCanaryWeight(ctx) : choice.weight;
  const weights: TrafficWeights = {
    canary: destination(weight, choice.canaryHash, ctx.cfg.canaryService),
    stable: destination(ctx.cfg.maxTrafficWeight - weight, stableHash, ctx.cfg.stableService),
  };
  if (ctx.trafficVerified !== undefined) weights.verified = ctx.trafficVerified;
  const prev = ctx.prev.canary?.weights;
  // While the hash switch waits, the router changes nothing, so the recorded weights stay as they were.
  if (delay !== undefined && prev?.canary && prev.stable) {
    weights.canary = { ...prev.canary };
    weights.stable = { ...prev.stable };
  }
  const intent: TrafficIntent = {
    canaryWeight: weight,
    canaryHash: choice.canaryHash,
    stableHash,
    managedRoutes: choice.routes,
    weightBeforeHashes: (ctx.newRS?.available ?? 0) === 0 && previousCanaryWeight(ctx) > 0,
  };
  if (delay !== undefined) intent.delayHashSwitch = delay;
  const decision: TrafficDecision = {
    intent,
    weights,
    holdProgress: hold,
    dynamicRollback: choice.dynamicRollback,
  };
  if (!sameDestination(prev?.canary, weights.canary) || !sameDestination(prev?.stable, weights.stable)) {
    decision.updatedMessage = weightUpdatedMessage(prev, weights);
  }
  return decision;
}
