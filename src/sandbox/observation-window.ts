/**
 * A sliding window of routed requests per path: the observed split is computed over the requests of the last
 * `windowMs` milliseconds, capped at the newest `maxRequests` (whole batches). Pure: time is passed in.
 */
import { emptyCounts, type RouteCounts } from './request-simulator.js';

export interface WindowOptions {
  windowMs: number;
  maxRequests: number;
}

export interface ObservedSplit extends RouteCounts {
  /** Percentage (one decimal) of answered requests that reached the canary; null when none was answered. */
  share: number | null;
  requests: number;
}

interface Batch extends RouteCounts {
  at: number;
}

export class ObservationWindow {
  private readonly batches = new Map<string, Batch[]>();

  constructor(private readonly options: WindowOptions) {
    if (options.windowMs <= 0 || options.maxRequests <= 0) {
      throw new Error('ObservationWindow: windowMs and maxRequests must be positive');
    }
  }

  record(pathId: string, counts: RouteCounts, at: number): void {
    const list = this.batches.get(pathId);
    if (list) list.push({ ...counts, at });
    else this.batches.set(pathId, [{ ...counts, at }]);
    this.trim(pathId, at);
  }

  /** Forgets paths not in `keep` (a path that disappeared from the model). */
  retain(keep: ReadonlySet<string>): void {
    for (const id of [...this.batches.keys()]) if (!keep.has(id)) this.batches.delete(id);
  }

  /** Drops every batch of a path: the next observation starts afresh. */
  reset(pathId: string): void {
    this.batches.delete(pathId);
  }

  observe(pathId: string, now: number): ObservedSplit {
    const total = emptyCounts();
    let requests = 0;
    const list = this.batches.get(pathId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const batch = list[i]!;
      if (batch.at <= now - this.options.windowMs) break;
      const size = batch.canary + batch.stable + batch.failed;
      if (requests > 0 && requests + size > this.options.maxRequests) break;
      total.canary += batch.canary;
      total.stable += batch.stable;
      total.failed += batch.failed;
      requests += size;
    }
    const answered = total.canary + total.stable;
    const share = answered === 0 ? null : Math.round((total.canary / answered) * 1000) / 10;
    return { ...total, share, requests };
  }

  /** Drops, in place, the batches older than the window and those beyond the newest `maxRequests`. */
  private trim(pathId: string, now: number): void {
    const list = this.batches.get(pathId);
    if (!list) return;
    let start = list.length;
    let kept = 0;
    while (start > 0 && kept < this.options.maxRequests) {
      const b = list[start - 1]!;
      if (b.at <= now - this.options.windowMs) break;
      kept += b.canary + b.stable + b.failed;
      start--;
    }
    if (start > 0) list.splice(0, start);
  }
}
