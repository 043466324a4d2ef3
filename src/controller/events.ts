/**
 * core/v1 Events against a Rollout (or an AnalysisRun), with Argo's reasons. A repeat of the same (type, reason,
 * message) on the same object bumps `count` and `lastTimestamp` of the existing Event instead of creating a new one.
 */
import type { AnalysisRun } from '../api/analysis.js';
import type { Rollout } from '../api/rollout.js';
import type { Cluster, KubeEvent } from '../kube/cluster.js';
import type { Clock } from '../kube/clock.js';
import { isNotFound } from '../kube/errors.js';
import type { RolloutEvent } from '../rollout/plan-types.js';
import { formatTime } from '../util/time.js';

export const EVENT_COMPONENT = 'truesplit-controller';

/** The objects events are recorded on. */
export type EventSubject = Rollout | AnalysisRun;

interface Recorded {
  name: string;
  namespace: string;
  count: number;
}

export interface EventRecorderOptions<T extends EventSubject = Rollout> {
  clock: Clock;
  /** Called for every event recorded (metrics: rollout_events_total). */
  onEvent?: (subject: T, event: RolloutEvent) => void;
  onError?: (error: Error) => void;
  /** Remembered (type, reason, message) per Rollout for deduplication. Default 4096 entries. */
  memory?: number;
}

export class EventRecorder<T extends EventSubject = Rollout> {
  private readonly recorded = new Map<string, Recorded>();
  private sequence = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: EventRecorderOptions<T>,
  ) {}

  /** Records the event; failures are reported to onError and never fail the reconcile. */
  async record(rollout: T, event: RolloutEvent): Promise<void> {
    this.options.onEvent?.(rollout, event);
    try {
      await this.write(rollout, event);
    } catch (err) {
      this.options.onError?.(err as Error);
    }
  }

  private async write(rollout: T, event: RolloutEvent): Promise<void> {
    const dedupKey = `${rollout.metadata.uid ?? ''}|${rollout.metadata.namespace ?? ''}/${rollout.metadata.name}|${event.type}|${event.reason}|${event.message}`;
    const now = formatTime(this.options.clock.now());
    const previous = this.recorded.get(dedupKey);
    if (previous) {
      try {
        await this.cluster.patch('Event', previous.namespace, previous.name, {
          count: previous.count + 1,
          lastTimestamp: now,
        });
        previous.count++;
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.recorded.delete(dedupKey);
      }
    }
    const created = await this.cluster.create('Event', this.newEvent(rollout, event, now));
    this.remember(dedupKey, {
      name: created.metadata.name,
      namespace: created.metadata.namespace ?? '',
      count: 1,
    });
  }

  private newEvent(rollout: T, event: RolloutEvent, now: string): KubeEvent {
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
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: EVENT_COMPONENT },
      reportingComponent: EVENT_COMPONENT,
    };
  }

  private remember(key: string, entry: Recorded): void {
    this.recorded.set(key, entry);
    const limit = this.options.memory ?? 4096;
    while (this.recorded.size > limit) {
      const oldest = this.recorded.keys().next().value;
      if (oldest === undefined) break;
      this.recorded.delete(oldest);
    }
  }
}
