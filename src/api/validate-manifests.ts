import type { LoadedObject } from './loader.js';
import { asRollout, shapeProblem } from './loader-guards.js';
import { objectRef } from './meta.js';
import type { Rollout } from './rollout.js';
import { validateRollout } from './validate.js';
import type { ValidationError } from './validate.js';
import { validateRolloutContext } from './validate-context.js';

/** A Rollout that passed its type guard, with where it came from. */
export interface LoadedRollout extends LoadedObject {
  object: Rollout;
}

export interface ManifestValidation {
  rollouts: LoadedRollout[];
  errors: ValidationError[];
}

/**
 * Validate everything a command read: shape problems of every kind truesplit reads, then each Rollout's own rules and
 * its references to the other objects. Errors point at the field's line when the loader knows it.
 */
export function validateManifests(loaded: readonly LoadedObject[]): ManifestValidation {
  const objects = loaded.map((entry) => entry.object);
  const result: ManifestValidation = { rollouts: [], errors: [] };
  for (const entry of loaded) {
    const problem = shapeProblem(entry.object);
    if (problem) {
      result.errors.push(locate(entry, { object: objectRef(entry.object), ...problem }));
      continue;
    }
    const rollout = asRollout(entry.object);
    if (!rollout) continue;
    const errors = [...validateRollout(rollout), ...validateRolloutContext(rollout, objects)];
    result.errors.push(...errors.map((error) => locate(entry, error)));
    if (errors.length === 0) result.rollouts.push({ ...entry, object: rollout });
  }
  return result;
}

function locate(entry: LoadedObject, error: ValidationError): ValidationError {
  return { ...error, file: entry.file, line: entry.lineOf(error.field) };
}
