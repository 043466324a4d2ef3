/**
 * What one event of a pass sends: for each notification configuration (the controller's, and the Rollout
 * namespace's with self-service), the trigger's destinations and each one's rendered notification. Pure.
 */
import type { Rollout } from '../api/rollout.js';
import type { Finding } from '../mesh/types.js';
import type { RolloutEvent } from '../rollout/plan-types.js';
import type { NotificationConfig, ServiceConfig } from './config.js';
import { defaultTrigger } from './defaults.js';
import { renderNotification, type RenderedNotification } from './render.js';
import {
  annotationDestinations,
  globalDestinations,
  type Destination,
  type SelectorMatcher,
} from './subscriptions.js';
import { triggerForReason } from './triggers.js';

export interface NotificationInput {
  /** The Rollout as the pass observed it (Argo sends the object the event was recorded against). */
  rollout: Rollout;
  event: RolloutEvent;
  /** The first error finding of the pass's path evaluation, for `on-path-divergence`. */
  finding?: Pick<Finding, 'code' | 'message' | 'fix' | 'objects'>;
}

export interface Delivery {
  trigger: string;
  configNamespace: string;
  destination: Destination;
  service: ServiceConfig;
  notification: RenderedNotification;
}

/** A destination that cannot be served: counted as a send error, logged without secrets. */
export interface DeliveryProblem {
  trigger: string;
  configNamespace: string;
  destination: Destination;
  error: string;
}

export interface NotificationPlan {
  deliveries: Delivery[];
  problems: DeliveryProblem[];
}

function destinationsFor(
  config: NotificationConfig,
  rollout: Rollout,
  trigger: string,
  matches: SelectorMatcher,
) {
  const all = globalDestinations(rollout.metadata.labels, config, matches);
  annotationDestinations(rollout.metadata.annotations, config, all);
  return all.get(trigger) ?? [];
}

function templateVars(input: NotificationInput, destination: Destination): Record<string, unknown> {
  return {
    rollout: input.rollout,
    recipient: destination.recipient,
    serviceType: destination.service,
    event: { type: input.event.type, reason: input.event.reason, message: input.event.message },
    ...(input.finding ? { finding: input.finding } : {}),
  };
}

function planForConfig(
  config: NotificationConfig,
  input: NotificationInput,
  matches: SelectorMatcher,
  out: NotificationPlan,
): void {
  const trigger = triggerForReason(input.event.reason);
  const destinations = destinationsFor(config, input.rollout, trigger, matches);
  const conditions = config.triggers.get(trigger) ?? defaultTrigger(trigger);
  if (destinations.length === 0 || !conditions) return;
  const base = { trigger, configNamespace: config.namespace };
  for (const destination of destinations) {
    const service = config.services.get(destination.service);
    if (!service) {
      out.problems.push({
        ...base,
        destination,
        error: `notification service '${destination.service}' is not supported`,
      });
      continue;
    }
    for (const condition of conditions) {
      if (condition.when) {
        const error = `trigger '${trigger}': conditions with 'when' are not evaluated; not sent`;
        out.problems.push({ ...base, destination, error });
        continue;
      }
      try {
        const notification = renderNotification(config, condition.send, templateVars(input, destination));
        out.deliveries.push({ ...base, destination, service, notification });
      } catch (err) {
        out.problems.push({ ...base, destination, error: (err as Error).message });
      }
    }
  }
}

/** The deliveries of one event over every configuration in force. */
export function planNotifications(
  configs: readonly NotificationConfig[],
  input: NotificationInput,
  matches: SelectorMatcher,
): NotificationPlan {
  const plan: NotificationPlan = { deliveries: [], problems: [] };
  for (const config of configs) planForConfig(config, input, matches, plan);
  return plan;
}
