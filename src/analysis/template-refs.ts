/**
 * Template references → the templates they name, nested `spec.templates` included (Argo's
 * getReferencedAnalysisTemplatesFromRef): a namespaced reference reads the Rollout's namespace, a `clusterScope` one a
 * ClusterAnalysisTemplate; each template counts once. A missing template is Argo's field error
 * (`AnalysisTemplate 'x' not found`); a cycle of nested templates, which Argo would follow forever, is an error too.
 * Pure: the lookup is given.
 */
import type { AnalysisTemplate } from '../api/analysis.js';
import type { AnalysisTemplateRef } from '../api/rollout.js';
import type { TemplateSet } from './run-from-templates.js';

/** Where templates are read from (the controller's caches, the files of `lint`, the cluster for the CLI). */
export interface TemplateLookup {
  template(namespace: string, name: string): AnalysisTemplate | undefined;
  clusterTemplate(name: string): AnalysisTemplate | undefined;
}

/** A reference that cannot be resolved: the field holding it, the name, and Argo's message. */
export interface TemplateRefError {
  field: string;
  value: string;
  message: string;
  /** The named template does not exist (rather than a cycle): `lint` only warns, it may be in the cluster. */
  missing?: boolean;
}

export type TemplateRefResult = { ok: true; set: TemplateSet } | { ok: false; error: TemplateRefError };

/** The lookup over plain lists (the observation's, or a manifest set's). */
export function lookupIn(objects: readonly AnalysisTemplate[]): TemplateLookup {
  return {
    template: (namespace, name) =>
      objects.find(
        (t) =>
          t.kind === 'AnalysisTemplate' &&
          t.metadata.name === name &&
          (t.metadata.namespace ?? 'default') === namespace,
      ),
    clusterTemplate: (name) =>
      objects.find((t) => t.kind === 'ClusterAnalysisTemplate' && t.metadata.name === name),
  };
}

interface Walk {
  lookup: TemplateLookup;
  namespace: string;
  templates: AnalysisTemplate[];
  clusterTemplates: AnalysisTemplate[];
  /** `Kind/name` of the templates on the current nesting path. */
  path: string[];
}

function kindOf(ref: AnalysisTemplateRef): 'AnalysisTemplate' | 'ClusterAnalysisTemplate' {
  return ref.clusterScope === true ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
}

function visit(
  walk: Walk,
  refs: readonly AnalysisTemplateRef[],
  field: string,
): TemplateRefError | undefined {
  for (const ref of refs) {
    const kind = kindOf(ref);
    const name = ref.templateName;
    const found =
      kind === 'ClusterAnalysisTemplate'
        ? walk.lookup.clusterTemplate(name)
        : walk.lookup.template(walk.namespace, name);
    if (!found) return { field, value: name, message: `${kind} '${name}' not found`, missing: true };
    const key = `${kind}/${name}`;
    if (walk.path.includes(key)) {
      const cycle = [...walk.path, key].join(' → ');
      return { field, value: name, message: `nested templates form a cycle: ${cycle}` };
    }
    (kind === 'ClusterAnalysisTemplate' ? walk.clusterTemplates : walk.templates).push(found);
    const nested = found.spec?.templates ?? [];
    if (nested.length === 0) continue;
    walk.path.push(key);
    const error = visit(walk, nested, 'spec.templates');
    walk.path.pop();
    if (error) return error;
  }
  return undefined;
}

function uniqueByName(templates: readonly AnalysisTemplate[]): AnalysisTemplate[] {
  const seen = new Set<string>();
  return templates.filter((t) => !seen.has(t.metadata.name) && seen.add(t.metadata.name) !== undefined);
}

/** Resolve `refs` (held at `field`, e.g. `spec.strategy.canary.analysis.templates`) from `namespace`. */
export function resolveTemplateRefs(
  lookup: TemplateLookup,
  namespace: string,
  refs: readonly AnalysisTemplateRef[],
  field: string,
): TemplateRefResult {
  const walk: Walk = { lookup, namespace, templates: [], clusterTemplates: [], path: [] };
  const error = visit(walk, refs, field);
  if (error) return { ok: false, error };
  return {
    ok: true,
    set: { templates: uniqueByName(walk.templates), clusterTemplates: uniqueByName(walk.clusterTemplates) },
  };
}
