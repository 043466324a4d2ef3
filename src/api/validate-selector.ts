import type { LabelSelector } from './meta.js';
import type { Rollout } from './rollout.js';
import { isRecord } from './validate-values.js';

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
