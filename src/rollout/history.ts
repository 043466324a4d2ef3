/**
 * `revisionHistoryLimit` (Argo's cleanupRollouts, rollout/sync.go): keep at most N old ReplicaSets besides the stable
 * and the current one; delete the oldest beyond N, only once scaled to zero (spec and status), its generation
 * observed, and never the stable or the current ReplicaSet. Pure: the deletes are plan actions.
 */
import type { PlanContext, RsView } from './context.js';
import type { PlanOutput } from './plan-output.js';

function creationOrder(a: RsView, b: RsView): number {
  const at = a.rs.metadata?.creationTimestamp ?? '';
  const bt = b.rs.metadata?.creationTimestamp ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  return a.revision - b.revision || a.name.localeCompare(b.name);
}

function scaledToZero(view: RsView): boolean {
  const generation = view.rs.metadata?.generation ?? 0;
  const observed = view.rs.status?.observedGeneration ?? generation;
  return view.replicas === 0 && view.statusReplicas === 0 && generation <= observed && !view.creating;
}

/** Delete old ReplicaSets beyond the limit, oldest first (Argo looks at the oldest `count - limit` only). */
export function planHistoryCleanup(ctx: PlanContext, out: PlanOutput): void {
  const old = ctx.all.filter((v) => v !== ctx.newRS && v !== ctx.stableRS && v.hash !== ctx.prev.stableRS);
  const excess = old.length - ctx.cfg.revisionHistoryLimit;
  if (excess <= 0) return;
  const candidates = [...old].sort(creationOrder).slice(0, excess);
  for (const view of candidates.filter(scaledToZero)) {
    out.actions.push({ type: 'deleteReplicaSet', name: view.name });
  }
}
