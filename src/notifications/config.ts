/**
 * The notification configuration in Argo's format (notifications-engine): the `argo-rollouts-notification-configmap`
 * keys `template.<name>`, `trigger.<name>`, `service.<type>[.<name>]`, `subscriptions`, `defaultTriggers[.<service>]`,
 * with `$key` references resolved from `argo-rollouts-notification-secret`. Pure: the ConfigMap and Secret are inputs.
 */
import { parse as parseYaml } from 'yaml';
import { parseCondition } from '../analysis/condition/index.js';
import { CompiledTemplate } from './template/execute.js';

export const NOTIFICATION_CONFIGMAP = 'argo-rollouts-notification-configmap';
export const NOTIFICATION_SECRET = 'argo-rollouts-notification-secret';

export class NotificationConfigError extends Error {}

export interface SlackTemplate {
  attachments?: CompiledTemplate;
  blocks?: CompiledTemplate;
  username?: CompiledTemplate;
  icon?: CompiledTemplate;
}

export interface WebhookTemplate {
  method?: string;
  path?: CompiledTemplate;
  body?: CompiledTemplate;
}

export interface NotificationTemplate {
  message?: CompiledTemplate;
  slack?: SlackTemplate;
  /** Keyed by the webhook service's name. */
  webhook: Record<string, WebhookTemplate>;
}

export interface TriggerCondition {
  send: string[];
  /** An expr-lang condition over the template variables; absent: always sent (Argo Rollouts' rule). */
  when?: string;
  /** An expr-lang expression: the condition is sent once per value of it (notifications-engine's `oncePer`). */
  oncePer?: string;
}

export interface ServiceConfig {
  type: string;
  /** The service's options with `$key` secret references resolved. Never logged. */
  options: Record<string, unknown>;
}

export interface GlobalSubscription {
  recipients: string[];
  triggers: string[];
  selector: string;
}

export interface NotificationConfig {
  /** Where the ConfigMap lives: the controller's namespace, or the Rollout's (self-service). */
  namespace: string;
  templates: Map<string, NotificationTemplate>;
  triggers: Map<string, TriggerCondition[]>;
  services: Map<string, ServiceConfig>;
  subscriptions: GlobalSubscription[];
  defaultTriggers: string[];
  serviceDefaultTriggers: Record<string, string[]>;
}

type Data = Readonly<Record<string, string>>;

function record(value: unknown, what: string): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new NotificationConfigError(`${what} must be a map`);
  return value as Record<string, unknown>;
}

function stringList(value: unknown, what: string): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new NotificationConfigError(`${what} must be a list of strings`);
  return value as string[];
}

function compile(value: unknown, field: string): CompiledTemplate | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new NotificationConfigError(`${field} must be a string`);
  try {
    return new CompiledTemplate(value);
  } catch (err) {
    throw new NotificationConfigError(`${field}: ${(err as Error).message}`);
  }
}

function parseTemplateEntry(source: string): NotificationTemplate {
  const doc = record(parseYaml(source), 'the template');
  const slack = doc.slack === undefined ? undefined : record(doc.slack, 'slack');
  const webhook: Record<string, WebhookTemplate> = {};
  for (const [name, value] of Object.entries(record(doc.webhook, 'webhook'))) {
    const hook = record(value, `webhook.${name}`);
    if (hook.method !== undefined && typeof hook.method !== 'string')
      throw new NotificationConfigError(`webhook.${name}.method must be a string`);
    webhook[name] = {
      ...(typeof hook.method === 'string' ? { method: hook.method } : {}),
      ...optional('path', compile(hook.path, `webhook.${name}.path`)),
      ...optional('body', compile(hook.body, `webhook.${name}.body`)),
    };
  }
  return {
    ...optional('message', compile(doc.message, 'message')),
    ...(slack ? { slack: parseSlackTemplate(slack) } : {}),
    webhook,
  };
}

