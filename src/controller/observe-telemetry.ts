/**
 * The telemetry poller (ADR 0265): Istio's `istio_requests_total` read from Prometheus for each Rollout with a canary
 * in progress, outside the reconcile pass. At most one reading per Rollout per interval, a bounded number of queries
 * at once, each with a timeout; the latest reading per Rollout is kept (bounded, dropped once the Rollout is gone or
 * fully promoted) and put into the pass's Observation. A reading that changes what the pass would judge (a share, a
 * count still below the minimum, an error) enqueues the Rollout.
 */
import { readPathGateAnnotations } from '../api/path-gate-annotations.js';
import type { Rollout } from '../api/rollout.js';
import { readCallerSplits, type CallerSplit } from '../mesh/observed-split.js';
import type { ObservedTelemetry } from '../plan/observation.js';
import {
  canaryInProgress,
  observedTarget,
  type ObservedService,
  type ObservedTargetSources,
} from '../plan/observed-target.js';
import type { SplitVectors, SplitVectorsRequest } from '../analysis/providers/split-vectors.js';
import type { Clock } from '../kube/clock.js';

export const DEFAULT_TELEMETRY_INTERVAL_MS = 15_000;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_MAX_ROLLOUTS = 5_000;

export interface TelemetryPollerOptions {
  /** `--prometheus-address`; a Rollout's `truesplit.io/prometheus-address` overrides it. */
  defaultAddress?: string;
  intervalMs?: number;
  timeoutMs?: number;
  /** Queries in flight at once. */
  concurrency?: number;
  /** Readings kept at most (the oldest are dropped first). */
  maxRollouts?: number;
  clock: Clock;
  /** The Rollouts that exist (the informer cache). */
  rollouts: () => readonly Rollout[];
  /** The Rollout's DestinationRule host and ReplicaSets, for the target's Services and canary revision (ADR 0310). */
  sourcesOf: (rollout: Rollout) => ObservedTargetSources;
  /** Both instant queries (`querySplitVectors`); injected so tests need no Prometheus. */
  query: (request: SplitVectorsRequest) => Promise<SplitVectors>;
  /** Told the key of a Rollout whose reading changed what a pass would judge. */
  onChange: (key: string) => void;
}

/** What a poll needs to know about one Rollout; undefined: nothing to observe. */
interface Target {
  key: string;
  rollout: Rollout;
  address: string | undefined;
  /** The canary's pod-template hash: the revision a reading is of (the pass compares it with its own). */
  canaryHash: string;
  window: string;
  minSamples: number;
}

/** The Rollout's telemetry target: a canary in progress with Istio routing and the observed split configured. */
export function telemetryTarget(rollout: Rollout, defaultAddress: string | undefined): Target | undefined {
  const canaryHash = canaryInProgress(rollout);
  if (!canaryHash || rollout.metadata.deletionTimestamp) return undefined;
  const settings = readPathGateAnnotations(rollout.metadata.annotations);
  const address = settings.prometheusAddress ?? defaultAddress;
  const gateWantsIt = settings.source !== 'predicted';
  if (address === undefined && !gateWantsIt) return undefined;
  return {
    key: `${rollout.metadata.namespace ?? ''}/${rollout.metadata.name}`,
    rollout,
    address,
    canaryHash,
    window: settings.observedWindow,
    minSamples: settings.minSamples,
  };
}

/** What a pass judges of a reading: rounded shares, counts up to the minimum, the error. */
export function readingSignature(reading: ObservedTelemetry, minSamples: number): string {
  if (reading.error !== undefined) return `error ${reading.error}`;
  const callers = (reading.callers ?? []).map((c) => {
    const share = c.totalRequests > 0 ? Math.round((c.canaryRequests / c.totalRequests) * 1000) : -1;
    return `${c.path}|${c.from}|${share}|${Math.min(Math.round(c.totalRequests), minSamples)}`;
  });
  return `${reading.canaryRevision} ${callers.join(',')}`;
}

interface Kept {
  reading: ObservedTelemetry;
  signature: string;
  /** When the last poll for this Rollout started (ms), to keep to one per interval. */
  polledAt: number;
}

