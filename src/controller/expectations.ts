/**
 * Write expectations (Kubernetes' ReplicaSet controller pattern): after a pass wrote objects, the Rollout's next pass
 * waits until the informers delivered those writes (the resourceVersion each write returned). A pass planned from
 * caches that do not show the previous pass's writes yet would plan the same changes again: the same Events once
 * more, a status update that fails with 409, a second reconcile's CPU. A watch event for the object with any other
 * resourceVersion after a relist (RESYNC) also satisfies the expectation, and every expectation expires after
 * `timeoutMs` (a lost event must not stall the Rollout). A watch event can arrive before the write's response: the
 * last `memory` delivered `ref@resourceVersion` pairs are remembered so such a write is not waited for. ADR 0150.
 */
import { BoundedMap } from './event-limits.js';

/** `Kind/namespace/name` of a written object and the resourceVersion the write returned. */
export interface WrittenObject {
  ref: string;
  resourceVersion: string;
}

interface Pending {
  /** ref → the resourceVersion still awaited */
  objects: Map<string, string>;
  expires: number;
}

export const EXPECTATION_TIMEOUT_MS = 5_000;

export class WriteExpectations {
  private readonly byRollout = new Map<string, Pending>();
  /** ref → Rollout keys waiting for it */
  private readonly byObject = new Map<string, Set<string>>();
  /** `ref@resourceVersion` delivered lately */
  private readonly delivered: BoundedMap<string, true>;

  constructor(
    private readonly timeoutMs = EXPECTATION_TIMEOUT_MS,
    memory = 4096,
  ) {
    this.delivered = new BoundedMap(memory);
  }

  /** Records the writes of `rolloutKey`'s pass (replacing what it waited for before). */
  expect(rolloutKey: string, written: readonly WrittenObject[], now: number): void {
    this.forget(rolloutKey);
    const objects = new Map<string, string>();
    for (const w of written) objects.set(w.ref, w.resourceVersion);
    for (const [ref, rv] of objects) if (!rv || this.delivered.has(`${ref}@${rv}`)) objects.delete(ref);
    if (objects.size === 0) return;
    this.byRollout.set(rolloutKey, { objects, expires: now + this.timeoutMs });
    for (const ref of objects.keys()) {
      const keys = this.byObject.get(ref) ?? new Set<string>();
      keys.add(rolloutKey);
      this.byObject.set(ref, keys);
    }
  }

  /** An informer delivered `ref` at `resourceVersion`; `relisted`: from a relist, which shows the latest state. */
  observed(ref: string, resourceVersion: string | undefined, relisted = false): void {
    if (resourceVersion) this.delivered.set(`${ref}@${resourceVersion}`, true);
    const keys = this.byObject.get(ref);
    if (!keys) return;
    for (const key of [...keys]) {
      const pending = this.byRollout.get(key);
      if (!pending) continue;
      if (!relisted && pending.objects.get(ref) !== resourceVersion) continue;
      pending.objects.delete(ref);
      keys.delete(key);
      if (pending.objects.size === 0) this.byRollout.delete(key);
    }
    if (keys.size === 0) this.byObject.delete(ref);
  }

  /** Milliseconds left to wait for `rolloutKey`'s writes to reach the caches; undefined: reconcile now. */
  waiting(rolloutKey: string, now: number): number | undefined {
    const pending = this.byRollout.get(rolloutKey);
    if (!pending) return undefined;
    if (now < pending.expires) return pending.expires - now;
    this.forget(rolloutKey);
    return undefined;
  }

  forget(rolloutKey: string): void {
    const pending = this.byRollout.get(rolloutKey);
    if (!pending) return;
    this.byRollout.delete(rolloutKey);
    for (const ref of pending.objects.keys()) {
      const keys = this.byObject.get(ref);
      keys?.delete(rolloutKey);
      if (keys?.size === 0) this.byObject.delete(ref);
    }
  }

  /** Rollouts waiting (metrics, tests). */
  size(): number {
    return this.byRollout.size;
  }
}
