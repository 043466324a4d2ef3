/** ReplicaSet scaling for one pass: stable first, then the canary, then every other RS; the first scale ends it. */
import {
  DESIRED_REPLICAS_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  SCALE_DOWN_DEADLINE_ANNOTATION,
} from '../api/labels.js';
import type { TrafficWeights } from '../api/rollout.js';
import { hasDistinctStable, sumReplicas, type PlanContext, type RsView } from './context.js';
import { formatTime, parseTime } from '../util/time.js';
import type { PlanOutput } from './plan-output.js';
import { targetCounts } from './replicas.js';
import { isAborted } from './steps.js';

/** While the routing last written is not known to be in effect, no ReplicaSet shrinks (ADR 0275). */
const PROPAGATION_HOLD_REQUEUE_MS = 2_000;

/** Scale `rs` to `to` replicas (with its event); false when it is already there or a scale-down waits. */
export function scaleTo(ctx: PlanContext, out: PlanOutput, rs: RsView, to: number): boolean {
  if (rs.replicas === to) return false;
  if (to < rs.replicas && ctx.trafficVerified === false) {
    out.requeue(PROPAGATION_HOLD_REQUEUE_MS);
    return false;
  }
  const annotations: Record<string, string | null> = {
    [DESIRED_REPLICAS_ANNOTATION]: String(ctx.cfg.replicas),
  };
  if (to === 0 && rs.annotations[SCALE_DOWN_DEADLINE_ANNOTATION] !== undefined) {
    annotations[SCALE_DOWN_DEADLINE_ANNOTATION] = null;
  }
  out.actions.push({ type: 'scaleReplicaSet', name: rs.name, replicas: to, annotations });
  const direction = to > rs.replicas ? 'up' : 'down';
  out.normal(
    'ScalingReplicaSet',
    `Scaled ${direction} ReplicaSet ${rs.name} (revision ${rs.revision}) from ${rs.replicas} to ${to}`,
  );
  return true;
}

export function annotateScaleDownDeadline(
  ctx: PlanContext,
  out: PlanOutput,
  rs: RsView,
  delaySeconds: number,
): void {
  const deadline = formatTime(ctx.now + delaySeconds * 1000);
  out.actions.push({
    type: 'annotateReplicaSet',
    name: rs.name,
    annotations: { [SCALE_DOWN_DEADLINE_ANNOTATION]: deadline },
  });
  out.requeue(delaySeconds * 1000);
}

/** Milliseconds until the RS's scale-down deadline (≤ 0 when passed); undefined without a readable deadline. */
function msUntilDeadline(ctx: PlanContext, rs: RsView): number | undefined {
  const at = parseTime(rs.annotations[SCALE_DOWN_DEADLINE_ANNOTATION]);
  return at === undefined ? undefined : at - ctx.now;
}

function delaysCanaryScaleDown(ctx: PlanContext): boolean {
  return isAborted(ctx) && ctx.cfg.abortScaleDown.kind === 'delay';
}

/** Stable and canary never carry a scale-down deadline (except a canary waiting out an abort). */
function removeDeadlines(ctx: PlanContext, out: PlanOutput): void {
  const keepOnCanary = delaysCanaryScaleDown(ctx);
  for (const rs of [ctx.stableRS, keepOnCanary ? undefined : ctx.newRS]) {
    if (!rs || rs.creating || rs.annotations[SCALE_DOWN_DEADLINE_ANNOTATION] === undefined) continue;
    out.actions.push({
      type: 'annotateReplicaSet',
      name: rs.name,
      annotations: { [SCALE_DOWN_DEADLINE_ANNOTATION]: null },
    });
  }
}

/** After an abort with traffic routing: keep the canary until its deadline, set once stable is fully available. */
function abortedCanaryTarget(ctx: PlanContext, out: PlanOutput, canary: RsView, computed: number): number {
  const mode = ctx.cfg.abortScaleDown;
  if (mode.kind === 'never') return canary.replicas;
  if (mode.kind !== 'delay') return computed;
  const remaining = msUntilDeadline(ctx, canary);
  if (remaining !== undefined) {
    if (remaining <= 0) return 0;
    out.requeue(remaining);
    return canary.replicas;
  }
  if ((ctx.stableRS?.available ?? 0) >= ctx.cfg.replicas && canary.replicas > 0) {
    annotateScaleDownDeadline(ctx, out, canary, mode.seconds);
  }
  return canary.replicas;
}

