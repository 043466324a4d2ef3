/**
 * The planner's side of the compatibility table (`api/compat-rules.ts`, ADR 0120): a field Argo would act on and
 * truesplit does not implement holds the Rollout where Argo would have gated it, with the `UnsupportedSpec`
 * condition and a Warning event naming the field; warned fields get the `IgnoredFields` condition and one Warning
 * event (again only when the list changes). Pure.
 */
import { compatIssues, type CompatIssue } from '../api/compat-rules.js';
import type { Condition } from '../api/meta.js';
import type { RolloutStatus } from '../api/rollout.js';
import { getCondition } from './conditions.js';
import type { PlanContext } from './context.js';
import { formatTime } from '../util/time.js';
import type { PlanOutput } from './plan-output.js';
import type { RolloutPlan } from './plan-types.js';
import { currentStepIndex, isAborted } from './steps.js';

/** True while something truesplit does not implement holds the Rollout. */
export const UNSUPPORTED_CONDITION = 'UnsupportedSpec';
/** True while the Rollout sets fields truesplit ignores (they do not hold it). */
export const IGNORED_CONDITION = 'IgnoredFields';

export interface CompatState {
  /** Fields that hold the whole Rollout (blueGreen, the other traffic routers). */
  rolloutHolds: CompatIssue[];
  /** The step hold at the current step of an update, if any. */
  stepHold?: CompatIssue;
  warned: CompatIssue[];
}

/**
 * Step holds apply to an update in progress only: not to the first deploy, a rollback to the stable template, an
 * abort or `promote --full` (Argo runs no step of these in any of them).
 */
function currentStepHold(ctx: PlanContext, issues: CompatIssue[]): CompatIssue | undefined {
  const stable = ctx.prev.stableRS;
  if (!stable || stable === ctx.desiredHash || ctx.prev.promoteFull || isAborted(ctx)) return undefined;
  const index = currentStepIndex(ctx) ?? 0;
  return issues.find((issue) => issue.hold === 'step' && issue.stepIndex === index);
}

export function compatState(ctx: PlanContext): CompatState {
  const issues = compatIssues(ctx.rollout);
  const state: CompatState = {
    rolloutHolds: issues.filter((issue) => issue.hold === 'rollout'),
    warned: issues.filter((issue) => issue.support === 'warned'),
  };
  const stepHold = currentStepHold(ctx, issues);
  if (stepHold) state.stepHold = stepHold;
  return state;
}

/** Write `type` when its status, reason or message changed (keeping lastTransitionTime); true when written. */
function upsertCondition(
  ctx: PlanContext,
  status: RolloutStatus,
  next: Omit<Condition, 'lastUpdateTime'>,
): boolean {
  const conditions = status.conditions ?? [];
  const current = getCondition(conditions, next.type);
  if (current?.status === next.status && current.reason === next.reason && current.message === next.message) {
    return false;
  }
  const now = formatTime(ctx.now);
  const written: Condition = { ...next, lastUpdateTime: now, lastTransitionTime: now };
  if (current?.status === next.status && current.lastTransitionTime) {
    written.lastTransitionTime = current.lastTransitionTime;
  }
  status.conditions = [...conditions.filter((c) => c.type !== next.type), written];
  return true;
}

function removeCondition(status: RolloutStatus, type: string): void {
  if (!getCondition(status.conditions, type)) return;
  status.conditions = (status.conditions ?? []).filter((c) => c.type !== type);
}

function reportIssues(
  ctx: PlanContext,
  status: RolloutStatus,
  out: PlanOutput,
  type: string,
  issues: CompatIssue[],
): void {
  const [first] = issues;
  if (!first) return removeCondition(status, type);
  const message = issues.map((issue) => issue.message).join('; ');
  if (upsertCondition(ctx, status, { type, status: 'True', reason: first.reason, message })) {
    out.warning(first.reason, message);
  }
}

/** The UnsupportedSpec and IgnoredFields conditions of this pass, with a Warning event when either changes. */
export function applyCompatConditions(
  ctx: PlanContext,
  status: RolloutStatus,
  out: PlanOutput,
  state: CompatState,
): void {
  const holds = state.rolloutHolds.length > 0 ? state.rolloutHolds : state.stepHold ? [state.stepHold] : [];
  reportIssues(ctx, status, out, UNSUPPORTED_CONDITION, holds);
  reportIssues(ctx, status, out, IGNORED_CONDITION, state.warned);
}

/** A Rollout held as a whole: no ReplicaSet, Service or traffic change; Degraded with the fields named. */
export function planHeldRollout(ctx: PlanContext, out: PlanOutput, state: CompatState): RolloutPlan {
  const status: RolloutStatus = {
    ...ctx.prev,
    observedGeneration: String(ctx.rollout.metadata?.generation ?? 0),
  };
  applyCompatConditions(ctx, status, out, state);
  const held = getCondition(status.conditions, UNSUPPORTED_CONDITION);
  status.phase = 'Degraded';
  status.message = `${held?.reason ?? 'UnsupportedField'}: ${held?.message ?? ''}`;
  return { actions: [], status, events: out.events };
}
