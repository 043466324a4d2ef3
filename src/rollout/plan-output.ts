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
