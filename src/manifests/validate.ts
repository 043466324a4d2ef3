import { compatIssues } from '../api/compat-rules.js';
import { istioSpecProblems } from '../traffic/istio/spec-problems.js';
import type { LoadedObject } from './loader.js';
import { asRollout, KNOWN_KINDS, shapeProblem } from '../api/guards.js';
import type { KubeObject } from '../api/meta.js';
import { objectRef } from '../api/meta.js';
import { readPathGateAnnotations } from '../api/path-gate-annotations.js';
import { meshShapeProblems } from '../mesh/shape.js';
import { hasGeneratedName } from './object-identity.js';
import type { Rollout } from '../api/rollout.js';
import { validateRollout } from '../api/validate.js';
import type { ValidationError } from '../api/validate.js';
import { validateRolloutContext } from '../api/validate-context.js';
import { analysisObjectProblems, analysisReferenceProblems, isAnalysisObject } from './analysis-objects.js';
import { referenceScope } from './reference-scope.js';

/** A Rollout that passed its type guard, with where it came from. */
export interface LoadedRollout extends LoadedObject {
  object: Rollout;
}

export interface ManifestValidation {
  rollouts: LoadedRollout[];
  errors: ValidationError[];
  /** Fields valid under Argo that truesplit warns about or holds (compat-rules.ts); they do not fail validation. */
  warnings: ValidationError[];
}

/**
 * Validate everything a command read: shape problems of every kind truesplit reads, then each Rollout's own rules and
 * its references to the other objects (those it names: `referenceScope`). Errors point at the field's line when the
 * loader knows it.
 */
export function validateManifests(loaded: readonly LoadedObject[]): ManifestValidation {
  const referencedBy = referenceScope(loaded.map((entry) => entry.object));
  const result: ManifestValidation = { rollouts: [], errors: duplicateObjectErrors(loaded), warnings: [] };
  for (const entry of loaded) {
    const own = objectProblems(entry.object);
    const ownLocated = own.map((error) => locate(entry, error));
    if (isAnalysisObject(entry.object)) ownLocated.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    result.errors.push(...ownLocated);
    if (own.length > 0) continue;
    const rollout = asRollout(entry.object);
    if (!rollout) continue;
    const objects = referencedBy(rollout);
    const analysis = analysisReferenceProblems(rollout, objects);
    const errors = [...validateRolloutWithReferences(rollout, objects), ...analysis.errors];
    for (const error of errors) result.errors.push(locate(entry, error));
    const warnings = [...compatWarnings(rollout), ...analysis.warnings];
    const located = warnings.map((warning) => locate(entry, warning));
    result.warnings.push(...located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
    if (errors.length === 0) result.rollouts.push({ ...entry, object: rollout });
  }
  return result;
}

/**
 * Each object checked on its own, for `create -f`: duplicates, every object's shape and fields, each Rollout's own
 * rules and compatibility warnings — not the references to Services, VirtualServices or templates, which may already
 * be in the cluster.
 */
export function validateObjectsAlone(loaded: readonly LoadedObject[]): Omit<ManifestValidation, 'rollouts'> {
  const result = { errors: duplicateObjectErrors(loaded), warnings: [] as ValidationError[] };
  for (const entry of loaded) {
    const own = objectProblems(entry.object);
    const rollout = own.length === 0 ? asRollout(entry.object) : undefined;
    const errors = rollout ? validateRollout(rollout) : own;
    result.errors.push(...errors.map((error) => locate(entry, error)));
    if (!rollout || errors.length > 0) continue;
    result.warnings.push(...compatWarnings(rollout).map((warning) => locate(entry, warning)));
  }
  return result;
}

/** Fields valid under Argo that truesplit warns about or holds (compat-rules.ts). */
function compatWarnings(rollout: Rollout): ValidationError[] {
  return compatIssues(rollout).map((issue) => ({
    object: objectRef(rollout),
    field: issue.field,
    message: issue.detail,
  }));
}

/** One object on its own: a kind spelled in the wrong case, its shape, every field the path model reads. */
function objectProblems(object: KubeObject): ValidationError[] {
  const ref = objectRef(object);
  const misspelled = KNOWN_KINDS.find(
    (kind) => kind !== object.kind && kind.toLowerCase() === object.kind.toLowerCase(),
  );
  if (misspelled) {
    return [
      { object: ref, field: 'kind', message: `unknown kind ${object.kind}; did you mean ${misspelled}?` },
    ];
  }
  const shape = shapeProblem(object);
  if (shape) return [{ object: ref, ...shape }];
  const deep = meshShapeProblems([object]).map((p) => ({ object: ref, field: p.field, message: p.message }));
  if (deep.length === 0 && isAnalysisObject(object)) return analysisObjectProblems(object);
  if (deep.length > 0 || object.kind !== 'Rollout') return deep;
  return readPathGateAnnotations(object.metadata.annotations).problems.map((p) => ({ object: ref, ...p }));
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
    if (hasGeneratedName(entry.object.metadata)) continue;
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

export function locate(entry: LoadedObject, error: ValidationError): ValidationError {
  return { ...error, file: entry.file, line: entry.lineOf(error.field) };
}

/** The Rollout's own rules, the objects it references, and — once its own fields are valid — the Istio route checks. */
function validateRolloutWithReferences(rollout: Rollout, objects: readonly KubeObject[]): ValidationError[] {
  const own = validateRollout(rollout);
  const references = validateRolloutContext(rollout, objects);
  if (own.length > 0 || references.length > 0) return [...own, ...references];
  return istioSpecProblems(rollout, objects);
}
