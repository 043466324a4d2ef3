/**
 * Who hears a trigger: `notifications.argoproj.io/subscribe.<trigger>.<service>: <recipient>;<recipient>` annotations
 * on the Rollout (`subscribe.<service>` uses the default triggers) and the ConfigMap's `subscriptions`, by label
 * selector. notifications-engine's rules (pkg/subscriptions, Config.GetGlobalDestinations).
 */
import type { GlobalSubscription, NotificationConfig } from './config.js';

export const SUBSCRIBE_PREFIX = 'notifications.argoproj.io/subscribe.';

export interface Destination {
  service: string;
  recipient: string;
}

/** Destinations by trigger name. */
export type Destinations = Map<string, Destination[]>;

/** Label selector matching, supplied by the caller (the Kubernetes selector grammar lives in kube/). */
export type SelectorMatcher = (labels: Record<string, string>, selector: string) => boolean;

function add(destinations: Destinations, trigger: string, destination: Destination): void {
  const list = destinations.get(trigger) ?? [];
  if (!list.some((d) => d.service === destination.service && d.recipient === destination.recipient))
    list.push(destination);
  destinations.set(trigger, list);
}

function recipientsOf(value: string): string[] {
  if (value === '') return [''];
  return value
    .split(';')
    .map((r) => r.trim())
    .filter((r) => r !== '');
}

/** The Rollout's subscription annotations. */
export function annotationDestinations(
  annotations: Readonly<Record<string, string>> | undefined,
  config: Pick<NotificationConfig, 'defaultTriggers' | 'serviceDefaultTriggers'>,
  into: Destinations = new Map(),
): Destinations {
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (!key.startsWith(SUBSCRIBE_PREFIX)) continue;
    const parts = key.slice(SUBSCRIBE_PREFIX.length).split('.');
    const [trigger, service] = parts.length >= 2 ? [parts[0] ?? '', parts[1] ?? ''] : ['', parts[0] ?? ''];
    const triggers = trigger ? [trigger] : (config.serviceDefaultTriggers[service] ?? config.defaultTriggers);
    for (const recipient of recipientsOf(value))
      for (const t of triggers) add(into, t, { service, recipient });
  }
  return into;
}

function globalMatches(
  sub: GlobalSubscription,
  labels: Record<string, string>,
  matches: SelectorMatcher,
): boolean {
  return sub.selector === '' || matches(labels, sub.selector);
}

/** The ConfigMap's `subscriptions`: `service:recipient` entries for Rollouts whose labels match the selector. */
export function globalDestinations(
  labels: Readonly<Record<string, string>> | undefined,
  config: Pick<NotificationConfig, 'subscriptions' | 'defaultTriggers'>,
  matches: SelectorMatcher,
  into: Destinations = new Map(),
): Destinations {
  for (const sub of config.subscriptions) {
    if (!globalMatches(sub, { ...labels }, matches)) continue;
    const triggers = sub.triggers.length > 0 ? sub.triggers : config.defaultTriggers;
    for (const trigger of triggers)
      for (const entry of sub.recipients) {
        const colon = entry.indexOf(':');
        const service = colon < 0 ? entry : entry.slice(0, colon);
        add(into, trigger, { service, recipient: colon < 0 ? '' : entry.slice(colon + 1) });
      }
  }
  return into;
}
