/**
 * One notification per event occurrence (ADR 0160). An occurrence is the pass's event on one Rollout at one
 * revision and step: `<reason>.<pod-template-hash>.<step>.<digest>`, the digest over what distinguishes two events of
 * the same reason there (the message; for path divergence the finding code, whose message carries live numbers).
 * A trigger condition with `oncePer` is its own occurrence: one per value of that expression (`claimKey`).
 * Delivered occurrences are kept, newest last, in the Rollout's `notifications.truesplit.io/notified` annotation.
 */
import type { Rollout, RolloutStatus } from '../api/rollout.js';
import { PATHS_CONDITION, PATHS_INCONSISTENT_EVENT } from '../plan/gate.js';
import type { RolloutEvent } from '../rollout/plan-types.js';

export const NOTIFIED_ANNOTATION = 'notifications.truesplit.io/notified';
/** Occurrences remembered per Rollout (an annotation stays small; older ones cannot recur). */
export const NOTIFIED_LIMIT = 32;

/** FNV-1a, 32 bits, as 8 hex digits: a short stable digest, not a security boundary. */
export function digest(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function distinguishing(event: RolloutEvent, status: RolloutStatus | undefined): string {
  if (event.reason !== PATHS_INCONSISTENT_EVENT) return event.message;
  const condition = status?.conditions?.find((c) => c.type === PATHS_CONDITION);
  return condition?.reason ?? event.message.split(':')[0] ?? '';
}

/**
 * The occurrence key of an event of a pass. `rollout` is the observed object (the step is the one the pass started
 * from: the step a `RolloutStepCompleted` completed); `status` is the status the pass wrote.
 */
export function occurrenceKey(
  rollout: Rollout,
  status: RolloutStatus | undefined,
  event: RolloutEvent,
): string {
  const hash = status?.currentPodHash ?? rollout.status?.currentPodHash ?? '-';
  const step = rollout.status?.currentStepIndex ?? '-';
  const reason = event.reason.replace(/[^A-Za-z0-9-]/g, '');
  return `${reason}.${hash}.${step}.${digest(distinguishing(event, status))}`;
}

/**
 * The digest of a `oncePer` value, scoped to the configuration, trigger and condition it belongs to: such a
 * condition is sent once per value (notifications-engine), whichever event carried it.
 */
export function oncePerDigest(
  configNamespace: string,
  trigger: string,
  condition: number,
  value: string,
): string {
  return digest(`${configNamespace}\n${trigger}\n${condition}\n${value}`);
}

/**
 * The key a delivery is claimed under: the event's occurrence, or for a condition with `oncePer`
 * `<reason>.once.<oncePer digest>` — the same value is not sent again by a later event, a restart or a new leader.
 */
export function claimKey(eventKey: string, oncePer: string | undefined): string {
  if (oncePer === undefined) return eventKey;
  return `${eventKey.split('.')[0] ?? ''}.once.${oncePer}`;
}

export function notifiedKeys(rollout: Pick<Rollout, 'metadata'>): string[] {
  const value = rollout.metadata.annotations?.[NOTIFIED_ANNOTATION] ?? '';
  return value.split(/\s+/).filter((k) => k !== '');
}

/** The annotation value with `key` added (oldest dropped past the limit). */
export function withNotified(keys: readonly string[], key: string): string {
  return [...keys.filter((k) => k !== key), key].slice(-NOTIFIED_LIMIT).join(' ');
}