export class TelemetryPoller {
  private readonly kept = new Map<string, Kept>();
  private readonly inFlight = new Set<string>();
  private timer: ReturnType<Clock['setTimeout']> | undefined;
  private stopped = false;

  constructor(private readonly options: TelemetryPollerOptions) {}

  /** The latest reading for `namespace/name`, if any. */
  reading(key: string): ObservedTelemetry | undefined {
    return this.kept.get(key)?.reading;
  }

  /** Readings kept (for tests and bounds). */
  size(): number {
    return this.kept.size;
  }

  /** Polls every due Rollout, `concurrency` at a time; resolves when this round is done. */
  async pollDue(): Promise<void> {
    const now = this.options.clock.now();
    const interval = this.options.intervalMs ?? DEFAULT_TELEMETRY_INTERVAL_MS;
    const targets = this.prune();
    const due = targets.filter(
      (t) => !this.inFlight.has(t.key) && now - (this.kept.get(t.key)?.polledAt ?? -Infinity) >= interval,
    );
    const concurrency = Math.max(1, this.options.concurrency ?? DEFAULT_CONCURRENCY);
    const queue = [...due];
    const worker = async (): Promise<void> => {
      for (let target = queue.shift(); target; target = queue.shift()) await this.poll(target, now);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  }

  /** Polls every second until `stop()` (each Rollout still at most once per interval). */
  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      void this.pollDue().finally(() => {
        if (!this.stopped) this.timer = this.options.clock.setTimeout(tick, 1_000);
      });
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.options.clock.clearTimeout(this.timer);
  }

  /** The current targets; readings of Rollouts that are gone or no longer in a canary are dropped. */
  private prune(): Target[] {
    const targets = this.options
      .rollouts()
      .flatMap((r) => telemetryTarget(r, this.options.defaultAddress) ?? []);
    const live = new Set(targets.map((t) => t.key));
    for (const key of this.kept.keys()) if (!live.has(key)) this.kept.delete(key);
    return targets;
  }

  private async poll(target: Target, now: number): Promise<void> {
    this.inFlight.add(target.key);
    try {
      const reading = await this.read(target, now);
      if (this.stopped) return;
      const signature = readingSignature(reading, target.minSamples);
      const previous = this.kept.get(target.key);
      this.kept.delete(target.key);
      this.kept.set(target.key, { reading, signature, polledAt: now });
      this.bound();
      if (previous?.signature !== signature) this.options.onChange(target.key);
    } finally {
      this.inFlight.delete(target.key);
    }
  }

  private bound(): void {
    const max = this.options.maxRollouts ?? DEFAULT_MAX_ROLLOUTS;
    for (const key of this.kept.keys()) {
      if (this.kept.size <= max) break;
      this.kept.delete(key);
    }
  }

  private async read(target: Target, now: number): Promise<ObservedTelemetry> {
    const base = { time: now, canaryRevision: target.canaryHash, window: target.window };
    const measured = observedTarget(target.rollout, this.options.sourcesOf(target.rollout));
    if (!measured) return { ...base, error: 'no canary in progress' };
    if ('problem' in measured) return { ...base, error: measured.problem };
    if (target.address === undefined)
      return {
        ...base,
        error: 'no Prometheus address (set --prometheus-address or truesplit.io/prometheus-address)',
      };
    const query = { address: target.address, window: target.window, now, ...measured };
    return { ...base, ...(await this.query(query)) };
  }

  private async query(query: {
    address: string;
    window: string;
    now: number;
    canaryRevision: string;
    services: ObservedService[];
  }): Promise<{ callers: CallerSplit[] } | { error: string }> {
    const { address, window, now, canaryRevision } = query;
    try {
      const vectors = await Promise.all(
        query.services.map(({ service, namespace }) =>
          this.options.query({
            address,
            service,
            namespace,
            window,
            now: new Date(now),
            timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          }),
        ),
      );
      const results = {
        source: vectors.flatMap((v) => v.source),
        destination: vectors.flatMap((v) => v.destination),
      };
      return { callers: readCallerSplits(results, { canaryRevision }) };
    } catch (err) {
      return { error: `Prometheus at ${address}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
}
