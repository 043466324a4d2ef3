import { istioSpecProblems } from '../traffic/istio/spec-problems.js';
import type { LoadedObject } from './loader.js';
import { asRollout, shapeProblem } from '../api/guards.js';
import type { KubeObject } from '../api/meta.js';
import { objectRef } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import { validateRollout } from '../api/validate.js';
import type { ValidationError } from '../api/validate.js';
import { validateRolloutContext } from '../api/validate-context.js';

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
  const result: ManifestValidation = { rollouts: [], errors: duplicateObjectErrors(loaded) };
  for (const entry of loaded) {
    const problem = shapeProblem(entry.object);
    if (problem) {
      result.errors.push(locate(entry, { object: objectRef(entry.object), ...problem }));
      continue;
    }
    const rollout = asRollout(entry.object);
    if (!rollout) continue;
    const errors = validateRolloutWithReferences(rollout, objects);
    result.errors.push(...errors.map((error) => locate(entry, error)));
    if (errors.length === 0) result.rollouts.push({ ...entry, object: rollout });
  }
  return result;
}

/** The API group, kind, namespace and name of an object: two objects with the same identity are one in a cluster. */
function identity(object: LoadedObject['object']): string {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  return [group, object.kind, object.metadata.namespace ?? '', object.metadata.name].join('|');
}

/** An object given twice (any API version of the same group): the second names where the first was read. */
function duplicateObjectErrors(loaded: readonly LoadedObject[]): ValidationError[] {
  const first = new Map<string, LoadedObject>();
  const errors: ValidationError[] = [];
  for (const entry of loaded) {
    const key = identity(entry.object);
    const seen = first.get(key);
    if (!seen) {
      first.set(key, entry);
      continue;
    }
    const sameSource = seen.file === entry.file && seen.line === entry.line;
    errors.push({
      object: objectRef(entry.object),
      field: 'metadata.name',
      message: sameSource
        ? `read twice: ${entry.file} is part of the input more than once`
        : `defined twice: also at ${seen.file}:${seen.line} (same kind, namespace and name; keep one)`,
      file: entry.file,
      line: entry.line,
    });
  }
  return errors;
}

function locate(entry: LoadedObject, error: ValidationError): ValidationError {
  return { ...error, file: entry.file, line: entry.lineOf(error.field) };
}

/** The Rollout's own rules, the objects it references, and — once its own fields are valid — the Istio route checks. */
function validateRolloutWithReferences(rollout: Rollout, objects: readonly KubeObject[]): ValidationError[] {
  const own = validateRollout(rollout);
  const references = validateRolloutContext(rollout, objects);
  if (own.length > 0 || references.length > 0) return [...own, ...references];
  return istioSpecProblems(rollout, objects);
}
