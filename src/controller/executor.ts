/**
 * act: the one place that writes. Applies the planner's WorkloadActions and the router's traffic writes through the
 * Cluster port, writing only what differs from the cache. Errors propagate as KubeApiError for the reconciler to
 * classify (404 done, 409 requeue, other → rate-limited retry).
 */
import {
  EPHEMERAL_METADATA_ANNOTATION,
  MANAGED_BY_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
} from '../api/labels.js';
import type { Rollout, RolloutStatus } from '../api/rollout.js';
import type { ReplicaSet, Service } from '../api/workloads.js';
import type { KubeObject } from '../api/meta.js';
import type { Cluster } from '../kube/cluster.js';
import { isKubeApiError, isNotFound } from '../kube/errors.js';
import { deepEqual } from '../util/json.js';
import type { AnalysisRun } from '../api/analysis.js';
import type { AnalysisRunWrite, MetadataDelta, WorkloadAction } from '../rollout/plan-types.js';
import type { TrafficWrite } from '../traffic/router.js';
import { rolloutOwnerReference } from '../analysis/rollout-run.js';

export interface ExecutionContext {
  cluster: Cluster;
  rollout: Rollout;
  replicaSets: readonly ReplicaSet[];
  services: readonly Service[];
  /** The Rollout's AnalysisRuns as observed (skips writes already in place). */
  analysisRuns?: readonly AnalysisRun[];
}

/** Writes performed, for logs and tests ("nothing was written" is a result too). */
export interface ExecutionReport {
  writes: string[];
  /** The watched objects written and the resourceVersion each write returned (write expectations, ADR 0150). */
  written: { ref: string; resourceVersion: string }[];
}

/** Remembers the object a write returned, for the write expectations. */
function wrote(report: ExecutionReport, kind: string, object: KubeObject | undefined): void {
  const meta = object?.metadata;
  if (!meta?.resourceVersion) return;
  report.written.push({
    ref: `${kind}/${meta.namespace ?? ''}/${meta.name}`,
    resourceVersion: meta.resourceVersion,
  });
}

/** The annotation changes that are not already in place (null = remove an existing key). */
function annotationDelta(
  current: Record<string, string> | undefined,
  wanted: Record<string, string | null> | undefined,
): Record<string, string | null> | undefined {
  const delta: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(wanted ?? {})) {
    const existing = current?.[key];
    if (value === null ? existing !== undefined : existing !== value) delta[key] = value;
  }
  return Object.keys(delta).length > 0 ? delta : undefined;
}

async function createReplicaSet(
  ctx: ExecutionContext,
  rs: ReplicaSet,
  report: ExecutionReport,
): Promise<void> {
  if (ctx.replicaSets.some((existing) => existing.metadata.name === rs.metadata.name)) return;
  const owners = rs.metadata.ownerReferences ?? [];
  const withOwner: ReplicaSet = {
    ...rs,
    metadata: {
      ...rs.metadata,
      namespace: rs.metadata.namespace ?? ctx.rollout.metadata.namespace ?? '',
      ownerReferences: owners.some((o) => o.controller)
        ? owners
        : [...owners, rolloutOwnerReference(ctx.rollout)],
    },
  };
  wrote(report, 'ReplicaSet', await ctx.cluster.create('ReplicaSet', withOwner));
  report.writes.push(`create ReplicaSet ${rs.metadata.name}`);
}

async function patchReplicaSet(
  ctx: ExecutionContext,
  name: string,
  replicas: number | undefined,
  annotations: Record<string, string | null> | undefined,
  report: ExecutionReport,
): Promise<void> {
  // Not cached yet (created earlier in this pass, or the cache lags): patch anyway, the API server has the truth.
  const current = ctx.replicaSets.find((rs) => rs.metadata.name === name);
  const scale = replicas !== undefined && current?.spec.replicas !== replicas;
  const delta = current ? annotationDelta(current.metadata.annotations, annotations) : annotations;
  if (!scale && !(delta && Object.keys(delta).length > 0)) return;
  const patched = await ctx.cluster.patch('ReplicaSet', ctx.rollout.metadata.namespace ?? '', name, {
    ...(delta ? { metadata: { annotations: delta } } : {}),
    ...(scale ? { spec: { replicas } } : {}),
  });
  wrote(report, 'ReplicaSet', patched);
  report.writes.push(scale ? `scale ReplicaSet ${name} to ${replicas}` : `annotate ReplicaSet ${name}`);
}

async function switchService(ctx: ExecutionContext, name: string, hash: string, report: ExecutionReport) {
  const current = ctx.services.find((svc) => svc.metadata.name === name);
  const owner = ctx.rollout.metadata.name;
  const selectorOk = current?.spec.selector?.[POD_TEMPLATE_HASH_LABEL] === hash;
  const annotationOk = current?.metadata.annotations?.[MANAGED_BY_ANNOTATION] === owner;
  if (selectorOk && annotationOk) return;
  const patched = await ctx.cluster.patch('Service', ctx.rollout.metadata.namespace ?? '', name, {
    metadata: { annotations: { [MANAGED_BY_ANNOTATION]: owner } },
    spec: { selector: { [POD_TEMPLATE_HASH_LABEL]: hash } },
  });
  wrote(report, 'Service', patched);
  report.writes.push(`switch Service ${name} to ${hash}`);
}

