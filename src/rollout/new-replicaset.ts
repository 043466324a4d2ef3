/** The ReplicaSet created for a new pod template (§3.1 step 2). */
import {
  DESIRED_REPLICAS_ANNOTATION,
  EPHEMERAL_METADATA_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  ROLLOUT_API_VERSION,
} from '../api/labels.js';
import type { OwnerReference } from '../api/meta.js';
import type { PodMetadata } from '../api/rollout.js';
import type { PodTemplateSpec, ReplicaSet } from '../api/workloads.js';
import { templateWithAntiAffinity } from './anti-affinity.js';
import { withCanonicalRevision } from './canonical-revision.js';
import { maxRevision, toRsView, type PlanContext, type RsView } from './context.js';

function ownerReference(ctx: PlanContext): OwnerReference {
  return {
    apiVersion: ROLLOUT_API_VERSION,
    kind: 'Rollout',
    name: ctx.name,
    uid: ctx.rollout.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Canary metadata when a stable exists (this RS starts as the canary), stable metadata otherwise. */
function ephemeralMetadata(ctx: PlanContext): PodMetadata | undefined {
  const canary = ctx.rollout.spec?.strategy?.canary;
  const metadata = ctx.stableRS ? canary?.canaryMetadata : canary?.stableMetadata;
  if (!metadata || (!metadata.labels && !metadata.annotations)) return undefined;
  return metadata;
}

/** The pod template with the hash label, the canonical revision (ADR 0181) and any ephemeral metadata. */
function podTemplate(ctx: PlanContext, hash: string, ephemeral: PodMetadata | undefined): PodTemplateSpec {
  const template = ctx.rollout.spec?.template ?? {};
  const labels = withCanonicalRevision(
    { ...(template.metadata?.labels ?? {}), ...(ephemeral?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
    template.metadata?.labels,
    hash,
  );
  const annotations = { ...(template.metadata?.annotations ?? {}), ...(ephemeral?.annotations ?? {}) };
  const metadata = { ...(template.metadata ?? {}), labels };
  return {
    ...template,
    metadata: Object.keys(annotations).length > 0 ? { ...metadata, annotations } : metadata,
  };
}

export function buildNewReplicaSet(ctx: PlanContext, hash: string): ReplicaSet {
  const ephemeral = ephemeralMetadata(ctx);
  const annotations: Record<string, string> = {
    [REVISION_ANNOTATION]: String(maxRevision(ctx.all) + 1),
    [DESIRED_REPLICAS_ANNOTATION]: String(ctx.cfg.replicas),
  };
  if (ephemeral) annotations[EPHEMERAL_METADATA_ANNOTATION] = JSON.stringify(ephemeral);
  const selector = ctx.rollout.spec?.selector ?? {};
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${ctx.name}-${hash}`,
      labels: { ...(ctx.rollout.spec?.template?.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
      annotations,
      ownerReferences: [ownerReference(ctx)],
    },
    spec: {
      replicas: 0,
      selector: {
        ...selector,
        matchLabels: { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
      },
      template: templateWithAntiAffinity(
        ctx.rollout,
        podTemplate(ctx, hash, ephemeral),
        hash,
        ctx.prev.stableRS,
      ),
    },
  };
  if (ctx.rollout.metadata?.namespace) rs.metadata.namespace = ctx.rollout.metadata.namespace;
  if (typeof ctx.rollout.spec?.minReadySeconds === 'number')
    rs.spec.minReadySeconds = ctx.rollout.spec.minReadySeconds;
  return rs;
}

/** The context with the ReplicaSet this pass creates, seen as existing with 0 replicas. */
export function withCreatedReplicaSet(ctx: PlanContext, rs: ReplicaSet): PlanContext {
  const view: RsView = { ...toRsView(rs), creating: true };
  return { ...ctx, all: [...ctx.all, view], newRS: view };
}
