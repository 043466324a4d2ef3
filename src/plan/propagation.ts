/**
 * The propagation wait (ADR 0275), pure: after truesplit writes routing, the next weight is not written and no
 * ReplicaSet is scaled down until the routing is known to be in effect, or the timeout passes. The verdict goes to
 * the planner as `status.canary.weights.verified` (Argo's own field: false holds the step); the wait is recorded in
 * the `TrafficPropagated` condition (its `lastTransitionTime` is when the wait began) and, when it ends, in
 * `truesplit_propagation_seconds`.
 */
import type { Condition } from '../api/meta.js';
import { PROPAGATION_TIMEOUT_ANNOTATION } from '../api/labels.js';
import { parseDuration } from '../api/validate-values.js';
import type { RolloutEvent } from '../rollout/plan-types.js';
import { parseTime } from '../util/time.js';
import type { Rollout, RolloutStatus } from '../api/rollout.js';
import {
  istioStatusEvidence,
  routingObjectKey,
  strongestEvidence,
  telemetryEvidenceOf,
  type PropagationSignal,
  type RoutingEvidence,
  type RoutingObject,
  type TelemetryEvidence,
} from './propagation-evidence.js';

export const PROPAGATION_CONDITION = 'TrafficPropagated';
export const PROPAGATING = 'Propagating';
export const PROPAGATED = 'Propagated';
export const PROPAGATION_TIMED_OUT = 'PropagationTimedOut';
export const NOT_OBSERVABLE = 'PropagationNotObservable';
export const WAIT_DISABLED = 'PropagationWaitDisabled';
export const DEFAULT_PROPAGATION_TIMEOUT_MS = 30_000;
/** While waiting, look again this soon even if no watched object changes (istiod's status writes enqueue too). */
export const PROPAGATION_RECHECK_MS = 2_000;

export interface PropagationSettings {
  timeoutMs: number;
  /** An unreadable annotation, naming its field; the default applies instead. */
  problem?: string;
}

/** `truesplit.io/propagation-timeout`: seconds or a Go duration ("45s", "2m"); "0" turns the wait off. */
export function propagationSettings(
  annotations: Readonly<Record<string, string>> | undefined,
): PropagationSettings {
  const raw = annotations?.[PROPAGATION_TIMEOUT_ANNOTATION]?.trim();
  if (raw === undefined || raw === '') return { timeoutMs: DEFAULT_PROPAGATION_TIMEOUT_MS };
  const seconds = parseDuration(raw);
  if (seconds !== undefined && seconds >= 0) return { timeoutMs: seconds * 1000 };
  return {
    timeoutMs: DEFAULT_PROPAGATION_TIMEOUT_MS,
    problem: `metadata.annotations["${PROPAGATION_TIMEOUT_ANNOTATION}"]: "${raw}" is not a duration; 30s applies`,
  };
}

export interface PropagationInput {
  evidence: RoutingEvidence;
  /** This pass writes routing (a VirtualService or the DestinationRule): a wait begins, or goes on. */
  writing: boolean;
  previous: readonly Condition[] | undefined;
  settings: PropagationSettings;
  now: number;
}

export interface PropagationDecision {
  /** For `status.canary.weights.verified`: false holds step completion and scale-downs; undefined holds nothing. */
  verified?: boolean;
  condition: Condition;
  event?: RolloutEvent;
  /** A wait ended in this pass (`truesplit_propagation_seconds`). */
  waited?: { seconds: number; signal: PropagationSignal; timedOut: boolean };
  requeueAfterMs?: number;
}

type Core = Pick<Condition, 'status' | 'reason' | 'message'>;

