/**
 * core/v1 Events against a Rollout, with Argo's reasons, aggregated the way Kubernetes' own recorder does (ADR 0150):
 *
 * - The first occurrence of a reason on a Rollout in a step (the observed `currentPodHash` and `currentStepIndex`) is
 *   written at once: a new Event, or a `count` patch of the Event with the same type, reason and message.
 * - Later occurrences in the same step are not written one by one: the same message adds to that Event's `count`, a
 *   different one to a "(combined from similar events)" Event of the reason, which carries the latest message. These
 *   are flushed every `flushMs`, and each Rollout may spend at most `burst` such writes before it waits for a token
 *   (one per `flushMs`): nothing is dropped, the counts catch up.
 * - On an AnalysisRun every Event with a new message is a first occurrence (one per metric completed, one for the
 *   run): none is combined with another metric's.
 */
import type { AnalysisRun } from '../api/analysis.js';
import type { Rollout } from '../api/rollout.js';
import type { Cluster, KubeEvent } from '../kube/cluster.js';
import type { Clock, TimerHandle } from '../kube/clock.js';
import { isNotFound } from '../kube/errors.js';
import type { RolloutEvent } from '../rollout/plan-types.js';
import { formatTime } from '../util/time.js';
import { BoundedMap, TokenBuckets } from './event-limits.js';

/** The objects events are recorded on: Rollouts, and AnalysisRuns (the AnalysisRun controller's events). */
export type EventSubject = Rollout | AnalysisRun;

export const EVENT_COMPONENT = 'truesplit-controller';
export const COMBINED_PREFIX = '(combined from similar events): ';
export const DEFAULT_EVENT_FLUSH_MS = 10_000;

interface Recorded {
  name: string;
  namespace: string;
  /** count the API server has */
  count: number;
}

/** Occurrences not written yet, for one Event (an existing one by identity, or a reason's combined one). */
interface Pending<T extends EventSubject> {
  rollout: T;
  event: RolloutEvent;
  occurrences: number;
  lastSeen: number;
}

export interface EventRecorderOptions<T extends EventSubject = Rollout> {
  clock: Clock;
  /** Called for every event recorded (metrics: rollout_events_total). */
  onEvent?: (subject: T, event: RolloutEvent) => void;
  onError?: (error: Error) => void;
  /** Events and step keys remembered for aggregation. Default 4096 entries each. */
  memory?: number;
  /** Later occurrences in a step are written at most this often. Default 10 s. */
  flushMs?: number;
  /** Deferred writes a Rollout may spend at once (one token back per `flushMs`). Default 10. */
  burst?: number;
}

const uidOf = (r: EventSubject) => r.metadata.uid ?? `${r.metadata.namespace ?? ''}/${r.metadata.name}`;
/**
 * What makes an occurrence a first one: for a Rollout, its step; for an AnalysisRun, the message — each metric
 * completes once and the run once, so each of those Events is written at once, as Argo's recorder does.
 */
const stepOf = (r: EventSubject, e: RolloutEvent) =>
  r.kind === 'Rollout' ? `${r.status?.currentPodHash ?? ''}@${r.status?.currentStepIndex ?? '-'}` : e.message;
const identity = (r: EventSubject, e: RolloutEvent) => `${uidOf(r)}|${e.type}|${e.reason}|${e.message}`;
const similar = (r: EventSubject, e: RolloutEvent) => `${uidOf(r)}|${e.type}|${e.reason}|${COMBINED_PREFIX}`;

