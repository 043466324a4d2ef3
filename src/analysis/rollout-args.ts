/**
 * The args a Rollout passes to its AnalysisRuns (Argo's BuildArgumentsForRolloutAnalysisRun): `value` as written;
 * `valueFrom.podTemplateHashValue` `Latest` / `Stable` is the new / stable ReplicaSet's pod-template hash;
 * `valueFrom.fieldRef` reads the Rollout — `metadata.*` as the kubelet's downward API does
 * (`metadata.labels['x']`, `metadata.annotations['y']`, `metadata.name`, …), any other path by walking its JSON
 * (`spec.template.spec.containers[0].image`). Pure.
 */
import type { TemplateArg } from '../api/analysis.js';
import type { AnalysisArg, Rollout } from '../api/rollout.js';
import type { BuildResult } from './run-from-templates.js';

export interface PodHashes {
  /** The new ReplicaSet's hash (`Latest`). */
  latest: string;
  /** The stable ReplicaSet's hash (`Stable`); '' when there is none. */
  stable: string;
}

/** `k="v"` lines sorted by key, as the downward API renders a whole map. */
function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((key) => `${key}=${JSON.stringify(map?.[key] ?? '')}`)
    .join('\n');
}

/** k8s fieldpath.ExtractFieldPathAsString over the Rollout's metadata. */
function metadataField(rollout: Rollout, path: string): BuildResult<string> {
  const meta = rollout.metadata;
  const subscript = /^metadata\.(labels|annotations)\['([^']*)'\]$/.exec(path);
  if (subscript) {
    const map = subscript[1] === 'labels' ? meta.labels : meta.annotations;
    return { ok: true, value: map?.[subscript[2] ?? ''] ?? '' };
  }
  const simple: Record<string, string | undefined> = {
    'metadata.name': meta.name,
    'metadata.namespace': meta.namespace ?? '',
    'metadata.uid': meta.uid ?? '',
    'metadata.labels': formatMap(meta.labels),
    'metadata.annotations': formatMap(meta.annotations),
  };
  const value = simple[path];
  return value === undefined ? { ok: false, error: `unsupported fieldPath: ${path}` } : { ok: true, value };
}

function step(node: unknown, section: string, path: string): BuildResult<unknown> {
  if (Array.isArray(node)) {
    const index = /^\d+$/.test(section) ? Number(section) : Number.NaN;
    if (Number.isNaN(index)) return { ok: false, error: `invalid index '${section}'` };
    if (index >= node.length) return { ok: false, error: `index ${index} out of range` };
    return { ok: true, value: node[index] };
  }
  if (node !== null && typeof node === 'object')
    return { ok: true, value: (node as Record<string, unknown>)[section] };
  return { ok: false, error: `invalid path ${path} in rollout` };
}

/** Argo's extractValueFromRollout: the Rollout's JSON walked along `.` and `[i]`; must end at a primitive. */
function rolloutField(rollout: Rollout, path: string): BuildResult<string> {
  let node: unknown = JSON.parse(JSON.stringify(rollout)) as unknown;
  for (const section of path.split(/[.[\]]+/).filter((s) => s !== '')) {
    const next = step(node, section, path);
    if (!next.ok) return next;
    node = next.value;
  }
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean')
    return { ok: true, value: String(node) };
  if (node !== null && typeof node === 'object')
    return { ok: false, error: `path ${path} in rollout must terminate in a primitive value` };
  return { ok: false, error: `invalid path ${path} in rollout` };
}

function argValue(arg: AnalysisArg, hashes: PodHashes, rollout: Rollout): BuildResult<string> {
  const from = arg.valueFrom;
  if (from?.podTemplateHashValue === 'Latest') return { ok: true, value: hashes.latest };
  if (from?.podTemplateHashValue === 'Stable') return { ok: true, value: hashes.stable };
  const path = from?.fieldRef?.fieldPath;
  if (path !== undefined)
    return path.startsWith('metadata') ? metadataField(rollout, path) : rolloutField(rollout, path);
  return { ok: true, value: arg.value ?? '' };
}

/** Every Rollout arg with its value resolved (Argo gives each one a value, '' when none). */
export function rolloutRunArgs(
  args: readonly AnalysisArg[],
  hashes: PodHashes,
  rollout: Rollout,
): BuildResult<TemplateArg[]> {
  const resolved: TemplateArg[] = [];
  for (const arg of args) {
    const value = argValue(arg, hashes, rollout);
    if (!value.ok) return { ok: false, error: `args.${arg.name}: ${value.error}` };
    resolved.push({ name: arg.name, value: value.value });
  }
  return { ok: true, value: resolved };
}
