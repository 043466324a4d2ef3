/** Stable/canary and ping/pong Service selector switching (§3.5, ADR 0220). */
import { MANAGED_BY_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import { pingPongServices } from '../api/ping-pong.js';
import type { PlanContext, RsView } from './context.js';
import type { RolloutEvent, WorkloadAction } from './plan-types.js';
import { isAborted, isFullyPromoted } from './steps.js';

export interface ServiceSwitches {
  actions: WorkloadAction[];
  events: RolloutEvent[];
}

/** Argo's IsReplicaSetAvailable: scaled up and every desired pod available. */
function fullyAvailable(rs: RsView): boolean {
  return rs.replicas > 0 && rs.available > 0 && rs.available >= rs.replicas;
}

/**
 * Point `serviceName` at `rs`. `checkAvailability` (Argo's ensureSVCTargets): never at a ReplicaSet without an
 * available pod, and a Service not managed yet only at a fully available one.
 */
function switchTo(
  ctx: PlanContext,
  serviceName: string | undefined,
  rs: RsView | undefined,
  out: ServiceSwitches,
  checkAvailability = true,
): void {
  if (!serviceName || !rs || rs.hash === '') return;
  const service = ctx.services.find((s) => s.metadata?.name === serviceName);
  if (!service) return;
  const current = service.spec?.selector?.[POD_TEMPLATE_HASH_LABEL] ?? '';
  if (current === rs.hash) return;
  // First adoption (no managed-by annotation): only switch to a fully available ReplicaSet, never overload it.
  const adopted = service.metadata?.annotations?.[MANAGED_BY_ANNOTATION] !== undefined;
  if (checkAvailability && !adopted && !fullyAvailable(rs)) return;
  if (checkAvailability && rs.available === 0) return;
  out.actions.push({ type: 'switchService', name: serviceName, hash: rs.hash });
  out.events.push({
    type: 'Normal',
    reason: 'SwitchService',
    message: `Switched selector for service '${serviceName}' from '${current}' to '${rs.hash}'`,
  });
}

/** Point the stable Service at the stable RS and the canary Service at the canary (or stable, after an abort). */
export function planServiceSwitches(ctx: PlanContext, dynamicRollback: boolean): ServiceSwitches {
  const out: ServiceSwitches = { actions: [], events: [] };
  planPingPong(ctx, out);
  switchTo(ctx, ctx.cfg.stableService, ctx.stableRS, out);
  if (dynamicRollback) return out;
  if (isAborted(ctx)) {
    const trafficLeftCanary =
      !ctx.cfg.dynamicStableScale || (ctx.prev.canary?.weights?.canary?.weight ?? 0) === 0;
    if (!ctx.cfg.trafficRouted || trafficLeftCanary) switchTo(ctx, ctx.cfg.canaryService, ctx.stableRS, out);
    return out;
  }
  switchTo(ctx, ctx.cfg.canaryService, ctx.newRS, out);
  return out;
}

/**
 * Ping-pong (Argo's reconcilePingAndPongService): during an update the Service whose turn it is to be the canary
 * selects the new ReplicaSet at once (no availability check: its weight stays 0 until the new pods are available,
 * and its endpoints are ready by then). Once the update is promoted the roles swap in the status and no selector
 * changes. Two additions (ADR 0220): the stable one is pinned to the stable ReplicaSet, with the rule `stableService`
 * follows; and while the canary one still carries weight (a new revision in the middle of an update), it waits for
 * the pass that takes the weight off it, so no request goes to a ReplicaSet without an available pod.
 */
function planPingPong(ctx: PlanContext, out: ServiceSwitches): void {
  const services = pingPongServices(ctx.rollout);
  if (!services) return;
  switchTo(ctx, services.stable, ctx.stableRS, out);
  if (!ctx.stableRS || isFullyPromoted(ctx)) return;
  const carriesWeight = (ctx.prev.canary?.weights?.canary?.weight ?? 0) > 0;
  if (carriesWeight && (ctx.newRS?.available ?? 0) === 0) return;
  switchTo(ctx, services.canary, ctx.newRS, out, false);
}
