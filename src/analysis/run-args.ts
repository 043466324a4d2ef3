/**
 * `{{args.NAME}}` substitution in a metric, as Argo's `ResolveMetricArgs` does it: the metric is serialised to JSON,
 * every `{{tag}}` in it is replaced by the JSON-escaped value of the argument it names, and the text is parsed back.
 * Every argument must have a value (`argument "x" was not supplied`), and a tag that names no argument is an error
 * (`failed to resolve {{x}}`). Numeric fields given as strings (`count: "{{args.n}}"`) become strings holding the
 * value; `metric-limits.ts` reads them as Go's `IntOrString.IntValue()` does.
 */
import type { Metric, TemplateArg } from '../api/analysis.js';

export type ResolvedMetric = { ok: true; metric: Metric } | { ok: false; error: string };

/** A value that stands in for a secret when metrics are resolved for scheduling (Argo: `temp-for-secret`). */
export const SECRET_PLACEHOLDER = 'temp-for-secret';

/** Argument values by name; secret arguments get the placeholder (their value is read only to measure). */
export function argValuesWithoutSecrets(
  args: readonly TemplateArg[] | undefined,
): Map<string, string | undefined> {
  const values = new Map<string, string | undefined>();
  for (const arg of args ?? []) {
    values.set(arg.name, arg.valueFrom?.secretKeyRef ? SECRET_PLACEHOLDER : arg.value);
  }
  return values;
}

/** Replaces every `{{tag}}` of `text`; values are inserted as they are given. */
export function substituteArgs(
  text: string,
  values: ReadonlyMap<string, string | undefined>,
): { ok: true; text: string } | { ok: false; error: string } {
  for (const [name, value] of values) {
    if (value === undefined) return { ok: false, error: `argument "${name}" was not supplied` };
  }
  let out = '';
  let rest = text;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) return { ok: true, text: out + rest };
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) return { ok: false, error: 'cannot find end tag "}}" in the template' };
    const tag = rest.slice(open + 2, close);
    const cleaned = tag.trim();
    const value = cleaned.startsWith('args.') ? values.get(cleaned.slice('args.'.length)) : undefined;
    if (value === undefined) return { ok: false, error: `failed to resolve {{${tag}}}` };
    out += rest.slice(0, open) + value;
    rest = rest.slice(close + 2);
  }
}

/** The metric with every `{{args.x}}` replaced (values JSON-escaped, as Argo's `ResolveQuotedArgs`). */
export function resolveMetricArgs(
  metric: Metric,
  values: ReadonlyMap<string, string | undefined>,
): ResolvedMetric {
  const quoted = new Map<string, string | undefined>();
  for (const [name, value] of values) {
    quoted.set(name, value === undefined ? undefined : JSON.stringify(value).slice(1, -1));
  }
  const resolved = substituteArgs(JSON.stringify(metric), quoted);
  if (!resolved.ok) return resolved;
  return { ok: true, metric: JSON.parse(resolved.text) as Metric };
}

/** Resolves every metric of a run; the first failure is the run's error. */
export function resolveRunMetrics(
  metrics: readonly Metric[],
  values: ReadonlyMap<string, string | undefined>,
): { ok: true; metrics: Metric[] } | { ok: false; error: string } {
  const out: Metric[] = [];
  for (const metric of metrics) {
    const resolved = resolveMetricArgs(metric, values);
    if (!resolved.ok) return resolved;
    out.push(resolved.metric);
  }
  return { ok: true, metrics: out };
}
