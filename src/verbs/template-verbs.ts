/**
 * `set image` and `undo`: edits of the Rollout's pod template, as merge patches guarded by the resourceVersion the
 * edit was computed from (a concurrent write makes the patch fail with 409 and the edit is recomputed). Pure.
 */
import { EPHEMERAL_METADATA_ANNOTATION, REVISION_ANNOTATION } from '../api/labels.js';
import type { PodTemplateSpec, Rollout } from '../api/index.js';
import type { ReplicaSet } from '../api/workloads.js';
import { cloneJson, deepEqual, diffMergePatch, type MergePatch } from '../util/json.js';
import { deleteControllerPodLabels } from '../rollout/canonical-revision.js';
import { templatesMatch } from '../rollout/template-match.js';
import { rolloutRef, VerbError } from './errors.js';

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

type Container = Record<string, unknown> & { name?: unknown; image?: unknown };

function requireTemplate(rollout: Rollout): PodTemplateSpec {
  if (rollout.spec.template) return rollout.spec.template;
  const where = rollout.spec.workloadRef
    ? ` (it uses spec.workloadRef: change ${rollout.spec.workloadRef.kind}/${rollout.spec.workloadRef.name} instead)`
    : '';
  throw new VerbError(`${rolloutRef(rollout)} has no spec.template${where}`);
}

function guarded(rollout: Rollout, spec: Record<string, unknown>): MergePatch {
  return { metadata: { resourceVersion: rollout.metadata.resourceVersion ?? null }, spec };
}

function containerNames(podSpec: Record<string, unknown>): string {
  const names = CONTAINER_LISTS.flatMap((list) => {
    const containers = podSpec[list];
    return Array.isArray(containers)
      ? (containers as Container[]).map((c) => `${list}/${String(c.name)}`)
      : [];
  });
  return names.join(', ') || 'none';
}

/**
 * `CONTAINER=IMAGE` on spec.template.spec: init containers, containers and ephemeral containers with that name;
 * `*` sets all of them (Argo's rule). The changed lists are replaced whole.
 */
export function setImagePatch(rollout: Rollout, container: string, image: string): MergePatch {
  const podSpec = (requireTemplate(rollout).spec ?? {}) as Record<string, unknown>;
  const changed: Record<string, Container[]> = {};
  let found = false;
  for (const list of CONTAINER_LISTS) {
    const containers = podSpec[list];
    if (!Array.isArray(containers)) continue;
    const next = (containers as Container[]).map((c) => {
      if (container !== '*' && c.name !== container) return c;
      found = true;
      return { ...c, image };
    });
    if (!deepEqual(next, containers)) changed[list] = next;
  }
  if (!found) {
    throw new VerbError(
      `${rolloutRef(rollout)}: unable to find container named "${container}" in spec.template.spec (has ${containerNames(podSpec)})`,
    );
  }
  return guarded(rollout, { template: { spec: changed } });
}

/** `rollout.argoproj.io/revision` as a number: 0 when absent, undefined when not a number (such RSs are skipped). */
export function revisionOf(rs: ReplicaSet): number | undefined {
  const raw = rs.metadata.annotations?.[REVISION_ANNOTATION];
  if (raw === undefined) return 0;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** Revision `toRevision`, or (0) the second newest: Argo's rolloutRevision. */
export function replicaSetForRevision(
  rollout: Rollout,
  owned: readonly ReplicaSet[],
  toRevision: number,
): ReplicaSet {
  const numbered = owned.flatMap((rs) => {
    const revision = revisionOf(rs);
    return revision === undefined ? [] : [{ rs, revision }];
  });
  if (toRevision > 0) {
    const match = numbered.find((n) => n.revision === toRevision);
    if (match) return match.rs;
    const known = numbered.map((n) => n.revision).sort((a, b) => a - b);
    throw new VerbError(
      `${rolloutRef(rollout)}: unable to find revision ${toRevision} in history (ReplicaSets annotated ${REVISION_ANNOTATION}: ${known.join(', ') || 'none'})`,
    );
  }
  const previous = numbered.sort((a, b) => b.revision - a.revision)[1];
  if (!previous) {
    throw new VerbError(
      `${rolloutRef(rollout)}: no previous revision to roll back to (${numbered.length} ReplicaSet(s) in history)`,
    );
  }
  return previous.rs;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys recorded in the RS's ephemeral-metadata annotation (canary/stable metadata the controller injected). */
function injectedMetadata(rs: ReplicaSet): { labels: string[]; annotations: string[] } {
  const raw = rs.metadata.annotations?.[EPHEMERAL_METADATA_ANNOTATION];
  let parsed: unknown;
  try {
    parsed = raw === undefined ? undefined : JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const keys = (field: string): string[] =>
    isMap(parsed) && isMap(parsed[field]) ? Object.keys(parsed[field]) : [];
  return { labels: keys('labels'), annotations: keys('annotations') };
}

/** The RS's template as the Rollout held it: no hash label, no injected ephemeral labels/annotations. */
export function revisionTemplate(rs: ReplicaSet): PodTemplateSpec {
  const copy = cloneJson(rs.spec.template);
  const injected = injectedMetadata(rs);
  const metadata = copy.metadata;
  if (!metadata) return copy;
  if (metadata.labels) deleteControllerPodLabels(metadata.labels);
  for (const key of injected.labels) delete metadata.labels?.[key];
  for (const key of injected.annotations) delete metadata.annotations?.[key];
  if (metadata.labels && Object.keys(metadata.labels).length === 0) delete metadata.labels;
  if (metadata.annotations && Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
  return copy;
}

/**
 * The patch putting a revision's template back into spec.template, or undefined when the Rollout already runs it
 * (compared as the controller adopts ReplicaSets: hash label and Kubernetes defaults ignored).
 */
export function undoPatch(rollout: Rollout, revisionRs: ReplicaSet): MergePatch | undefined {
  const current = requireTemplate(rollout);
  const target = revisionTemplate(revisionRs);
  if (templatesMatch(current, target)) return undefined;
  return guarded(rollout, { template: diffMergePatch(current, target) ?? {} });
}