export class EventRecorder<T extends EventSubject = Rollout> {
  private readonly recorded: BoundedMap<string, Recorded>;
  private readonly stepsSeen: BoundedMap<string, true>;
  private readonly pending = new Map<string, Pending<T>>();
  private readonly tokens: TokenBuckets;
  private flushTimer: TimerHandle | undefined;
  private sequence = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: EventRecorderOptions<T>,
  ) {
    const memory = options.memory ?? 4096;
    this.recorded = new BoundedMap(memory);
    this.stepsSeen = new BoundedMap(memory);
    this.tokens = new TokenBuckets(options.burst ?? 10, this.flushMs, memory);
  }

  private get flushMs(): number {
    return this.options.flushMs ?? DEFAULT_EVENT_FLUSH_MS;
  }

  /** Records the event; failures are reported to onError and never fail the reconcile. */
  async record(rollout: T, event: RolloutEvent): Promise<void> {
    this.options.onEvent?.(rollout, event);
    const stepKey = `${uidOf(rollout)}|${event.reason}|${stepOf(rollout, event)}`;
    if (this.stepsSeen.has(stepKey)) return this.defer(rollout, event);
    this.stepsSeen.set(stepKey, true);
    await this.guarded(() => this.write(identity(rollout, event), { rollout, event, occurrences: 1 }));
  }

  /** Writes every deferred occurrence the rate limit allows now (all of them when `force`). */
  async flush(force = true): Promise<void> {
    if (this.flushTimer) this.options.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const now = this.options.clock.now();
    for (const [key, p] of [...this.pending]) {
      if (!force && !this.tokens.take(uidOf(p.rollout), now)) continue;
      this.pending.delete(key);
      await this.guarded(() => this.write(key, p));
    }
    if (this.pending.size > 0) this.scheduleFlush();
  }

  /** Occurrences waiting for the next flush (tests, metrics). */
  pendingCount(): number {
    return [...this.pending.values()].reduce((n, p) => n + p.occurrences, 0);
  }

  private defer(rollout: T, event: RolloutEvent): void {
    const same = identity(rollout, event);
    const key = this.recorded.has(same) || this.pending.has(same) ? same : similar(rollout, event);
    const message = key === same ? event.message : `${COMBINED_PREFIX}${event.message}`;
    const previous = this.pending.get(key);
    this.pending.set(key, {
      rollout,
      event: { ...event, message },
      occurrences: (previous?.occurrences ?? 0) + 1,
      lastSeen: this.options.clock.now(),
    });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.flushTimer ??= this.options.clock.setTimeout(() => void this.flush(false), this.flushMs);
  }

  private async guarded(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.options.onError?.(err as Error);
    }
  }

  /** One request: a count patch of the Event recorded under `key`, or a new Event. */
  private async write(key: string, p: Omit<Pending<T>, 'lastSeen'> & { lastSeen?: number }): Promise<void> {
    const now = formatTime(p.lastSeen ?? this.options.clock.now());
    const previous = this.recorded.get(key);
    if (previous) {
      try {
        const count = previous.count + p.occurrences;
        const combined = p.event.message.startsWith(COMBINED_PREFIX) ? { message: p.event.message } : {};
        await this.cluster.patch('Event', previous.namespace, previous.name, {
          count,
          lastTimestamp: now,
          ...combined,
        });
        previous.count = count;
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.recorded.delete(key);
      }
    }
    const created = await this.cluster.create('Event', this.newEvent(p.rollout, p.event, now, p.occurrences));
    this.recorded.set(key, {
      name: created.metadata.name,
      namespace: created.metadata.namespace ?? '',
      count: p.occurrences,
    });
  }

  private newEvent(rollout: T, event: RolloutEvent, now: string, count: number): KubeEvent {
    const namespace = rollout.metadata.namespace ?? 'default';
    const suffix = (this.options.clock.now() * 1000 + (this.sequence++ % 1000)).toString(16);
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${rollout.metadata.name}.${suffix}`, namespace },
      involvedObject: {
        apiVersion: rollout.apiVersion,
        kind: rollout.kind,
        name: rollout.metadata.name,
        namespace,
        ...(rollout.metadata.uid ? { uid: rollout.metadata.uid } : {}),
      },
      reason: event.reason,
      message: event.message,
      type: event.type,
      count,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: EVENT_COMPONENT },
      reportingComponent: EVENT_COMPONENT,
    };
  }
}
