/** The InvalidSpec verdict of a pass: condition and Degraded phase, no workload or traffic writes. */
import type { Condition } from '../api/meta.js';
import type { Rollout, RolloutStatus } from '../api/rollout.js';
import { formatValidationError, type ValidationError } from '../api/validate.js';
import { lookupIn } from '../analysis/template-refs.js';
import { validateAnalysisReferences } from '../analysis/validate-references.js';
import { formatTime } from '../util/time.js';
import { analysisKindErrors } from './analysis-kinds.js';
import type { Observation } from './observation.js';
import type { Planning } from './planning.js';

export const INVALID_SPEC_REQUEUE_MS = 20_000;

/** The Rollout's own checks; the context checks (incl. the router's) read its fields, so only once those pass. */
export function validateObservation(planning: Planning, obs: Observation): ValidationError[] {
  const own = planning.validateRollout(obs.rollout);
  if (own.length > 0) return own;
  const objects = [
    ...obs.services,
    ...obs.virtualServices,
    ...(obs.destinationRule ? [obs.destinationRule] : []),
  ];
  const context = planning.validateRolloutContext(obs.rollout, objects);
  if (context.length > 0 || !obs.analysis) return context;
  const kinds = analysisKindErrors(obs.rollout, obs.analysis);
  if (kinds.length > 0) return kinds;
  return validateAnalysisReferences(obs.rollout, lookupIn(obs.analysis.templates));
}

export function invalidSpecMessage(rollout: Rollout, errors: readonly ValidationError[]): string {
  return `The Rollout "${rollout.metadata.name}" is invalid: ${errors.map(formatValidationError).join('; ')}`;
}

export function invalidSpecStatus(rollout: Rollout, message: string, now: number): RolloutStatus {
  const previous = rollout.status ?? {};
  const existing = previous.conditions?.find((c) => c.type === 'InvalidSpec');
  const unchanged = existing?.status === 'True' && existing.message === message;
  const condition: Condition = {
    type: 'InvalidSpec',
    status: 'True',
    reason: 'InvalidSpec',
    message,
    lastUpdateTime: unchanged && existing.lastUpdateTime ? existing.lastUpdateTime : formatTime(now),
    lastTransitionTime:
      unchanged && existing.lastTransitionTime ? existing.lastTransitionTime : formatTime(now),
  };
  return {
    ...previous,
    observedGeneration: String(rollout.metadata.generation ?? 0),
    phase: 'Degraded',
    message: `InvalidSpec: ${message}`,
    conditions: [...(previous.conditions ?? []).filter((c) => c.type !== 'InvalidSpec'), condition],
  };
}

/** A valid spec never carries the InvalidSpec condition. */
export function withoutInvalidSpec(status: RolloutStatus): RolloutStatus {
  if (!status.conditions?.some((c) => c.type === 'InvalidSpec')) return status;
  return { ...status, conditions: status.conditions.filter((c) => c.type !== 'InvalidSpec') };
}
