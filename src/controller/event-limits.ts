/** The bounded memory and per-object rate limit of the event recorder (events.ts). */

/** A Map that forgets its oldest entries beyond `limit` (insertion order; a `set` refreshes the entry). */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly limit: number) {}

  has(key: K): boolean {
    return this.map.has(key);
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.limit) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}

/** One token bucket per object: `burst` tokens, one more every `refillMs`; at most `limit` objects remembered. */
export class TokenBuckets {
  private readonly buckets: BoundedMap<string, { tokens: number; at: number }>;

  constructor(
    private readonly burst: number,
    private readonly refillMs: number,
    limit: number,
  ) {
    this.buckets = new BoundedMap(limit);
  }

  /** Takes a token for `object` when one is left at `now`. */
  take(object: string, now: number): boolean {
    const bucket = this.buckets.get(object) ?? { tokens: this.burst, at: now };
    const refilled = this.refillMs > 0 ? Math.floor((now - bucket.at) / this.refillMs) : this.burst;
    const tokens = Math.min(this.burst, bucket.tokens + refilled);
    const at = refilled > 0 ? now : bucket.at;
    if (tokens < 1) {
      this.buckets.set(object, { tokens, at });
      return false;
    }
    this.buckets.set(object, { tokens: tokens - 1, at });
    return true;
  }
}
