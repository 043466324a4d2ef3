import type { LabelSelector } from './meta.js';
import type { Rollout } from './rollout.js';
import type { ReportProblem } from './validate-values.js';
import { describeValue, isRecord } from './validate-values.js';

/** Kubernetes label-selector semantics: every matchLabels pair and every matchExpression must hold. */
export function selectorMatchesLabels(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((expression) => {
    const present = Object.hasOwn(labels, expression.key);
    const value = labels[expression.key];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        return present && value !== undefined && values.includes(value);
      case 'NotIn':
        return !present || value === undefined || !values.includes(value);
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      default:
        return false;
    }
  });
}

/** The `key=value` pairs of `selector` that `labels` lacks or contradicts, ignoring the keys in `ignore`. */
export function mismatchedSelectorLabels(
  selector: Record<string, string>,
  labels: Record<string, string>,
  ignore: readonly string[],
): string[] {
  return Object.entries(selector)
    .filter(([key, value]) => !ignore.includes(key) && labels[key] !== value)
    .map(([key, value]) => `${key}=${value}`);
}

/** The Rollout's pod template labels, read defensively (undefined when the template or its labels are malformed). */
export function templateLabels(rollout: Rollout): Record<string, string> | undefined {
  const template: unknown = rollout.spec.template;
  const metadata = isRecord(template) ? template.metadata : undefined;
  const labels = isRecord(metadata) ? metadata.labels : undefined;
  if (labels === undefined) return isRecord(template) ? {} : undefined;
  if (!isRecord(labels) || !Object.values(labels).every((v) => typeof v === 'string')) return undefined;
  return labels as Record<string, string>;
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** A string-to-string map (labels, matchLabels, a Service selector); reports the first bad entry. */
export function validateStringMap(value: unknown, path: string, report: ReportProblem): boolean {
  if (!isRecord(value)) {
    report(path, `must be a map of label to value (found ${describeValue(value)})`);
    return false;
  }
  const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
  if (bad) report(`${path}["${bad[0]}"]`, `must be a string (found ${describeValue(bad[1])}); quote it`);
  return bad === undefined;
}

/** `spec.selector`'s own shape (Kubernetes' LabelSelector); false when it is malformed. */
export function validateSelectorShape(selector: Record<string, unknown>, report: ReportProblem): boolean {
  const { matchLabels, matchExpressions } = selector;
  let ok = matchLabels === undefined || validateStringMap(matchLabels, 'spec.selector.matchLabels', report);
  if (matchExpressions === undefined) return ok;
  if (!Array.isArray(matchExpressions)) {
    report('spec.selector.matchExpressions', 'must be a list');
    return false;
  }
  matchExpressions.forEach((expression: unknown, index) => {
    const path = `spec.selector.matchExpressions[${index}]`;
    const problem = !isRecord(expression)
      ? [path, 'must be an object']
      : typeof expression.key !== 'string'
        ? [`${path}.key`, 'required: a string']
        : !SELECTOR_OPERATORS.includes(expression.operator as string)
          ? [`${path}.operator`, `must be one of ${SELECTOR_OPERATORS.join(', ')}`]
          : expression.values !== undefined &&
              (!Array.isArray(expression.values) || expression.values.some((v) => typeof v !== 'string'))
            ? [`${path}.values`, 'must be a list of strings']
            : undefined;
    if (problem) report(problem[0] ?? path, problem[1] ?? '');
    ok &&= problem === undefined;
  });
  return ok;
}