function condition(core: Core, previous: Condition | undefined, now: number, since?: number): Condition {
  const same = previous !== undefined && previous.reason === core.reason && previous.status === core.status;
  const kept = same ? parseTime(previous.lastTransitionTime) : undefined;
  const updated = same && previous.message === core.message ? previous.lastUpdateTime : undefined;
  return {
    type: PROPAGATION_CONDITION,
    ...core,
    // Millisecond precision (RFC 3339 allows it): the start of a wait is read back from here.
    lastTransitionTime: new Date(since ?? kept ?? now).toISOString(),
    lastUpdateTime: updated ?? new Date(now).toISOString(),
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function decidePropagation(input: PropagationInput): PropagationDecision {
  const { evidence, writing, settings, now } = input;
  const previous = input.previous?.find((c) => c.type === PROPAGATION_CONDITION);
  const note = settings.problem ? ` Ignored: ${settings.problem}.` : '';
  if (evidence.signal === 'none') {
    const message = `propagation not observable: ${evidence.detail}; the Rollout proceeds without waiting.${note}`;
    return { condition: condition({ status: 'Unknown', reason: NOT_OBSERVABLE, message }, previous, now) };
  }
  const waitingSince = previous?.reason === PROPAGATING ? parseTime(previous.lastTransitionTime) : undefined;
  const label = `${evidence.signal}: ${evidence.detail}`;
  if (evidence.inEffect && !writing) return inEffect(input, previous, waitingSince, `${label}${note}`);
  if (settings.timeoutMs === 0) {
    const message = `routing not yet in effect (${label}); not waited for: ${PROPAGATION_TIMEOUT_ANNOTATION} is 0.`;
    return { condition: condition({ status: 'Unknown', reason: WAIT_DISABLED, message }, previous, now) };
  }
  // After a timeout nothing holds until truesplit writes routing again.
  if (previous?.reason === PROPAGATION_TIMED_OUT && !writing) return { condition: previous };
  const since = waitingSince ?? now;
  const elapsed = now - since;
  if (elapsed >= settings.timeoutMs) {
    const message = `routing not in effect after ${seconds(elapsed)} (${label}): proceeding without it.${note}`;
    return {
      condition: condition({ status: 'False', reason: PROPAGATION_TIMED_OUT, message }, previous, now),
      event: { type: 'Warning', reason: 'TrafficPropagationTimedOut', message },
      waited: { seconds: elapsed / 1000, signal: evidence.signal, timedOut: true },
    };
  }
  const message = `waiting up to ${seconds(settings.timeoutMs)} for the routing to take effect (${label}).${note}`;
  return {
    verified: false,
    condition: condition({ status: 'False', reason: PROPAGATING, message }, previous, now, since),
    requeueAfterMs: Math.min(PROPAGATION_RECHECK_MS, settings.timeoutMs - elapsed),
  };
}

function inEffect(
  input: PropagationInput,
  previous: Condition | undefined,
  waitingSince: number | undefined,
  label: string,
): PropagationDecision {
  const { now } = input;
  if (waitingSince === undefined) {
    // Keep the message of the wait that ended (it says how long it took) until the next wait.
    const kept = previous?.reason === PROPAGATED ? previous.message : undefined;
    const message = kept ?? `routing in effect (${label}).`;
    return {
      verified: true,
      condition: condition({ status: 'True', reason: PROPAGATED, message }, previous, now),
    };
  }
  const waited = now - waitingSince;
  const message = `routing in effect after ${seconds(waited)} (${label}).`;
  return {
    verified: true,
    condition: condition({ status: 'True', reason: PROPAGATED, message }, previous, now),
    waited: { seconds: waited / 1000, signal: input.evidence.signal as PropagationSignal, timedOut: false },
  };
}

/**
 * The decision for one pass: the Rollout's routing objects as observed (its VirtualServices and DestinationRule),
 * those this pass writes, and — once the telemetry poller feeds it — the observed split.
 */
export function routingPropagation(
  input: {
    rollout: Rollout;
    virtualServices: readonly RoutingObject[];
    destinationRule?: RoutingObject | undefined;
  },
  writes: readonly { object: RoutingObject }[],
  now: number,
  telemetry?: TelemetryEvidence,
): PropagationDecision {
  const objects = [...input.virtualServices, ...(input.destinationRule ? [input.destinationRule] : [])];
  const written = new Set(writes.map((w) => routingObjectKey(w.object)));
  const evidence = strongestEvidence(
    istioStatusEvidence(objects, written),
    ...(telemetry ? [telemetryEvidenceOf(telemetry)] : []),
  );
  return decidePropagation({
    evidence,
    writing: written.size > 0,
    previous: input.rollout.status?.conditions,
    settings: propagationSettings(input.rollout.metadata.annotations),
    now,
  });
}

/** A wait that ended, for `truesplit_propagation_seconds`. */
export type PropagationWait = NonNullable<PropagationDecision['waited']>;

/** The pass result with the decision's condition, event, requeue and ended wait. */
export function withPropagation<
  T extends {
    status?: RolloutStatus;
    events: RolloutEvent[];
    requeueAfterMs?: number;
    propagationWait?: PropagationWait;
  },
>(result: T, decision: PropagationDecision | undefined): T {
  if (!decision || !result.status) return result;
  const conditions = (result.status.conditions ?? []).filter((c) => c.type !== PROPAGATION_CONDITION);
  const requeue = [result.requeueAfterMs, decision.requeueAfterMs].filter(
    (v): v is number => v !== undefined,
  );
  return {
    ...result,
    status: { ...result.status, conditions: [...conditions, decision.condition] },
    events: decision.event ? [...result.events, decision.event] : result.events,
    ...(requeue.length > 0 ? { requeueAfterMs: Math.min(...requeue) } : {}),
    ...(decision.waited ? { propagationWait: decision.waited } : {}),
  };
}
