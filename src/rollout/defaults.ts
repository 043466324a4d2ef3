/**
 * The defaulted view of a canary Rollout the planner works from. Input is assumed valid (src/api/validate.ts), but
 * nothing here throws: odd values fall back to the documented default.
 */
import type { CanaryStep, CanaryStrategy, IntOrString, Rollout } from '../api/rollout.js';

export const DEFAULT_REPLICAS = 1;
/** Argo's default is the bare string "25", which legacy intstr parsing reads as a percentage. */
export const DEFAULT_MAX_SURGE: IntOrString = '25%';
export const DEFAULT_MAX_UNAVAILABLE: IntOrString = '25%';
export const DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;
export const DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS = 30;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const DEFAULT_MAX_TRAFFIC_WEIGHT = 100;
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

/** What happens to the canary ReplicaSet after an abort. */
export type AbortScaleDown =
  /** Basic canary: replica maths with weight 0, paced like a rolling update. */
  | { kind: 'rolling' }
  /** Traffic routing: keep the canary until `scale-down-deadline` (now + seconds, once stable is fully available). */
  | { kind: 'delay'; seconds: number }
  /** `abortScaleDownDelaySeconds: 0`: never scale the canary down. */
  | { kind: 'never' }
  /** dynamicStableScale without an explicit delay: drain the canary as traffic leaves it. */
  | { kind: 'progressive' };

export interface CanaryConfig {
  replicas: number;
  steps: CanaryStep[];
  trafficRouted: boolean;
  /** Resolved against `replicas` (surge rounds up, unavailable down; both 0 ⇒ unavailable 1). */
  maxSurge: number;
  maxUnavailable: number;
  scaleDownDelaySeconds: number;
  scaleDownDelayRevisionLimit?: number;
  abortScaleDown: AbortScaleDown;
  progressDeadlineSeconds: number;
  progressDeadlineAbort: boolean;
  maxTrafficWeight: number;
  revisionHistoryLimit: number;
  dynamicStableScale: boolean;
  /** 0 = no minimum. Only applies with traffic routing. */
  minPodsPerReplicaSet: number;
  replicaProgressThreshold?: { type: 'Percent' | 'Pods'; value: number };
  canaryService?: string;
  stableService?: string;
  paused: boolean;
}

function nonNegativeInt(value: unknown, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return fallback;
  return Math.floor(value);
}

/** intstr.GetScaledValueFromIntOrPercent; any string is read as a percentage (with or without "%"). */
export function scaleIntOrPercent(
  value: IntOrString | undefined,
  total: number,
  roundUp: boolean,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.max(0, Math.floor(value)) : undefined;
  const percent = Number.parseInt(value.trim().replace(/%$/, ''), 10);
  if (!Number.isFinite(percent) || percent < 0) return undefined;
  const scaled = (percent * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** Argo's resolveFenceposts: surge rounds up, unavailable rounds down; both 0 ⇒ unavailable becomes 1. */
export function resolveSurgeAndUnavailable(canary: CanaryStrategy, replicas: number): [number, number] {
  const surge =
    scaleIntOrPercent(canary.maxSurge, replicas, true) ??
    scaleIntOrPercent(DEFAULT_MAX_SURGE, replicas, true) ??
    0;
  const unavailable =
    scaleIntOrPercent(canary.maxUnavailable, replicas, false) ??
    scaleIntOrPercent(DEFAULT_MAX_UNAVAILABLE, replicas, false) ??
    0;
  return surge === 0 && unavailable === 0 ? [0, 1] : [surge, unavailable];
}

function resolveAbortScaleDown(canary: CanaryStrategy, trafficRouted: boolean): AbortScaleDown {
  if (!trafficRouted) return { kind: 'rolling' };
  const explicit = canary.abortScaleDownDelaySeconds;
  if (explicit === 0) return { kind: 'never' };
  if (explicit === undefined && canary.dynamicStableScale) return { kind: 'progressive' };
  return { kind: 'delay', seconds: nonNegativeInt(explicit, DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS) };
}

function hasTrafficRouting(canary: CanaryStrategy): boolean {
  const tr = canary.trafficRouting;
  if (!tr || typeof tr !== 'object') return false;
  return Object.entries(tr).some(([key, value]) => key !== 'maxTrafficWeight' && value !== undefined);
}

/** The defaulted canary configuration of a Rollout (an empty canary strategy when none is set). */
export function resolveCanaryConfig(rollout: Rollout): CanaryConfig {
  const canary: CanaryStrategy = rollout.spec?.strategy?.canary ?? {};
  const replicas = nonNegativeInt(rollout.spec?.replicas, DEFAULT_REPLICAS);
  const trafficRouted = hasTrafficRouting(canary);
  const dynamicStableScale = trafficRouted && canary.dynamicStableScale === true;
  const [maxSurge, maxUnavailable] = resolveSurgeAndUnavailable(canary, replicas);
  const config: CanaryConfig = {
    replicas,
    steps: Array.isArray(canary.steps) ? canary.steps : [],
    trafficRouted,
    maxSurge,
    maxUnavailable,
    scaleDownDelaySeconds: dynamicStableScale
      ? 0
      : nonNegativeInt(canary.scaleDownDelaySeconds, DEFAULT_SCALE_DOWN_DELAY_SECONDS),
    abortScaleDown: resolveAbortScaleDown(canary, trafficRouted),
    progressDeadlineSeconds: nonNegativeInt(
      rollout.spec?.progressDeadlineSeconds,
      DEFAULT_PROGRESS_DEADLINE_SECONDS,
    ),
    progressDeadlineAbort: rollout.spec?.progressDeadlineAbort === true,
    maxTrafficWeight:
      nonNegativeInt(canary.trafficRouting?.maxTrafficWeight, DEFAULT_MAX_TRAFFIC_WEIGHT) || 100,
    revisionHistoryLimit: nonNegativeInt(rollout.spec?.revisionHistoryLimit, DEFAULT_REVISION_HISTORY_LIMIT),
    dynamicStableScale,
    minPodsPerReplicaSet: trafficRouted ? nonNegativeInt(canary.minPodsPerReplicaSet, 0) : 0,
    paused: rollout.spec?.paused === true,
  };
  if (canary.scaleDownDelayRevisionLimit !== undefined) {
    config.scaleDownDelayRevisionLimit = nonNegativeInt(canary.scaleDownDelayRevisionLimit, 0);
  }
  if (canary.replicaProgressThreshold) config.replicaProgressThreshold = canary.replicaProgressThreshold;
  if (canary.canaryService) config.canaryService = canary.canaryService;
  if (canary.stableService) config.stableService = canary.stableService;
  return config;
}
