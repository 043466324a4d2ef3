/** A notification's content: the templates a trigger sends, rendered for one destination (notifications-engine). */
import type { NotificationConfig, NotificationTemplate } from './config.js';
import { pathDivergenceTemplate, PATH_DIVERGENCE_TEMPLATE } from './defaults.js';

export interface RenderedNotification {
  message: string;
  slack?: { attachments?: string; blocks?: string; username?: string; icon?: string };
  webhook: Record<string, { method?: string; path?: string; body: string }>;
}

function templateNamed(config: NotificationConfig, name: string): NotificationTemplate | undefined {
  const configured = config.templates.get(name);
  if (configured || name !== PATH_DIVERGENCE_TEMPLATE) return configured;
  const webhooks = [...config.services].filter(([, s]) => s.type === 'webhook').map(([n]) => n);
  return pathDivergenceTemplate(webhooks);
}

function applyTemplate(out: RenderedNotification, template: NotificationTemplate, vars: unknown): void {
  if (template.message) out.message = template.message.execute(vars);
  if (template.slack) {
    const slack = { ...out.slack };
    for (const field of ['attachments', 'blocks', 'username', 'icon'] as const) {
      const compiled = template.slack[field];
      if (compiled) slack[field] = compiled.execute(vars);
    }
    out.slack = slack;
  }
  for (const [name, hook] of Object.entries(template.webhook)) {
    out.webhook[name] = {
      ...(hook.method ? { method: hook.method } : {}),
      ...(hook.path ? { path: hook.path.execute(vars) } : {}),
      body: hook.body ? hook.body.execute(vars) : '',
    };
  }
}

/** Renders the named templates in order (later ones override fields); throws naming a missing or failing template. */
export function renderNotification(
  config: NotificationConfig,
  templates: readonly string[],
  vars: unknown,
): RenderedNotification {
  const out: RenderedNotification = { message: '', webhook: {} };
  for (const name of templates) {
    const template = templateNamed(config, name);
    if (!template) throw new Error(`template '${name}' is not supported`);
    try {
      applyTemplate(out, template, vars);
    } catch (err) {
      throw new Error(`template '${name}': ${(err as Error).message}`);
    }
  }
  return out;
}
