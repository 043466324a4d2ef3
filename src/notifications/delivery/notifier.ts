/**
 * Hooks notifications onto the events of a pass (ADR 0160). `notify` only queues: per event, a job reads the
 * configuration, plans the deliveries, claims the occurrence on the Rollout (skipped when already claimed), then
 * queues one retried send per destination. Nothing here runs on the reconcile path or logs a secret.
 */
import type { Rollout, RolloutStatus } from '../../api/rollout.js';
import type { Cluster } from '../../kube/cluster.js';
import type { Clock } from '../../kube/clock.js';
import { labelsMatch } from '../../kube/selectors.js';
import type { Finding } from '../../mesh/types.js';
import type { RolloutEvent } from '../../rollout/plan-types.js';
import { occurrenceKey } from '../occurrence.js';
import { planNotifications, type Delivery, type NotificationInput } from '../plan.js';
import { buildRequest } from '../requests.js';
import type { HttpSender } from './http.js';
import { claimOccurrence } from './ledger.js';
import type { NotificationLabels, NotificationMetrics } from './metrics.js';
import { DeliveryQueue, PermanentError, type RetryPolicy } from './queue.js';
import type { NotificationConfigSource } from './source.js';

export interface NotifierLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface NotifierOptions {
  cluster: Cluster;
  clock: Clock;
  source: NotificationConfigSource;
  send: HttpSender;
  metrics: NotificationMetrics;
  logger: NotifierLogger;
  retry?: RetryPolicy;
}

/** What the notifier reads of a pass: the status it wrote, its events, its path findings. */
export interface PassEvents {
  status?: RolloutStatus | undefined;
  events: readonly RolloutEvent[];
  paths?: { findings: readonly Finding[] } | undefined;
}

export class Notifier {
  readonly queue: DeliveryQueue;

  constructor(private readonly options: NotifierOptions) {
    this.queue = new DeliveryQueue(options.clock, options.retry);
  }

  /** Queues the notifications of a pass's events; returns at once. */
  notify(rollout: Rollout, pass: PassEvents): void {
    const finding = pass.paths?.findings.find((f) => f.severity === 'error');
    for (const event of pass.events) {
      const input: NotificationInput = {
        rollout,
        event,
        ...(finding
          ? {
              finding: {
                code: finding.code,
                message: finding.message,
                fix: finding.fix,
                objects: finding.objects,
              },
            }
          : {}),
      };
      const key = occurrenceKey(rollout, pass.status, event);
      this.queue.push({
        run: () => this.occurrence(input, key),
        giveUp: (err) =>
          this.options.logger.warn({ ...where(input), key, err: err.message }, 'notification skipped'),
      });
    }
  }

  stop(): void {
    this.queue.stop();
  }

  private async occurrence(input: NotificationInput, key: string): Promise<void> {
    const { rollout } = input;
    const namespace = rollout.metadata.namespace ?? 'default';
    const configs = await this.options.source.configsFor(namespace);
    const plan = planNotifications(configs, input, (labels, selector) => labelsMatch(labels, selector));
    if (plan.deliveries.length === 0 && plan.problems.length === 0) return;
    if (!(await claimOccurrence(this.options.cluster, namespace, rollout.metadata.name, key))) return;
    for (const problem of plan.problems) {
      this.options.metrics.failed(labelsOf(input));
      this.options.logger.warn(
        {
          ...where(input),
          trigger: problem.trigger,
          service: problem.destination.service,
          err: problem.error,
        },
        'notification not sent',
      );
    }
    for (const delivery of plan.deliveries) this.queueDelivery(input, delivery);
  }

  private queueDelivery(input: NotificationInput, delivery: Delivery): void {
    const context = { ...where(input), trigger: delivery.trigger, service: delivery.destination.service };
    this.queue.push({
      run: async () => {
        let request;
        try {
          request = buildRequest(delivery.service, delivery.destination, delivery.notification);
        } catch (err) {
          throw new PermanentError((err as Error).message);
        }
        await this.options.send(request);
        this.options.metrics.sent(labelsOf(input));
        this.options.logger.info(context, 'notification sent');
      },
      giveUp: (err) => {
        this.options.metrics.failed(labelsOf(input));
        this.options.logger.warn({ ...context, err: err.message }, 'notification failed');
      },
    });
  }
}

function where(input: NotificationInput): { rollout: string; reason: string } {
  return {
    rollout: `${input.rollout.metadata.namespace ?? ''}/${input.rollout.metadata.name}`,
    reason: input.event.reason,
  };
}

function labelsOf(input: NotificationInput): NotificationLabels {
  return {
    namespace: input.rollout.metadata.namespace ?? '',
    name: input.rollout.metadata.name,
    type: input.event.type,
    reason: input.event.reason,
  };
}
