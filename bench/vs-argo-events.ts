/**
 * Event writes per reason for `npm run bench:vs-argo`: the audit log (Metadata level) says how many Event writes a
 * controller sent but not why. Both controllers aggregate repeats into one Event whose `count` grows, so the Events
 * of the namespace listed before and after the rollout window give the writes per reason: a new Event is one create
 * plus `count − 1` patches, a grown one `count − count before` patches. Also the distinct objects each reason was
 * recorded on, to check that every reason still reaches every Rollout. Only Events on Rollouts count: those are the
 * controllers' own (kube-controller-manager's are on ReplicaSets and Pods).
 */
import type { E2eClient } from '../e2e/support/kube.ts';

export interface EventSnapshot {
  /** Event name → reason, involved object and count */
  events: Map<string, { reason: string; object: string; count: number }>;
}

export interface ReasonTally {
  /** Event writes (creates + count patches) in the window */
  writes: number;
  /** distinct involved objects the reason was recorded on in the window */
  objects: number;
}

/**
 * The namespace's Events on Rollouts, listed in pages: at 1,000 Rollouts the namespace also holds tens of thousands
 * of kube-controller-manager's Events on ReplicaSets and Pods, which the field selector leaves on the server.
 */
export async function snapshotEvents(admin: E2eClient, namespace: string): Promise<EventSnapshot> {
  const events = new Map<string, { reason: string; object: string; count: number }>();
  let page: string | undefined;
  do {
    const list = await admin.core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.kind=Rollout',
      limit: 500,
      ...(page === undefined ? {} : { _continue: page }),
    });
    for (const e of list.items) {
      const object = `${e.involvedObject.kind ?? ''}/${e.involvedObject.name ?? ''}`;
      events.set(e.metadata.name ?? '', { reason: e.reason ?? '', object, count: e.count ?? 1 });
    }
    page = list.metadata?._continue || undefined;
  } while (page !== undefined);
  return { events };
}

/** Writes per reason between two snapshots, by Event `count` growth. */
export function eventWritesByReason(
  before: EventSnapshot,
  after: EventSnapshot,
): Record<string, ReasonTally> {
  const writes = new Map<string, number>();
  const objects = new Map<string, Set<string>>();
  for (const [name, e] of after.events) {
    const grown = e.count - (before.events.get(name)?.count ?? 0);
    if (grown <= 0) continue;
    writes.set(e.reason, (writes.get(e.reason) ?? 0) + grown);
    const seen = objects.get(e.reason) ?? new Set<string>();
    seen.add(e.object);
    objects.set(e.reason, seen);
  }
  const tally: Record<string, ReasonTally> = {};
  for (const [reason, n] of [...writes].sort((a, b) => b[1] - a[1]))
    tally[reason] = { writes: n, objects: objects.get(reason)?.size ?? 0 };
  return tally;
}
