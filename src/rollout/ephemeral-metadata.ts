/**
 * `canaryMetadata` / `stableMetadata` kept current as roles change (Argo's reconcileEphemeralMetadata,
 * rollout/ephemeralmetadata.go): the new ReplicaSet carries the canary metadata while a distinct stable exists and
 * the stable metadata once it is the stable; the stable ReplicaSet carries the stable metadata; every other ReplicaSet
 * loses what was injected. The ReplicaSet's pod template is patched first (pods it creates next are right), then its
 * existing pods. What was injected is recorded in the `rollout.argoproj.io/ephemeral-metadata` annotation, so only
 * injected keys are ever removed. Pure: the pods are observed, the patches are plan actions.
 */
import { EPHEMERAL_METADATA_ANNOTATION } from '../api/labels.js';
import type { PodMetadata, Rollout } from '../api/rollout.js';
import type { PlanContext, RsView } from './context.js';
import type { PlanOutput } from './plan-output.js';
import type { MetadataDelta } from './plan-types.js';
import { rolloutPods } from './restart.js';
import { deepEqual } from '../util/json.js';

export function hasEphemeralMetadata(rollout: Rollout): boolean {
  const canary = rollout.spec?.strategy?.canary;
  return Boolean(canary?.canaryMetadata || canary?.stableMetadata);
}

/** The metadata recorded as injected on a ReplicaSet (undefined when none, or not parseable, as Argo). */
export function recordedMetadata(annotations: Record<string, string> | undefined): PodMetadata | undefined {
  const raw = annotations?.[EPHEMERAL_METADATA_ANNOTATION];
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function mapDelta(
  current: Record<string, string> | undefined,
  desired: Record<string, string> | undefined,
  injected: Record<string, string> | undefined,
): Record<string, string | null> | undefined {
  const delta: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(desired ?? {})) if (current?.[key] !== value) delta[key] = value;
  for (const key of Object.keys(injected ?? {})) {
    if (!(key in (desired ?? {})) && current?.[key] !== undefined) delta[key] = null;
  }
  return Object.keys(delta).length > 0 ? delta : undefined;
}

/** Argo's SyncEphemeralPodMetadata: inject `desired`, remove what was `injected` and is no longer desired. */
export function metadataDelta(
  current: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined,
  injected: PodMetadata | undefined,
  desired: PodMetadata | undefined,
): MetadataDelta | undefined {
  const labels = mapDelta(current?.labels, desired?.labels, injected?.labels);
  const annotations = mapDelta(current?.annotations, desired?.annotations, injected?.annotations);
  if (!labels && !annotations) return undefined;
  return { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
}

interface RoleMetadata {
  view: RsView;
  desired: PodMetadata | undefined;
  /** Patch the pods too (new and stable ReplicaSets only: other ReplicaSets' pods are on their way out). */
  pods: boolean;
}

function roles(ctx: PlanContext): RoleMetadata[] {
  const canary = ctx.rollout.spec.strategy.canary;
  const rolledOut = !ctx.prev.stableRS || ctx.prev.stableRS === ctx.newRS?.hash;
  const list: RoleMetadata[] = [];
  if (ctx.newRS) {
    list.push({
      view: ctx.newRS,
      desired: rolledOut ? canary?.stableMetadata : canary?.canaryMetadata,
      pods: true,
    });
  }
  if (!rolledOut && ctx.stableRS && ctx.stableRS !== ctx.newRS) {
    list.push({ view: ctx.stableRS, desired: canary?.stableMetadata, pods: true });
  }
  for (const view of ctx.all) {
    if (!list.some((r) => r.view === view)) list.push({ view, desired: undefined, pods: false });
  }
  return list;
}

/** The `desired` metadata without empty maps, as recorded on the ReplicaSet (undefined: nothing injected). */
function recordOf(desired: PodMetadata | undefined): PodMetadata | undefined {
  const labels = desired?.labels && Object.keys(desired.labels).length > 0 ? desired.labels : undefined;
  const annotations =
    desired?.annotations && Object.keys(desired.annotations).length > 0 ? desired.annotations : undefined;
  if (!labels && !annotations) return undefined;
  return { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
}

/**
 * What a pod may carry from an earlier role: the recorded injection and both roles' metadata, except the keys the
 * Rollout's own template sets (a pod patch after a crash between the ReplicaSet and pod patches still converges).
 */
function injectedOnPods(ctx: PlanContext, recorded: PodMetadata | undefined): PodMetadata {
  const canary = ctx.rollout.spec.strategy.canary;
  const template = ctx.rollout.spec.template?.metadata;
  const union = (pick: (m: PodMetadata | undefined) => Record<string, string> | undefined, own?: object) =>
    Object.fromEntries(
      [recorded, canary?.canaryMetadata, canary?.stableMetadata]
        .flatMap((m) => Object.entries(pick(m) ?? {}))
        .filter(([key]) => !(own && key in own)),
    );
  return {
    labels: union((m) => m?.labels, template?.labels),
    annotations: union((m) => m?.annotations, template?.annotations),
  };
}

/** The ReplicaSet template and pod patches of this pass, in that order. Nothing without ephemeral metadata. */
export function planEphemeralMetadata(ctx: PlanContext, out: PlanOutput): void {
  if (!hasEphemeralMetadata(ctx.rollout)) return;
  for (const { view, desired, pods } of roles(ctx)) {
    if (view.creating) continue;
    const injected = recordedMetadata(view.annotations);
    const delta = metadataDelta(view.rs.spec?.template?.metadata, injected, desired);
    const record = recordOf(desired);
    if (delta || !deepEqual(injected ?? null, record ?? null)) {
      const value = record ? JSON.stringify(record) : null;
      out.actions.push({ type: 'syncTemplateMetadata', name: view.name, delta: delta ?? {}, record: value });
    }
    if (!pods || view.replicas === 0) continue;
    const onPods = injectedOnPods(ctx, injected);
    for (const pod of rolloutPods({ ...ctx, all: [view] }, ctx.pods ?? [])) {
      const podDelta = metadataDelta(pod.metadata, onPods, desired);
      if (podDelta) out.actions.push({ type: 'patchPodMetadata', name: pod.metadata.name, delta: podDelta });
    }
  }
}