/** Hashes that traffic or a Service may still send requests to: those RSs are never scaled down. */
export function referencedHashes(ctx: PlanContext, newWeights: TrafficWeights | undefined): Set<string> {
  const weights = [ctx.prev.canary?.weights, newWeights];
  const hashes = [ctx.prev.stableRS, ctx.desiredHash];
  for (const w of weights) hashes.push(w?.canary?.podTemplateHash, w?.stable?.podTemplateHash);
  for (const name of [ctx.cfg.canaryService, ctx.cfg.stableService]) {
    const service = ctx.services.find((s) => s.metadata?.name === name);
    hashes.push(service?.spec?.selector?.[POD_TEMPLATE_HASH_LABEL]);
  }
  return new Set(hashes.filter((h): h is string => Boolean(h)));
}

/** Traffic-routed: an RS with a deadline waits for it (within the revision limit); any other is scaled down now. */
function trafficRoutedOtherTarget(
  ctx: PlanContext,
  out: PlanOutput,
  rs: RsView,
  annotatedSoFar: number,
): number {
  const remaining = msUntilDeadline(ctx, rs);
  if (remaining === undefined) return 0;
  if (annotatedSoFar > (ctx.cfg.scaleDownDelayRevisionLimit ?? Number.MAX_SAFE_INTEGER)) return 0;
  if (remaining <= 0) return 0;
  out.requeue(remaining);
  return rs.replicas;
}

function scaleOthers(ctx: PlanContext, out: PlanOutput, referenced: Set<string>): boolean {
  const minAvailable = ctx.cfg.replicas - ctx.cfg.maxUnavailable;
  let maxScaleDown = sumReplicas(ctx.all, (v) => v.available) - minAvailable;
  if (maxScaleDown <= 0) return false;
  const candidates = ctx.others.filter((v) => v.replicas > 0 && !referenced.has(v.hash));
  candidates.sort((a, b) => b.revision - a.revision);
  let annotated = 0;
  let scaled = false;
  for (const rs of candidates) {
    if (maxScaleDown <= 0) break;
    let target = 0;
    if (!ctx.cfg.trafficRouted) {
      target = rs.replicas > maxScaleDown ? rs.replicas - maxScaleDown : 0;
    } else {
      if (rs.annotations[SCALE_DOWN_DEADLINE_ANNOTATION] !== undefined) annotated++;
      target = trafficRoutedOtherTarget(ctx, out, rs, annotated);
    }
    if (scaleTo(ctx, out, rs, target)) {
      scaled = true;
      maxScaleDown -= rs.replicas - target;
    }
  }
  return scaled;
}

/** Scale this pass's ReplicaSets; true when something was scaled (step progress then waits for the next pass). */
export function planScaling(
  ctx: PlanContext,
  out: PlanOutput,
  newWeights: TrafficWeights | undefined,
): boolean {
  removeDeadlines(ctx, out);
  const counts = targetCounts(ctx, ctx.prev.canary?.weights);
  if (hasDistinctStable(ctx) && ctx.stableRS && scaleTo(ctx, out, ctx.stableRS, counts.stable)) return true;
  if (ctx.newRS) {
    const target =
      isAborted(ctx) && ctx.cfg.trafficRouted
        ? abortedCanaryTarget(ctx, out, ctx.newRS, counts.canary)
        : counts.canary;
    if (scaleTo(ctx, out, ctx.newRS, target)) return true;
  }
  return scaleOthers(ctx, out, referencedHashes(ctx, newWeights));
}

/** The context as it stands after this pass's scale actions (spec replicas updated, statuses unchanged). */
export function withScaledReplicas(ctx: PlanContext, out: PlanOutput): PlanContext {
  const scaled = new Map<string, number>();
  for (const a of out.actions) if (a.type === 'scaleReplicaSet') scaled.set(a.name, a.replicas);
  if (scaled.size === 0) return ctx;
  const update = (v: RsView): RsView =>
    scaled.has(v.name) ? { ...v, replicas: scaled.get(v.name) ?? v.replicas } : v;
  const all = ctx.all.map(update);
  const pick = (v: RsView | undefined): RsView | undefined => (v ? all[ctx.all.indexOf(v)] : undefined);
  const next: PlanContext = { ...ctx, all, others: ctx.others.map(update) };
  const newRS = pick(ctx.newRS);
  const stableRS = pick(ctx.stableRS);
  if (newRS) next.newRS = newRS;
  if (stableRS) next.stableRS = stableRS;
  return next;
}
