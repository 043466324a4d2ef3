/**
 * The live dashboard's observed shares (ADR 0270): RolloutStore asks for a path's share whenever it builds a view;
 * this answers from the last reading of the Rollout and keeps the readings of the Rollouts someone is looking at
 * fresh, asking Prometheus at most once per `intervalMs` per Rollout. A new reading pushes fresh views (`onUpdate`);
 * nothing here has its own HTTP endpoint, so the shares reach browsers only through the authenticated API and SSE.
 */
import type { Clock, TimerHandle } from '../kube/clock.js';
import type { ObservedShare } from '../view/rollout-view.js';
import type { ObservedContext } from './rollout-store.js';

/** One reading of a Rollout: shares by path id, warnings to report (a failed query). */
export interface ObservedFetch {
  shares: ReadonlyMap<string, ObservedShare>;
  warnings: readonly string[];
}

export interface ObservedPollerOptions {
  clock: Clock;
  fetch: (context: ObservedContext) => Promise<ObservedFetch>;
  /** A reading is refreshed at most this often; default 10 s. */
  intervalMs?: number;
  /** A new reading arrived: push views. */
  onUpdate: () => void;
  onWarning?: (line: string) => void;
}

interface Entry {
  context: ObservedContext;
  shares: ReadonlyMap<string, ObservedShare>;
  /** When the last reading started (undefined: never). */
  startedAt: number | undefined;
  inFlight: boolean;
  /** When a view last asked: a Rollout nobody looks at is not polled. */
  askedAt: number;
}

export const OBSERVED_POLL_MS = 10_000;
/** A Rollout whose view was not built for this many intervals is no longer polled. */
const IDLE_INTERVALS = 3;

export class ObservedPoller {
  private readonly entries = new Map<string, Entry>();
  private readonly intervalMs: number;
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly options: ObservedPollerOptions) {
    this.intervalMs = options.intervalMs ?? OBSERVED_POLL_MS;
    this.arm();
  }

  /** RolloutStore's `observed` hook: the last reading's share of the path (`ns/rollout|pathId`). */
  readonly lookup = (key: string, context: ObservedContext): ObservedShare | undefined => {
    const rolloutKey = key.slice(0, key.indexOf('|'));
    const pathId = key.slice(key.indexOf('|') + 1);
    let entry = this.entries.get(rolloutKey);
    if (!entry) {
      entry = { context, shares: new Map(), startedAt: undefined, inFlight: false, askedAt: 0 };
      this.entries.set(rolloutKey, entry);
    }
    entry.context = context;
    entry.askedAt = this.options.clock.now();
    this.refreshIfDue(entry);
    return entry.shares.get(pathId);
  };

  stop(): void {
    this.stopped = true;
    if (this.timer) this.options.clock.clearTimeout(this.timer);
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.pollWatched();
      this.arm();
    }, this.intervalMs);
  }

  private pollWatched(): void {
    const now = this.options.clock.now();
    for (const [key, entry] of this.entries) {
      if (now - entry.askedAt > IDLE_INTERVALS * this.intervalMs) this.entries.delete(key);
      else this.refreshIfDue(entry);
    }
  }

  private refreshIfDue(entry: Entry): void {
    const now = this.options.clock.now();
    if (this.stopped || entry.inFlight) return;
    if (entry.startedAt !== undefined && now - entry.startedAt < this.intervalMs) return;
    entry.inFlight = true;
    entry.startedAt = now;
    void this.options
      .fetch(entry.context)
      .then(
        (reading) => {
          entry.shares = reading.shares;
          for (const line of reading.warnings) this.options.onWarning?.(line);
        },
        (err: unknown) => this.options.onWarning?.(err instanceof Error ? err.message : String(err)),
      )
      .finally(() => {
        entry.inFlight = false;
        if (!this.stopped) this.options.onUpdate();
      });
  }
}
