/** Canary step lookups: current step, effective setWeight / setCanaryScale, pause durations, step labels. */
import type { CanaryStep, IntOrString, PauseCondition } from '../api/rollout.js';
import type { PlanContext } from './context.js';

/** `status.currentStepIndex` defaulted to 0; undefined when the Rollout has no steps. */
export function currentStepIndex(ctx: PlanContext): number | undefined {
  if (ctx.cfg.steps.length === 0) return undefined;
  const index = ctx.prev.currentStepIndex;
  return typeof index === 'number' && index >= 0 ? Math.floor(index) : 0;
}

/** The step being executed, or undefined with no steps or past the last one. */
export function currentStep(ctx: PlanContext): CanaryStep | undefined {
  const index = currentStepIndex(ctx);
  return index === undefined ? undefined : ctx.cfg.steps[index];
}

export function isAborted(ctx: PlanContext): boolean {
  return ctx.prev.abort === true;
}

/** Stable and current are the same template: nothing to canary. */
export function isFullyPromoted(ctx: PlanContext): boolean {
  return Boolean(ctx.prev.stableRS) && ctx.prev.stableRS === ctx.desiredHash;
}

/** The last setWeight at or before `index` (0 when none). */
export function setWeightAtOrBefore(steps: CanaryStep[], index: number): number {
  for (let i = Math.min(index, steps.length - 1); i >= 0; i--) {
    const weight = steps[i]?.setWeight;
    if (typeof weight === 'number') return weight;
  }
  return 0;
}

/**
 * Argo's GetCurrentSetWeight: 0 when aborted, `maxTrafficWeight` with no current step or past the last one, else the
 * last setWeight at or before the current step. The one rule for the planner and the views.
 */
export function setWeightAt(
  steps: CanaryStep[],
  index: number | undefined,
  aborted: boolean,
  maxTrafficWeight: number,
): number {
  if (aborted) return 0;
  if (index === undefined || index >= steps.length) return maxTrafficWeight;
  return setWeightAtOrBefore(steps, index);
}

/** Argo's GetCurrentSetWeight for the Rollout being planned. */
export function currentSetWeight(ctx: PlanContext): number {
  return setWeightAt(ctx.cfg.steps, currentStepIndex(ctx), isAborted(ctx), ctx.cfg.maxTrafficWeight);
}

/** The setCanaryScale override in force (traffic routing only; cancelled by matchTrafficWeight). */
export function activeSetCanaryScale(ctx: PlanContext): CanaryStep['setCanaryScale'] {
  if (!ctx.cfg.trafficRouted) return undefined;
  // On abort the override is dropped unless the user keeps the canary up (abortScaleDownDelaySeconds: 0).
  if (isAborted(ctx) && ctx.cfg.abortScaleDown.kind !== 'never') return undefined;
  const index = currentStepIndex(ctx);
  if (index === undefined || index >= ctx.cfg.steps.length) return undefined;
  for (let i = index; i >= 0; i--) {
    const scale = ctx.cfg.steps[i]?.setCanaryScale;
    if (!scale) continue;
    return scale.matchTrafficWeight ? undefined : scale;
  }
  return undefined;
}

/** Argo's GetCanaryReplicasOrWeight: an explicit canary replica count, or the weight that drives scaling. */
export function canaryReplicasOrWeight(ctx: PlanContext): { replicas?: number; weight: number } {
  const max = ctx.cfg.maxTrafficWeight;
  if (ctx.prev.promoteFull || !ctx.prev.stableRS || isFullyPromoted(ctx)) return { weight: max };
  const scale = activeSetCanaryScale(ctx);
  if (typeof scale?.replicas === 'number')
    return { replicas: Math.max(0, Math.floor(scale.replicas)), weight: 0 };
  if (typeof scale?.weight === 'number') return { weight: scale.weight };
  return { weight: currentSetWeight(ctx) };
}

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** A pause duration in seconds (int, or a string like "30", "10m", "1h30m"); undefined when absent/unreadable. */
export function pauseDurationSeconds(duration: IntOrString | undefined): number | undefined {
  if (typeof duration === 'number') return Number.isFinite(duration) && duration >= 0 ? duration : undefined;
  if (typeof duration !== 'string') return undefined;
  const text = duration.trim();
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_SECONDS[p[2] ?? 's'] ?? 0), 0);
}

/** Argo's CanaryStepString, used in "Rollout step i/n completed (…)". */
export function stepLabel(step: CanaryStep): string {
  if (typeof step.setWeight === 'number') return `setWeight: ${step.setWeight}`;
  if (step.pause)
    return step.pause.duration === undefined ? 'pause' : `pause: ${String(step.pause.duration)}`;
  if (step.experiment) return 'experiment';
  if (step.analysis) return 'analysis';
  if (step.setCanaryScale) return 'setCanaryScale';
  if (step.setHeaderRoute) return 'setHeaderRoute';
  if (step.setMirrorRoute) return 'setMirrorRoute';
  if (step.plugin) return 'plugin';
  return 'invalid';
}

export function findPauseCondition(
  conditions: PauseCondition[] | undefined,
  reason: string,
): PauseCondition | undefined {
  return (conditions ?? []).find((c) => c.reason === reason);
}
