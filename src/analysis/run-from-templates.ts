/**
 * An AnalysisRun from AnalysisTemplates and ClusterAnalysisTemplates, with Argo Rollouts' rules
 * (utils/analysis/helpers.go: FlattenTemplates, MergeArgs, NewAnalysisRunFromTemplates): metrics of the namespaced
 * templates first, then of the cluster templates, a metric name used twice is an error; template args combined (the
 * same arg with two different values is an error, a value beats no value); the caller's args override the template's
 * (args the templates do not declare are dropped); an arg left without value or valueFrom is an error naming it.
 * Shared by the Rollout controller and `create analysisrun --from`. Pure.
 */
import type {
  AnalysisRun,
  AnalysisTemplate,
  AnalysisTemplateSpec,
  Metric,
  TemplateArg,
} from '../api/analysis.js';
import { ROLLOUT_API_VERSION } from '../api/labels.js';

export type BuildResult<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): BuildResult<T> => ({ ok: true, value });
const fail = <T>(error: string): BuildResult<T> => ({ ok: false, error });

/** The templates one reference list resolves to, nested ones included, each once (Argo's FilterUniqueTemplates). */
export interface TemplateSet {
  templates: readonly AnalysisTemplate[];
  clusterTemplates: readonly AnalysisTemplate[];
}

type DryRunRule = { metricName: string };
type RetentionRule = { metricName: string; limit: number };

/** The templates merged into one spec (no nested `templates`). */
export interface FlatTemplate {
  metrics: Metric[];
  args: TemplateArg[];
  dryRun: DryRunRule[];
  measurementRetention: RetentionRule[];
}

function allSpecs(set: TemplateSet): AnalysisTemplateSpec[] {
  return [...set.templates, ...set.clusterTemplates].map((t) => t.spec ?? {});
}

function firstDuplicate(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/** Argo's flattenArgs: one entry per name; a value is never replaced by no value. */
function combineArgs(specs: readonly AnalysisTemplateSpec[]): BuildResult<TemplateArg[]> {
  const combined: TemplateArg[] = [];
  for (const arg of specs.flatMap((spec) => spec.args ?? [])) {
    const index = combined.findIndex((a) => a.name === arg.name);
    const previous = combined[index];
    if (!previous) {
      combined.push({ ...arg });
      continue;
    }
    if (previous.value !== undefined && arg.value !== undefined && previous.value !== arg.value) {
      return fail(
        `Argument \`${arg.name}\` specified multiple times with different values: '${previous.value}', '${arg.value}'`,
      );
    }
    if (previous.value === undefined) combined[index] = { ...arg };
  }
  return ok(combined);
}

function uniqueRules<R extends DryRunRule>(rules: R[], label: string): BuildResult<R[]> {
  const duplicate = firstDuplicate(rules.map((r) => r.metricName));
  if (duplicate !== undefined) return fail(`two ${label} metric rules have the same name '${duplicate}'`);
  return ok(rules);
}

const DRY_RUN = 'Dry-Run';
const RETENTION = 'Measurement Retention';

/** Argo's FlattenTemplates. */
export function flattenTemplates(set: TemplateSet): BuildResult<FlatTemplate> {
  const specs = allSpecs(set);
  const metrics = specs.flatMap((spec) => spec.metrics ?? []);
  const duplicate = firstDuplicate(metrics.map((m) => m.name));
  if (duplicate !== undefined) return fail(`two metrics have the same name '${duplicate}'`);
  const dryRun = uniqueRules(
    specs.flatMap((spec) => spec.dryRun ?? []),
    DRY_RUN,
  );
  if (!dryRun.ok) return dryRun;
  const retention = uniqueRules(
    specs.flatMap((spec) => spec.measurementRetention ?? []),
    RETENTION,
  );
  if (!retention.ok) return retention;
  const args = combineArgs(specs);
  if (!args.ok) return args;
  return ok({ metrics, args: args.value, dryRun: dryRun.value, measurementRetention: retention.value });
}

/** Argo's MergeArgs: incoming values (or valueFrom) override the template's; every arg must end up resolvable. */
export function mergeArgs(
  incoming: readonly TemplateArg[],
  templateArgs: readonly TemplateArg[],
): BuildResult<TemplateArg[]> {
  const merged = templateArgs.map((arg) => ({ ...arg }));
  for (const arg of incoming) {
    const target = merged.find((a) => a.name === arg.name);
    if (!target) continue;
    if (arg.value !== undefined) target.value = arg.value;
    else if (arg.valueFrom !== undefined) target.valueFrom = arg.valueFrom;
  }
  const unresolved = merged.find((a) => a.value === undefined && a.valueFrom === undefined);
  if (unresolved) return fail(`args.${unresolved.name} was not resolved`);
  return ok(merged);
}

export interface RunFromTemplatesInput {
  set: TemplateSet;
  /** The caller's args (the Rollout's, resolved; or `-a k=v`). */
  args: readonly TemplateArg[];
  /** The caller's dryRun / measurementRetention rules, merged before the templates'. */
  dryRun?: readonly DryRunRule[];
  measurementRetention?: readonly RetentionRule[];
  namespace: string;
  name?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Argo's NewAnalysisRunFromTemplates: the run's metadata and spec, no owner (the caller adds it). */
export function analysisRunFromTemplates(input: RunFromTemplatesInput): BuildResult<AnalysisRun> {
  const flat = flattenTemplates(input.set);
  if (!flat.ok) return flat;
  const args = mergeArgs(input.args, flat.value.args);
  if (!args.ok) return args;
  const dryRun = uniqueRules([...(input.dryRun ?? []), ...flat.value.dryRun], DRY_RUN);
  if (!dryRun.ok) return dryRun;
  const retention = uniqueRules(
    [...(input.measurementRetention ?? []), ...flat.value.measurementRetention],
    RETENTION,
  );
  if (!retention.ok) return retention;
  return ok({
    apiVersion: ROLLOUT_API_VERSION,
    kind: 'AnalysisRun',
    metadata: {
      name: input.name ?? '',
      ...(input.generateName !== undefined ? { generateName: input.generateName } : {}),
      namespace: input.namespace,
      labels: { ...(input.labels ?? {}) },
      annotations: { ...(input.annotations ?? {}) },
    },
    spec: {
      metrics: flat.value.metrics,
      ...(args.value.length > 0 ? { args: args.value } : {}),
      ...(dryRun.value.length > 0 ? { dryRun: dryRun.value } : {}),
      ...(retention.value.length > 0 ? { measurementRetention: retention.value } : {}),
    },
  });
}
