/** Stable/canary Service selector switching (§3.5). */
import { MANAGED_BY_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from '../api/labels.js';
import type { PlanContext, RsView } from './context.js';
import type { RolloutEvent, WorkloadAction } from './plan-types.js';
import { isAborted } from './steps.js';

export interface ServiceSwitches {
  actions: WorkloadAction[];
  events: RolloutEvent[];
}

/** Argo's IsReplicaSetAvailable: scaled up and every desired pod available. */
function fullyAvailable(rs: RsView): boolean {
  return rs.replicas > 0 && rs.available > 0 && rs.available >= rs.replicas;
}

function switchTo(
  ctx: PlanContext,
  serviceName: string | undefined,
  rs: RsView | undefined,
  out: ServiceSwitches,
): void {
  if (!serviceName || !rs || rs.hash === '') return;
  const service = ctx.services.find((s) => s.metadata?.name === serviceName);
  if (!service) return;
  const current = service.spec?.selector?.[POD_TEMPLATE_HASH_LABEL] ?? '';
  if (current === rs.hash) return;
  // First adoption (no managed-by annotation): only switch to a fully available ReplicaSet, never overload it.
  const adopted = service.metadata?.annotations?.[MANAGED_BY_ANNOTATION] !== undefined;
  if (!adopted && !fullyAvailable(rs)) return;
  if (rs.available === 0) return;
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
