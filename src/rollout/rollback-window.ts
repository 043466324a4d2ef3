/**
 * `spec.rollbackWindow` (Argo's isRollbackWithinWindow, rollout/sync.go): going back to a ReplicaSet created before
 * the stable one, with fewer than `revisions` ReplicaSets created between the two, is a rollback within the window:
 * the steps are skipped and the Rollout goes straight to full promotion, as a rollback to the stable template does.
 * Creation times are whole seconds, so ReplicaSets created in the same second are neither before nor after each
 * other — as in Argo, whose comparison is over the same serialised times. Pure.
 */
import type { PlanContext, RsView } from './context.js';

function createdAt(view: RsView): number | undefined {
  const at = Date.parse(view.rs.metadata?.creationTimestamp ?? '');
  return Number.isFinite(at) ? at : undefined;
}

export function isRollbackWithinWindow(ctx: PlanContext): boolean {
  const revisions = ctx.rollout.spec.rollbackWindow?.revisions ?? 0;
  const { newRS, stableRS } = ctx;
  if (revisions <= 0 || !newRS || !stableRS || newRS === stableRS) return false;
  const newAt = createdAt(newRS);
  const stableAt = createdAt(stableRS);
  if (newAt === undefined || stableAt === undefined || !(newAt < stableAt)) return false;
  const between = ctx.all.filter((view) => {
    const at = createdAt(view);
    return at !== undefined && newAt < at && at < stableAt;
  });
  return between.length < revisions;
}
