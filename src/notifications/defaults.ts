/**
 * truesplit's own trigger and template, used when the ConfigMap does not define them: `on-path-divergence` sends
 * `path-divergence`, which names the finding, the objects involved and the fix.
 */
import type { NotificationTemplate, TriggerCondition } from './config.js';
import { PATH_DIVERGENCE_TRIGGER } from './triggers.js';
import { CompiledTemplate } from './template/execute.js';

export const PATH_DIVERGENCE_TEMPLATE = 'path-divergence';

const MESSAGE = `Rollout {{.rollout.metadata.name}} in {{.rollout.metadata.namespace}}: traffic paths diverge from the desired weight.
{{if .finding}}Finding {{.finding.code}}: {{.finding.message}}
Objects: {{join ", " .finding.objects}}
Fix:
{{.finding.fix}}{{else}}{{.event.message}}{{end}}`;

const ATTACHMENTS = `[{
  "title": "{{.rollout.metadata.name}}: traffic paths diverge",
  "color": "#E01E5A",
  "fields": [
    {"title": "Finding", "value": {{if .finding}}{{toJson .finding.code}}{{else}}{{toJson .event.message}}{{end}}, "short": true},
    {"title": "Namespace", "value": {{toJson .rollout.metadata.namespace}}, "short": true}{{if .finding}},
    {"title": "What happens", "value": {{toJson .finding.message}}, "short": false},
    {"title": "Fix", "value": {{toJson .finding.fix}}, "short": false}{{end}}
  ]
}]`;

const BODY = `{"trigger": "on-path-divergence", "rollout": {{toJson .rollout.metadata.name}}, "namespace": {{toJson .rollout.metadata.namespace}}, "reason": {{toJson .event.reason}}, "message": {{toJson .event.message}}{{if .finding}}, "finding": {{toJson .finding}}{{end}}}`;

let compiled: NotificationTemplate | undefined;

/** The default `path-divergence` template; the webhook body applies to every webhook service. */
export function pathDivergenceTemplate(webhookNames: readonly string[]): NotificationTemplate {
  compiled ??= {
    message: new CompiledTemplate(MESSAGE),
    slack: { attachments: new CompiledTemplate(ATTACHMENTS) },
    webhook: {},
  };
  const body = new CompiledTemplate(BODY);
  return {
    ...compiled,
    webhook: Object.fromEntries(webhookNames.map((name) => [name, { method: 'POST', body }])),
  };
}

export const PATH_DIVERGENCE_CONDITIONS: TriggerCondition[] = [{ send: [PATH_DIVERGENCE_TEMPLATE] }];

export function defaultTrigger(trigger: string): TriggerCondition[] | undefined {
  return trigger === PATH_DIVERGENCE_TRIGGER ? PATH_DIVERGENCE_CONDITIONS : undefined;
}
