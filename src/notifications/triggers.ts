/**
 * Event reason → trigger name. Argo's rule (utils/record): `on-` + the reason in kebab case
 * (`RolloutStepCompleted` → `on-rollout-step-completed`), plus truesplit's own `on-path-divergence` for the
 * `TrafficPathsConsistent` condition turning False.
 */
import { PATHS_INCONSISTENT_EVENT } from '../plan/gate.js';

export const PATH_DIVERGENCE_TRIGGER = 'on-path-divergence';

/** Go's regexps `(.)([A-Z][a-z]+)` then `([a-z0-9])([A-Z])`, each replaced by `${1}-${2}`. */
export function kebabTrigger(reason: string): string {
  const first = reason.replace(/(.)([A-Z][a-z]+)/g, '$1-$2');
  return `on-${first.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

export function triggerForReason(reason: string): string {
  return reason === PATHS_INCONSISTENT_EVENT ? PATH_DIVERGENCE_TRIGGER : kebabTrigger(reason);
}