function parseSlackTemplate(slack: Record<string, unknown>): SlackTemplate {
  const fields = ['attachments', 'blocks', 'username', 'icon'] as const;
  const result: SlackTemplate = {};
  for (const field of fields) {
    const compiled = compile(slack[field], `slack.${field}`);
    if (compiled) result[field] = compiled;
  }
  return result;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** An optional expr-lang field of a condition; one that does not parse makes the configuration invalid. */
function expression(condition: Record<string, unknown>, field: string, i: number): string | undefined {
  const value = condition[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new NotificationConfigError(`condition ${i}: ${field} must be a string`);
  if (value.trim() === '') return undefined;
  const parsed = parseCondition(value);
  if (!parsed.ok) throw new NotificationConfigError(`condition ${i}: ${field}: ${parsed.error}`);
  return value;
}

function parseTrigger(source: string): TriggerCondition[] {
  const doc: unknown = parseYaml(source);
  if (!Array.isArray(doc)) throw new NotificationConfigError('a trigger is a list of conditions');
  return doc.map((entry, i) => {
    const condition = record(entry, `condition ${i}`);
    const send = stringList(condition.send, `condition ${i}: send`);
    const when = expression(condition, 'when', i);
    const oncePer = expression(condition, 'oncePer', i);
    return { send, ...(when ? { when } : {}), ...(oncePer ? { oncePer } : {}) };
  });
}

const SECRET_REFERENCE = /\$[\w-]+/g;

/** notifications-engine's rule: every `$key` in a string value is replaced by the secret's key (kept when absent). */
function resolveSecrets(value: unknown, secret: Data): unknown {
  if (typeof value === 'string') return value.replace(SECRET_REFERENCE, (ref) => secret[ref.slice(1)] ?? ref);
  if (Array.isArray(value)) return value.map((v) => resolveSecrets(v, secret));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveSecrets(v, secret)]));
  return value;
}

function parseService(key: string, source: string, secret: Data): [name: string, service: ServiceConfig] {
  const parts = key.split('.');
  if (parts.length !== 2 && parts.length !== 3)
    throw new NotificationConfigError(`invalid service key; expected 'service.<type>(.<name>)'`);
  const type = parts[1] ?? '';
  const name = parts[2] ?? type;
  const options = record(resolveSecrets(parseYaml(source), secret), 'the service options');
  return [name, { type, options }];
}

function parseSubscriptions(source: string): GlobalSubscription[] {
  const doc: unknown = parseYaml(source);
  if (!Array.isArray(doc)) throw new NotificationConfigError('subscriptions must be a list');
  return doc.map((entry, i) => {
    const sub = record(entry, `subscription ${i}`);
    const selector = sub.selector ?? '';
    if (typeof selector !== 'string')
      throw new NotificationConfigError(`subscription ${i}: selector must be a string`);
    return {
      recipients: stringList(sub.recipients, `subscription ${i}: recipients`),
      triggers: stringList(sub.triggers, `subscription ${i}: triggers`),
      selector,
    };
  });
}

function emptyConfig(namespace: string): NotificationConfig {
  return {
    namespace,
    templates: new Map(),
    triggers: new Map(),
    services: new Map(),
    subscriptions: [],
    defaultTriggers: [],
    serviceDefaultTriggers: {},
  };
}

function applyKey(config: NotificationConfig, key: string, value: string, secret: Data): void {
  if (key.startsWith('template.')) config.templates.set(key.slice(9), parseTemplateEntry(value));
  else if (key.startsWith('trigger.')) config.triggers.set(key.slice(8), parseTrigger(value));
  else if (key.startsWith('service.')) config.services.set(...parseService(key, value, secret));
  else if (key === 'subscriptions') config.subscriptions = parseSubscriptions(value);
  else if (key === 'defaultTriggers')
    config.defaultTriggers = stringList(parseYaml(value), 'defaultTriggers');
  else if (key.startsWith('defaultTriggers.'))
    config.serviceDefaultTriggers[key.slice(16)] = stringList(parseYaml(value), key);
}

/**
 * Parses the ConfigMap's data with the Secret's decoded values. Any bad key makes the whole configuration invalid
 * (as in notifications-engine); the error names the ConfigMap and the key, never a secret value.
 */
export function parseNotificationConfig(
  configMap: { namespace: string; name: string; data: Data },
  secret: Data,
): NotificationConfig {
  const config = emptyConfig(configMap.namespace);
  for (const key of Object.keys(configMap.data).sort()) {
    try {
      applyKey(config, key, configMap.data[key] ?? '', secret);
    } catch (err) {
      const where = `ConfigMap ${configMap.namespace}/${configMap.name}, key "${key}"`;
      throw new NotificationConfigError(`${where}: ${(err as Error).message}`);
    }
  }
  return config;
}
