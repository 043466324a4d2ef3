/**
 * Pure pieces of "path truth" in the controller: the Rollout's gate settings (annotations), the gate verdict over
 * the evaluated paths, and the `TrafficPathsConsistent` condition. No I/O, no clock: the caller passes `now`.
 */
import { DEFAULT_PATH_TOLERANCE, readPathGateAnnotations } from '../api/path-gate-annotations.js';
import type { PathGateAnnotations, PathGateMode } from '../api/path-gate-annotations.js';
import type { Condition } from '../api/meta.js';
import type { Rollout, RolloutStatus } from '../api/rollout.js';
import { formatPathShare, formatShare } from '../mesh/findings.js';
import type { Finding, TrafficPath } from '../mesh/types.js';
import { pathLabel } from '../mesh/types.js';
import type { PathGateInput, RolloutEvent } from '../rollout/plan-types.js';
import { formatTime } from '../util/time.js';

export const PATHS_CONDITION = 'TrafficPathsConsistent';
export const PATHS_CONSISTENT_REASON = 'PathsFollowWeight';
export const PATHS_UNKNOWN_REASON = 'PathEvaluationFailed';
export const PATHS_NO_READY_PODS_REASON = 'NoReadyPods';
export const PATHS_INCONSISTENT_EVENT = 'TrafficPathsInconsistent';
export { DEFAULT_PATH_TOLERANCE };
export type { PathGateMode };

export interface PathGateSettings extends Omit<PathGateAnnotations, 'problems'> {
  /** Unreadable annotations, each naming its field; the defaults apply instead. */
  problems: string[];
}

/** The gate's annotations (ADR 0090, 0265): mode, tolerance, source, observed window, minimum samples, address. */
export function pathGateSettings(rollout: Rollout): PathGateSettings {
  const { problems, ...settings } = readPathGateAnnotations(rollout.metadata.annotations);
  return { ...settings, problems: problems.map((p) => `${p.field}: ${p.message}`) };
}

/** Paths the gate watches: gateways, and mesh callers from a namespace that exists (not the generic `*`). */
export function isGatedPath(path: TrafficPath): boolean {
  if (path.variant !== undefined) return false;
  return path.kind === 'gateway' || (path.kind === 'mesh' && path.from !== '*');
}

function divergence(path: TrafficPath): number {
  return path.canaryShare === null ? Infinity : Math.abs(path.canaryShare - path.desiredShare);
}

/** How one path diverges, with the finding codes that explain it (`… (mesh-binding)`). */
export function describeDivergence(path: TrafficPath, tolerance: number): string {
  const why = path.findings.length > 0 ? ` (${[...new Set(path.findings)].join(', ')})` : '';
  return (
    `${pathLabel(path)} gets ${formatPathShare(path)} canary, desired ${formatShare(path.desiredShare)}, ` +
    `tolerance ${formatShare(tolerance)}${why}`
  );
}

/** The worst gated path beyond the tolerance blocks the step; none: the gate is open. */
export function decidePathGate(paths: readonly TrafficPath[], tolerance: number): PathGateInput {
  const diverging = paths
    .filter((p) => isGatedPath(p) && divergence(p) > tolerance + 1e-9)
    .sort((a, b) => divergence(b) - divergence(a));
  const worst = diverging[0];
  if (!worst) return { blocked: false, message: '' };
  const more = diverging.length > 1 ? ` (+${diverging.length - 1} more diverging paths)` : '';
  return { blocked: true, message: `${describeDivergence(worst, tolerance)}${more}` };
}

export interface PathConditionInput {
  findings: readonly Finding[];
  paths: readonly TrafficPath[];
  desiredShare: number;
  problems: readonly string[];
}

type ConditionCore = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

/** False with the first error finding's code as reason when any path that should follow the weight does not. */
export function pathCondition(input: PathConditionInput): ConditionCore {
  const notes = input.problems.length > 0 ? ` Ignored: ${input.problems.join('; ')}.` : '';
  const errors = input.findings.filter((f) => f.severity === 'error');
  const first = errors[0];
  if (first) {
    const others = [...new Set(errors.slice(1).map((f) => f.code))];
    const also = others.length > 0 ? ` Also: ${others.join(', ')}.` : '';
    return {
      type: PATHS_CONDITION,
      status: 'False',
      reason: first.code,
      message: `${first.message}${also}${notes}`,
    };
  }
  const warnings = [...new Set(input.findings.filter((f) => f.severity === 'warning').map((f) => f.code))];
  const warned = warnings.length > 0 ? ` Warnings: ${warnings.join(', ')}.` : '';
  const message =
    `${input.paths.length} traffic paths checked at desired canary share ${formatShare(input.desiredShare)}: ` +
    `every path that routes by weight follows it.${warned}${notes}`;
  return { type: PATHS_CONDITION, status: 'True', reason: PATHS_CONSISTENT_REASON, message };
}

/** No pod of the Rollout is ready (first deploy, outage): every path is empty, which the Available condition says. */
export function noReadyPodsCondition(rollout: Rollout): ConditionCore {
  const message = `Rollout "${rollout.metadata.name}" has no ready pod yet: traffic paths are judged once pods are ready.`;
  return { type: PATHS_CONDITION, status: 'Unknown', reason: PATHS_NO_READY_PODS_REASON, message };
}

/** The condition written when the path model could not be evaluated (the gate stays open). */
export function unknownPathCondition(error: string): ConditionCore {
  return { type: PATHS_CONDITION, status: 'Unknown', reason: PATHS_UNKNOWN_REASON, message: error };
}

/**
 * The status with the path condition set. The message follows the numbers on every pass; times move only when
 * status or reason changes, and an event is returned only for a change into or out of `False`.
 */
export function withPathCondition(
  status: RolloutStatus,
  previous: readonly Condition[] | undefined,
  next: ConditionCore,
  now: number,
): { status: RolloutStatus; event?: RolloutEvent } {
  const current = (previous ?? []).find((c) => c.type === PATHS_CONDITION);
  const changed = current?.status !== next.status || current.reason !== next.reason;
  const kept = current && !changed ? current : undefined;
  const condition: Condition = {
    ...next,
    lastUpdateTime: kept?.lastUpdateTime ?? formatTime(now),
    lastTransitionTime:
      current?.status === next.status && current.lastTransitionTime
        ? current.lastTransitionTime
        : formatTime(now),
  };
  const conditions = [...(status.conditions ?? []).filter((c) => c.type !== PATHS_CONDITION), condition];
  const result: { status: RolloutStatus; event?: RolloutEvent } = { status: { ...status, conditions } };
  if (changed && (next.status === 'False' || current?.status === 'False'))
    result.event = conditionEvent(next);
  return result;
}

function conditionEvent(condition: ConditionCore): RolloutEvent {
  const message = `${condition.reason ?? ''}: ${condition.message ?? ''}`;
  if (condition.status === 'True') return { type: 'Normal', reason: PATHS_CONDITION, message };
  return { type: 'Warning', reason: PATHS_INCONSISTENT_EVENT, message };
}
