import { objectRef } from './meta.js';
import type { LabelSelector } from './meta.js';
import type { Rollout } from './rollout.js';
import { validateCanary } from './validate-canary.js';
import { selectorMatchesLabels, templateLabels, validateSelectorShape } from './validate-selector.js';
import { integerProblem, isRecord } from './validate-values.js';
import type { ReportProblem } from './validate-values.js';
import { validatePodTemplate } from './validate-template.js';

export { parseDuration, parseIntOrPercent, resolveIntOrPercent } from './validate-values.js';
export type { ParsedIntOrPercent } from './validate-values.js';

/** One problem in one object, named by the field path a user would edit (`spec.strategy.canary.steps[2].setWeight`). */
export interface ValidationError {
  /** `Kind/namespace/name`. */
  object: string;
  field: string;
  message: string;
  file?: string;
  /** 1-based line of the object's document (or of the field, when known). */
  line?: number;
}

export interface SourceLocation {
  file?: string;
  line?: number;
}

export type { ReportProblem } from './validate-values.js';

/** `file:line: Kind/ns/name: field: message` (the location prefix is left out when unknown). */
export function formatValidationError(error: ValidationError): string {
  const location = error.file ? (error.line ? `${error.file}:${error.line}: ` : `${error.file}: `) : '';
  return `${location}${error.object}: ${error.field}: ${error.message}`;
}

/** A compatibility warning, formatted like an error with `warning:` before the message. */
export function formatCompatWarning(warning: ValidationError): string {
  return formatValidationError({ ...warning, message: `warning: ${warning.message}` });
}

/** Build `ValidationError`s for one object from `(field, message)` pairs. */
export function problemCollector(
  objectName: string,
  source: SourceLocation | undefined,
): { errors: ValidationError[]; report: ReportProblem } {
  const errors: ValidationError[] = [];
  const report: ReportProblem = (field, message) => {
    const error: ValidationError = { object: objectName, field, message };
    if (source?.file !== undefined) error.file = source.file;
    if (source?.line !== undefined) error.line = source.line;
    errors.push(error);
  };
  return { errors, report };
}

/**
 * Every rule that needs only the Rollout itself (spec §2.1–2.3, §2.7). Cross-object rules live in
 * `validateRolloutContext`. Field values are checked at run time too: manifests are user input.
 */
export function validateRollout(rollout: Rollout, source?: SourceLocation): ValidationError[] {
  const { errors, report } = problemCollector(objectRef(rollout), source);
  const spec: unknown = rollout.spec;
  if (!isRecord(spec)) {
    report('spec', 'required');
    return errors;
  }
  validateReplicas(rollout, report);
  validateWorkloadSource(rollout, report);
  validateSelector(rollout, report);
  validateStrategy(rollout, report);
  return errors;
}

/** Counts and seconds: non-negative int32 (Kubernetes' and Argo's type for them). */
function validateReplicas(rollout: Rollout, report: ReportProblem): void {
  for (const field of [
    'replicas',
    'minReadySeconds',
    'revisionHistoryLimit',
    'progressDeadlineSeconds',
  ] as const) {
    const value: unknown = rollout.spec[field];
    const problem = value === undefined ? undefined : integerProblem(value);
    if (problem) report(`spec.${field}`, problem);
  }
}

const WORKLOAD_REF_KINDS = ['Deployment', 'ReplicaSet', 'PodTemplate'];

function validateWorkloadSource(rollout: Rollout, report: ReportProblem): void {
  const { template, workloadRef } = rollout.spec;
  if (template !== undefined && workloadRef !== undefined) {
    report('spec.workloadRef', 'template and workloadRef are mutually exclusive');
  } else if (template === undefined && workloadRef === undefined) {
    report('spec.template', 'required: set exactly one of template or workloadRef');
  } else if (template !== undefined) {
    validatePodTemplate(template, report);
  } else if (workloadRef !== undefined) {
    if (!isRecord(workloadRef) || typeof workloadRef.name !== 'string' || workloadRef.name === '') {
      report('spec.workloadRef.name', 'required');
    } else if (!WORKLOAD_REF_KINDS.includes(workloadRef.kind)) {
      report('spec.workloadRef.kind', `must be one of ${WORKLOAD_REF_KINDS.join(', ')}`);
    }
  }
}

function validateSelector(rollout: Rollout, report: ReportProblem): void {
  const selector: unknown = rollout.spec.selector;
  if (selector === undefined) {
    // Argo reads the selector from the referenced workload when workloadRef is set.
    if (rollout.spec.workloadRef === undefined) report('spec.selector', 'required');
    return;
  }
  if (!isRecord(selector)) {
    report('spec.selector', 'must be an object');
    return;
  }
  if (!validateSelectorShape(selector, report)) return;
  const { matchLabels, matchExpressions } = selector as LabelSelector;
  if (Object.keys(matchLabels ?? {}).length === 0 && (matchExpressions ?? []).length === 0) {
    report('spec.selector', 'must not be empty: an empty selector selects every pod');
    return;
  }
  const labels = templateLabels(rollout);
  if (labels && !selectorMatchesLabels(selector, labels)) {
    report('spec.template.metadata.labels', 'must match spec.selector');
  }
}

function validateStrategy(rollout: Rollout, report: ReportProblem): void {
  const strategy: unknown = rollout.spec.strategy;
  if (!isRecord(strategy)) {
    report('spec.strategy', 'required: set spec.strategy.canary');
    return;
  }
  const { canary, blueGreen } = strategy;
  if (canary !== undefined && blueGreen !== undefined) {
    report('spec.strategy', 'canary and blueGreen are mutually exclusive');
  } else if (blueGreen !== undefined) {
    return; // valid under Argo: held as unsupported (compat-rules.ts)
  } else if (canary === undefined) {
    report('spec.strategy', 'required: set spec.strategy.canary');
  } else if (!isRecord(canary)) {
    report('spec.strategy.canary', 'must be an object');
  } else {
    validateCanary(rollout.spec.strategy.canary ?? {}, report);
  }
}
