/**
 * What one event of a pass sends: for each notification configuration (the controller's, and the Rollout
 * namespace's with self-service), the trigger's destinations and each one's rendered notification. Pure.
 */
import type { Rollout } from '../api/rollout.js';
import type { Finding } from '../mesh/types.js';
import type { RolloutEvent } from '../rollout/plan-types.js';
import type { NotificationConfig, ServiceConfig, TriggerCondition } from './config.js';
import { runCondition } from './conditions.js';
import { defaultTrigger } from './defaults.js';
import { oncePerDigest } from './occurrence.js';
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

interface Planned {
  trigger: string;
  configNamespace: string;
  destination: Destination;
  /** Set for a condition with `oncePer`: the occurrence is this value's, not the event's (occurrence.ts). */
  oncePer?: string;
}

export interface Delivery extends Planned {
  service: ServiceConfig;
  notification: RenderedNotification;
}

/** A destination that cannot be served: counted as a send error, logged without secrets. */
export interface DeliveryProblem extends Planned {
  error: string;
}

/** A condition whose `when` or `oncePer` failed to evaluate: logged, not counted (Argo only logs it). */
export interface ConditionProblem {
  trigger: string;
  configNamespace: string;
  condition: number;
  error: string;
}

export interface NotificationPlan {
  deliveries: Delivery[];
  problems: DeliveryProblem[];
  conditionProblems: ConditionProblem[];
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

/** The variables of templates and trigger conditions (Argo's `rollout`, plus truesplit's `event` and `finding`). */
function sharedVars(input: NotificationInput): Record<string, unknown> {
  return {
    rollout: input.rollout,
    event: { type: input.event.type, reason: input.event.reason, message: input.event.message },
    ...(input.finding ? { finding: input.finding } : {}),
  };
}

interface ConditionToSend {
  condition: TriggerCondition;
  oncePer?: string;
}

/** The conditions that send for this event (notifications-engine runs the trigger without a destination). */
function conditionsToSend(
  conditions: readonly TriggerCondition[],
  vars: Record<string, unknown>,
  where: { trigger: string; configNamespace: string },
  out: NotificationPlan,
): ConditionToSend[] {
  const sending: ConditionToSend[] = [];
  conditions.forEach((condition, index) => {
    const verdict = runCondition(condition, vars);
    if (verdict.error) out.conditionProblems.push({ ...where, condition: index, error: verdict.error });
    if (!verdict.send) return;
    const oncePer =
      verdict.oncePer === undefined
        ? undefined
        : oncePerDigest(where.configNamespace, where.trigger, index, verdict.oncePer);
    sending.push({ condition, ...(oncePer ? { oncePer } : {}) });
  });
  return sending;
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
  const vars = sharedVars(input);
  const sending = conditionsToSend(conditions, vars, base, out);
  for (const destination of destinations) {
    const service = config.services.get(destination.service);
    if (!service) {
      const error = `notification service '${destination.service}' is not supported`;
      out.problems.push({ ...base, destination, error });
      continue;
    }
    const destinationVars = { ...vars, recipient: destination.recipient, serviceType: destination.service };
    for (const { condition, oncePer } of sending) {
      const planned = { ...base, destination, ...(oncePer ? { oncePer } : {}) };
      try {
        const notification = renderNotification(config, condition.send, destinationVars);
        out.deliveries.push({ ...planned, service, notification });
      } catch (err) {
        out.problems.push({ ...planned, error: (err as Error).message });
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
  const plan: NotificationPlan = { deliveries: [], problems: [], conditionProblems: [] };
  for (const config of configs) planForConfig(config, input, matches, plan);
  return plan;
}
