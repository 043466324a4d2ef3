/** The observed world of one reconcile, classified the way the canary algorithm needs it. */
import {
  EPHEMERAL_METADATA_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
} from '../api/labels.js';
import type { Rollout, RolloutStatus } from '../api/rollout.js';
import type { Pod, PodTemplateSpec, ReplicaSet, Service } from '../api/workloads.js';
import { templateWithoutAntiAffinity } from './anti-affinity.js';
import { resolveCanaryConfig, type CanaryConfig } from './defaults.js';
import { computePodTemplateHash, computeStepsHash } from './hash.js';
import type { PathGateInput, RolloutSnapshot } from './plan-types.js';
import { templatesMatch } from './template-match.js';

/** A ReplicaSet with the numbers the planner reads, defaulted. */
export interface RsView {
  rs: ReplicaSet;
  name: string;
  hash: string;
  /** spec.replicas */
  replicas: number;
  statusReplicas: number;
  ready: number;
  available: number;
  revision: number;
  annotations: Record<string, string>;
  /** True when this pass creates it (not yet in the cluster). */
  creating?: boolean;
}

export interface PlanContext {
  rollout: Rollout;
  name: string;
  now: number;
  cfg: CanaryConfig;
  /** The status as observed (written last pass, plus client edits). */
  prev: RolloutStatus;
  services: Service[];
  all: RsView[];
  newRS?: RsView;
  stableRS?: RsView;
  others: RsView[];
  /** Hash of the desired template: the computed one, or an adopted ReplicaSet's label. */
  desiredHash: string;
  stepsHash: string;
  /** A ReplicaSet already carries the computed hash but a different template: bump collisionCount. */
  collision: boolean;
  /** The traffic-path gate's verdict, when the controller evaluated one. */
  pathGate?: PathGateInput;
  /** `RolloutSnapshot.trafficVerified`. */
  trafficVerified?: boolean;
  /** The current step run's phase ('' before it has one); undefined when runs are not observed (simulation). */
  stepRunPhase?: string;
  /** The Rollout's pods, when observed (only while a restart is due). */
  pods?: readonly Pod[];
}

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

export function toRsView(rs: ReplicaSet): RsView {
  const annotations = rs.metadata?.annotations ?? {};
  const revision = Number.parseInt(annotations[REVISION_ANNOTATION] ?? '', 10);
  return {
    rs,
    name: rs.metadata?.name ?? '',
    hash: rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '',
    replicas: count(rs.spec?.replicas ?? 1),
    statusReplicas: count(rs.status?.replicas),
    ready: count(rs.status?.readyReplicas),
    available: count(rs.status?.availableReplicas),
    revision: Number.isFinite(revision) ? revision : 0,
    annotations,
  };
}

function isDeleting(rs: ReplicaSet): boolean {
  return Boolean(rs.metadata?.deletionTimestamp);
}

/** The RS's pod template without the labels/annotations injected as ephemeral metadata. */
function templateWithoutEphemeral(view: RsView): unknown {
  const template = view.rs.spec?.template;
  const recorded = view.annotations[EPHEMERAL_METADATA_ANNOTATION];
  if (!template || !recorded) return template;
  let injected: { labels?: Record<string, string>; annotations?: Record<string, string> };
  try {
    injected = JSON.parse(recorded) as typeof injected;
  } catch {
    return template;
  }
  const labels = { ...(template.metadata?.labels ?? {}) };
  const annotations = { ...(template.metadata?.annotations ?? {}) };
  for (const key of Object.keys(injected?.labels ?? {})) delete labels[key];
  for (const key of Object.keys(injected?.annotations ?? {})) delete annotations[key];
  return { ...template, metadata: { ...template.metadata, labels, annotations } };
}

/** Argo's FindNewReplicaSet: by computed hash first, then by template (ignoring the hash label). */
function findNewReplicaSet(rollout: Rollout, all: RsView[], computedHash: string): RsView | undefined {
  const byHash = all.find((v) => v.hash === computedHash);
  if (byHash) return byHash;
  const template = rollout.spec?.template;
  const matches = all.filter(
    (v) =>
      v.hash !== '' &&
      templatesMatch(templateWithoutAntiAffinity(templateWithoutEphemeral(v) as PodTemplateSpec), template),
  );
  const recorded = matches.find((v) => v.hash === rollout.status?.currentPodHash);
  return recorded ?? matches.sort((a, b) => b.revision - a.revision)[0];
}

/** The name `<rollout>-<hash>` is taken by a ReplicaSet that does not carry that hash. */
function hasCollision(
  rollout: Rollout,
  all: RsView[],
  computedHash: string,
  found: RsView | undefined,
): boolean {
  if (found) return false;
  const name = `${rollout.metadata?.name ?? ''}-${computedHash}`;
  return all.some((v) => v.name === name);
}

export function buildContext(snapshot: RolloutSnapshot, now: number): PlanContext {
  const rollout = snapshot.rollout;
  const prev = rollout.status ?? {};
  const cfg = resolveCanaryConfig(rollout);
  const all = (snapshot.replicaSets ?? []).filter((rs) => !isDeleting(rs)).map(toRsView);
  const computedHash = computePodTemplateHash(rollout.spec?.template ?? {}, prev.collisionCount);
  const newRS = findNewReplicaSet(rollout, all, computedHash);
  const stableRS = prev.stableRS ? all.find((v) => v.hash === prev.stableRS) : undefined;
  const ctx: PlanContext = {
    rollout,
    name: rollout.metadata?.name ?? '',
    now,
    cfg,
    prev,
    services: snapshot.services ?? [],
    all,
    others: all.filter((v) => v !== newRS && v !== stableRS),
    desiredHash: newRS?.hash ?? computedHash,
    stepsHash: computeStepsHash(cfg.steps),
    collision: hasCollision(rollout, all, computedHash, newRS),
  };
  if (newRS) ctx.newRS = newRS;
  if (stableRS) ctx.stableRS = stableRS;
  if (snapshot.pathGate) ctx.pathGate = snapshot.pathGate;
  if (snapshot.trafficVerified !== undefined) ctx.trafficVerified = snapshot.trafficVerified;
  if (snapshot.pods) ctx.pods = snapshot.pods;
  return ctx;
}

/** The new RS is also the stable one (nothing to canary). */
export function stableIsNew(ctx: PlanContext): boolean {
  return ctx.stableRS !== undefined && ctx.newRS !== undefined && ctx.stableRS === ctx.newRS;
}

/** Argo's CheckStableRSExists: a stable RS exists and differs from the new one. */
export function hasDistinctStable(ctx: PlanContext): boolean {
  return ctx.stableRS !== undefined && ctx.stableRS !== ctx.newRS;
}

export function maxRevision(views: RsView[]): number {
  return views.reduce((max, v) => Math.max(max, v.revision), 0);
}

export function sumReplicas(views: (RsView | undefined)[], pick: (v: RsView) => number): number {
  return views.reduce((sum, v) => sum + (v ? pick(v) : 0), 0);
}
