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
import { claimKey, occurrenceKey } from '../occurrence.js';
import { planNotifications, type Delivery, type NotificationInput, type NotificationPlan } from '../plan.js';
import { buildRequest, type HttpRequest } from '../requests.js';
import { receiverOf, type HttpSender } from './http.js';
import { claimOccurrence } from './ledger.js';
import type { NotificationLabels, NotificationMetrics } from './metrics.js';
import { DeliveryQueue, type RetryPolicy } from './queue.js';
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

  private async occurrence(input: NotificationInput, eventKey: string): Promise<void> {
    const { rollout } = input;
    const namespace = rollout.metadata.namespace ?? 'default';
    const configs = await this.options.source.configsFor(namespace);
    const plan = planNotifications(configs, input, (labels, selector) => labelsMatch(labels, selector));
    for (const problem of plan.conditionProblems) {
      const { trigger, condition, error } = problem;
      this.options.logger.warn(
        { ...where(input), trigger, condition, err: error },
        'trigger condition failed',
      );
    }
    for (const [key, group] of groupByClaim(eventKey, plan)) {
      if (!(await claimOccurrence(this.options.cluster, namespace, rollout.metadata.name, key))) continue;
      for (const problem of group.problems) {
        this.options.metrics.failed(labelsOf(input));
        const { trigger, destination, error } = problem;
        const context = { ...where(input), trigger, service: destination.service, err: error };
        this.options.logger.warn(context, 'notification not sent');
      }
      for (const delivery of group.deliveries) this.queueDelivery(input, delivery);
    }
  }

  private queueDelivery(input: NotificationInput, delivery: Delivery): void {
    const { destination } = delivery;
    // The destination as it can be logged: service, recipient, the receiver's origin (never a path or token).
    const context = {
      ...where(input),
      trigger: delivery.trigger,
      service: destination.service,
      recipient: destination.recipient,
    };
    let request: HttpRequest;
    try {
      request = buildRequest(delivery.service, destination, delivery.notification);
    } catch (err) {
      this.options.metrics.failed(labelsOf(input));
      this.options.logger.warn({ ...context, err: (err as Error).message }, 'notification failed');
      return;
    }
    const receiver = receiverOf(request.url);
    this.queue.push({
      run: async () => {
        await this.options.send(request);
        this.options.metrics.sent(labelsOf(input));
        this.options.logger.info({ ...context, receiver }, 'notification sent');
      },
      giveUp: (err) => {
        this.options.metrics.failed(labelsOf(input));
        this.options.logger.warn({ ...context, receiver, err: err.message }, 'notification failed');
      },
    });
  }
}

/** The plan's deliveries and problems by the key each is claimed under (the event's, or a `oncePer` value's). */
function groupByClaim(
  eventKey: string,
  plan: NotificationPlan,
): Map<string, Omit<NotificationPlan, 'conditionProblems'>> {
  const groups = new Map<string, Omit<NotificationPlan, 'conditionProblems'>>();
  const groupOf = (oncePer: string | undefined) => {
    const key = claimKey(eventKey, oncePer);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { deliveries: [], problems: [] }));
    return group;
  };
  for (const delivery of plan.deliveries) groupOf(delivery.oncePer).deliveries.push(delivery);
  for (const problem of plan.problems) groupOf(problem.oncePer).problems.push(problem);
  return groups;
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
