/** Accumulates the actions, events and requeue time of one planning pass. */
import type { RolloutEvent, WorkloadAction } from './plan-types.js';

export class PlanOutput {
  readonly actions: WorkloadAction[] = [];
  readonly events: RolloutEvent[] = [];
  requeueAfterMs: number | undefined;

  normal(reason: string, message: string): void {
    this.events.push({ type: 'Normal', reason, message });
  }

  warning(reason: string, message: string): void {
    this.events.push({ type: 'Warning', reason, message });
  }

  /** Ask to be called again after `ms` (the earliest request wins). */
  requeue(ms: number): void {
    const wait = Math.max(0, Math.ceil(ms));
    this.requeueAfterMs = this.requeueAfterMs === undefined ? wait : Math.min(this.requeueAfterMs, wait);
  }
}

type ReplicaSetPatch = Extract<WorkloadAction, { type: 'scaleReplicaSet' | 'annotateReplicaSet' }>;

const isReplicaSetPatch = (a: WorkloadAction): a is ReplicaSetPatch =>
  a.type === 'scaleReplicaSet' || a.type === 'annotateReplicaSet';

function mergePatches(a: ReplicaSetPatch, b: ReplicaSetPatch): ReplicaSetPatch {
  const annotations = { ...(a.annotations ?? {}), ...(b.annotations ?? {}) };
  const replicas =
    b.type === 'scaleReplicaSet' ? b.replicas : a.type === 'scaleReplicaSet' ? a.replicas : undefined;
  if (replicas === undefined) return { type: 'annotateReplicaSet', name: b.name, annotations };
  const merged: ReplicaSetPatch = { type: 'scaleReplicaSet', name: b.name, replicas };
  return Object.keys(annotations).length > 0 ? { ...merged, annotations } : merged;
}

/**
 * One patch per ReplicaSet and pass (ADR 0295): the annotation and scale changes a pass plans for one ReplicaSet are
 * merged into its last one, which keeps the scale where it was planned (a later value wins, key by key).
 */
export function mergeReplicaSetPatches(actions: readonly WorkloadAction[]): WorkloadAction[] {
  const merged = new Map<string, ReplicaSetPatch>();
  for (const a of actions) {
    if (isReplicaSetPatch(a))
      merged.set(a.name, merged.has(a.name) ? mergePatches(merged.get(a.name)!, a) : a);
  }
  const last = new Map<string, number>();
  actions.forEach((a, i) => isReplicaSetPatch(a) && last.set(a.name, i));
  return actions.flatMap((a, i): WorkloadAction[] => {
    if (!isReplicaSetPatch(a)) return [a];
    return last.get(a.name) === i ? [merged.get(a.name)!] : [];
  });
}
