import { describe, expect, it } from 'vitest';
import { parseNotificationConfig } from './config.js';

const at = (data: Record<string, string>, secret: Record<string, string> = {}) =>
  parseNotificationConfig(
    { namespace: 'truesplit', name: 'argo-rollouts-notification-configmap', data },
    secret,
  );

describe('parseNotificationConfig', () => {
  it('reads templates, triggers, services, subscriptions and default triggers in Argo’s format', () => {
    const config = at(
      {
        'template.done':
          'message: "{{.rollout.metadata.name}} done"\nwebhook:\n  hook:\n    method: POST\n    body: x',
        'trigger.on-rollout-completed': '- send: [done]',
        'service.webhook.hook': 'url: https://hooks.example/$path\nheaders:\n- name: Token\n  value: $token',
        'service.slack': 'token: $slack-token',
        subscriptions:
          '- recipients: [slack:deploys]\n  triggers: [on-rollout-completed]\n  selector: team=payments',
        defaultTriggers: '- on-rollout-completed',
        'defaultTriggers.slack': '- on-rollout-aborted',
      },
      { path: 'p1', token: 's3cret', 'slack-token': 'xoxb-1' },
    );
    expect([...config.templates.keys()]).toEqual(['done']);
    expect(config.templates.get('done')?.webhook.hook?.method).toBe('POST');
    expect(config.triggers.get('on-rollout-completed')).toEqual([{ send: ['done'] }]);
    expect(config.services.get('hook')).toEqual({
      type: 'webhook',
      options: { url: 'https://hooks.example/p1', headers: [{ name: 'Token', value: 's3cret' }] },
    });
    expect(config.services.get('slack')).toEqual({ type: 'slack', options: { token: 'xoxb-1' } });
    expect(config.subscriptions).toEqual([
      { recipients: ['slack:deploys'], triggers: ['on-rollout-completed'], selector: 'team=payments' },
    ]);
    expect([config.defaultTriggers, config.serviceDefaultTriggers]).toEqual([
      ['on-rollout-completed'],
      { slack: ['on-rollout-aborted'] },
    ]);
  });

  it('keeps a $reference the secret does not have (notifications-engine’s rule)', () => {
    expect(at({ 'service.slack': 'token: $missing' }).services.get('slack')?.options).toEqual({
      token: '$missing',
    });
  });

  it.each([
    ['template.x', 'message: "{{.a"', 'key "template.x": message: unclosed action'],
    ['template.y', 'message: "{{nope .a}}"', 'key "template.y": message: function "nope" not defined'],
    ['trigger.on-x', 'send: [a]', 'key "trigger.on-x": a trigger is a list of conditions'],
    ['trigger.on-y', '- send: a', 'key "trigger.on-y": condition 0: send must be a list of strings'],
    ['service.a.b.c', 'url: x', 'key "service.a.b.c": invalid service key'],
    ['subscriptions', 'a: b', 'key "subscriptions": subscriptions must be a list'],
    [
      'trigger.on-z',
      '- when: rollout.status.phase ==\n  send: [a]',
      'key "trigger.on-z": condition 0: when: ',
    ],
    [
      'trigger.on-w',
      '- oncePer: [a]\n  send: [a]',
      'key "trigger.on-w": condition 0: oncePer must be a string',
    ],
  ])('a bad %s names the ConfigMap and the key', (key, value, message) => {
    expect(() => at({ [key]: value })).toThrow(
      `ConfigMap truesplit/argo-rollouts-notification-configmap, ${message}`,
    );
  });

  it('keeps when and oncePer of a trigger condition', () => {
    const config = at({
      'trigger.on-rollout-updated':
        "- when: rollout.status.phase == 'Degraded'\n  oncePer: rollout.status.observedGeneration\n  send: [a]",
    });
    expect(config.triggers.get('on-rollout-updated')).toEqual([
      {
        send: ['a'],
        when: "rollout.status.phase == 'Degraded'",
        oncePer: 'rollout.status.observedGeneration',
      },
    ]);
  });

  it('never puts a secret value in an error', () => {
    let message = '';
    try {
      at({ 'service.slack': 'token: $t', 'template.bad': 'message: "{{"' }, { t: 'xoxb-secret' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('template.bad');
    expect(message).not.toContain('xoxb-secret');
  });
});