/** Applies one WorkloadAction, skipping it when the cache already shows the desired state. */
export async function applyWorkloadAction(
  ctx: ExecutionContext,
  action: WorkloadAction,
  report: ExecutionReport,
): Promise<void> {
  switch (action.type) {
    case 'createReplicaSet':
      return createReplicaSet(ctx, action.replicaSet, report);
    case 'scaleReplicaSet':
      return patchReplicaSet(ctx, action.name, action.replicas, action.annotations, report);
    case 'annotateReplicaSet':
      return patchReplicaSet(ctx, action.name, undefined, action.annotations, report);
    case 'switchService':
      return switchService(ctx, action.name, action.hash, report);
    case 'deleteReplicaSet':
      return deleteReplicaSet(ctx, action.name, report);
    case 'evictPod':
      return evictPod(ctx, action.name, report);
    case 'syncTemplateMetadata':
      return syncTemplateMetadata(ctx, action, report);
    case 'patchPodMetadata':
      return patchPodMetadata(ctx, action.name, action.delta, report);
    case 'scaleDeployment':
      await ctx.cluster.patch('Deployment', ctx.rollout.metadata.namespace ?? 'default', action.name, {
        spec: { replicas: action.replicas },
      });
      report.writes.push(`scale Deployment ${action.name} to ${action.replicas}`);
      return;
  }
}

/** canary/stableMetadata on a ReplicaSet's pod template, with the record of what is injected. */
async function syncTemplateMetadata(
  ctx: ExecutionContext,
  action: Extract<WorkloadAction, { type: 'syncTemplateMetadata' }>,
  report: ExecutionReport,
): Promise<void> {
  await ctx.cluster.patch('ReplicaSet', ctx.rollout.metadata.namespace ?? 'default', action.name, {
    metadata: { annotations: { [EPHEMERAL_METADATA_ANNOTATION]: action.record } },
    spec: { template: { metadata: { ...action.delta } } },
  });
  report.writes.push(`sync pod metadata of ReplicaSet ${action.name}`);
}

/** canary/stableMetadata on an existing pod; a pod already gone is fine. */
async function patchPodMetadata(
  ctx: ExecutionContext,
  name: string,
  delta: MetadataDelta,
  report: ExecutionReport,
): Promise<void> {
  try {
    await ctx.cluster.patch('Pod', ctx.rollout.metadata.namespace ?? 'default', name, {
      metadata: { ...delta },
    });
    report.writes.push(`patch Pod ${name} metadata`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** restartAt: a pod already gone is fine; a PodDisruptionBudget refusal (429) waits for the next pass (Argo's). */
async function evictPod(ctx: ExecutionContext, name: string, report: ExecutionReport): Promise<void> {
  try {
    await ctx.cluster.evict(ctx.rollout.metadata.namespace ?? 'default', name);
    report.writes.push(`evict Pod ${name}`);
  } catch (err) {
    if (isNotFound(err)) return;
    if (isKubeApiError(err) && err.code === 429) {
      report.writes.push(`evict Pod ${name} refused (PodDisruptionBudget)`);
      return;
    }
    throw err;
  }
}

/** revisionHistoryLimit cleanup; a ReplicaSet already gone is fine. */
async function deleteReplicaSet(ctx: ExecutionContext, name: string, report: ExecutionReport): Promise<void> {
  if (!ctx.replicaSets.some((rs) => rs.metadata.name === name)) return;
  try {
    await ctx.cluster.delete('ReplicaSet', ctx.rollout.metadata.namespace ?? 'default', name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  report.writes.push(`delete ReplicaSet ${name}`);
}

/** Full Update of each router-computed object, in the router's order (resourceVersion from the cache: 409 = stale). */
export async function applyTrafficWrites(
  cluster: Cluster,
  writes: readonly TrafficWrite[],
  report: ExecutionReport,
): Promise<void> {
  for (const write of writes) {
    const updated =
      write.kind === 'VirtualService'
        ? await cluster.update('VirtualService', write.object)
        : await cluster.update('DestinationRule', write.object);
    wrote(report, write.kind, updated);
    report.writes.push(`update ${write.kind} ${write.object.metadata.name}`);
  }
}

/** Writes the status through the /status subresource when it differs from the observed one (deepEqual treats an
 * absent key and one holding undefined alike, as the wire does). */
export async function applyStatus(
  cluster: Cluster,
  rollout: Rollout,
  status: RolloutStatus,
  report: ExecutionReport,
): Promise<void> {
  if (deepEqual(rollout.status ?? {}, status)) return;
  wrote(report, 'Rollout', await cluster.updateStatus('Rollout', { ...rollout, status }));
  report.writes.push('update Rollout status');
}

/**
 * Creates, terminates (merge patch `spec.terminate: true`, Argo's cancel) or deletes one AnalysisRun. A run already
 * gone is fine for terminate and delete; a name taken on create (the cache lagged) fails the pass, which is retried
 * and then sees the run.
 */
export async function applyAnalysisRunWrite(
  ctx: ExecutionContext,
  write: AnalysisRunWrite,
  report: ExecutionReport,
): Promise<void> {
  const namespace = ctx.rollout.metadata.namespace ?? 'default';
  const cached = (name: string) => ctx.analysisRuns?.find((run) => run.metadata.name === name);
  try {
    if (write.type === 'createAnalysisRun') {
      if (cached(write.run.metadata.name)) return;
      await ctx.cluster.create('AnalysisRun', write.run);
      report.writes.push(`create AnalysisRun ${write.run.metadata.name}`);
    } else if (write.type === 'terminateAnalysisRun') {
      if (cached(write.name)?.spec.terminate === true) return;
      await ctx.cluster.patch('AnalysisRun', namespace, write.name, { spec: { terminate: true } });
      report.writes.push(`terminate AnalysisRun ${write.name}`);
    } else {
      await ctx.cluster.delete('AnalysisRun', namespace, write.name);
      report.writes.push(`delete AnalysisRun ${write.name}`);
    }
  } catch (err) {
    if (write.type === 'createAnalysisRun' || !isNotFound(err)) throw err;
  }
}
