import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Rollout } from '../../api/rollout.js';
import { ManualClock } from '../../kube/clock.js';
import { MemoryCluster } from '../../kube/memory-cluster.js';
import { NOTIFIED_ANNOTATION } from '../occurrence.js';
import type { HttpRequest } from '../requests.js';
import { registerNotificationMetrics } from './metrics.js';
import { Notifier, type PassEvents } from './notifier.js';
import { PermanentError } from './queue.js';
import { NotificationConfigSource } from './source.js';

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

const CONFIG = {
  'service.webhook.hook':
    'url: http://receiver.example/hooks\nbasicAuth:\n  username: ci\n  password: $hook-password',
  'service.slack': 'token: $slack-token\napiURL: http://receiver.example/slack/api/',
  'trigger.on-rollout-step-completed': '- send: [step]',
  'template.step': [
    'message: Rollout {{.rollout.metadata.name}} step {{add .rollout.status.currentStepIndex 1}} completed.',
    'webhook:',
    '  hook:',
    '    method: POST',
    '    path: /{{.rollout.metadata.namespace}}',
    '    body: \'{"rollout": {{toJson .rollout.metadata.name}}}\'',
    'slack:',
    '  attachments: \'[{"title": "{{.rollout.metadata.name}}"}]\'',
  ].join('\n'),
};

async function setup(options: { failures?: number; config?: Record<string, string>; refuse?: boolean } = {}) {
  const cluster = new MemoryCluster();
  const clock = new ManualClock(1_000_000);
  for (const name of ['truesplit', 'shop'])
    await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  await cluster.create('ConfigMap', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argo-rollouts-notification-configmap', namespace: 'truesplit' },
    data: { ...CONFIG, ...options.config },
  });
  await cluster.create('Secret', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'argo-rollouts-notification-secret', namespace: 'truesplit' },
    data: { 'hook-password': btoa('pw'), 'slack-token': btoa('xoxb-1') },
  });
  const created = await cluster.create('Rollout', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: 'checkout',
      namespace: 'shop',
      annotations: {
        'notifications.argoproj.io/subscribe.on-rollout-step-completed.hook': '',
        'notifications.argoproj.io/subscribe.on-rollout-step-completed.slack': 'deploys',
      },
    },
    spec: { strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } } },
    status: { currentStepIndex: 0, currentPodHash: 'abc' },
  } as unknown as Rollout);
  // The status the pass observed (created objects get theirs through /status).
  const rollout: Rollout = { ...created, status: { currentStepIndex: 0, currentPodHash: 'abc' } };
  const sent: HttpRequest[] = [];
  let failures = options.failures ?? 0;
  const registry = new Registry();
  const metrics = registerNotificationMetrics(registry);
  const logs: string[] = [];
  const logger = {
    info: (o: object, m: string) => logs.push(`${m} ${JSON.stringify(o)}`),
    warn: (o: object, m: string) => logs.push(`${m} ${JSON.stringify(o)}`),
  };
  const notifier = () =>
    new Notifier({
      cluster,
      clock,
      source: new NotificationConfigSource({
        cluster,
        clock,
        controllerNamespace: 'truesplit',
        selfService: false,
        onInvalid: () => undefined,
      }),
      send: (request) => {
        if (options.refuse) return Promise.reject(new PermanentError('receiver answered 403'));
        if (failures-- > 0) return Promise.reject(new Error('status 503'));
        sent.push(request);
        return Promise.resolve();
      },
      metrics,
      logger,
    });
  return { cluster, clock, rollout, sent, registry, logs, notifier };
}

const STEP_DONE: PassEvents = {
  status: { currentStepIndex: 1, currentPodHash: 'abc' },
  events: [
    { type: 'Normal', reason: 'RolloutStepCompleted', message: 'Rollout step 1/2 completed (setWeight: 20)' },
  ],
};

async function counter(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

describe('Notifier', () => {
  it('sends the templated webhook and Slack notifications of a subscribed trigger, and records the occurrence', async () => {
    const { cluster, rollout, sent, registry, notifier } = await setup();
    const n = notifier();
    n.notify(rollout, STEP_DONE);
    await settle();
    await n.queue.idle();
    const byUrl = Object.fromEntries(sent.map((r) => [r.url, r]));
    expect(Object.keys(byUrl).sort()).toEqual([
      'http://receiver.example/hooks/shop',
      'http://receiver.example/slack/api/chat.postMessage',
    ]);
    expect(byUrl['http://receiver.example/hooks/shop']).toMatchObject({
      method: 'POST',
      body: '{"rollout": "checkout"}',
      headers: { Authorization: `Basic ${btoa('ci:pw')}` },
    });
    const slack = byUrl['http://receiver.example/slack/api/chat.postMessage']!;
    expect(slack.headers.Authorization).toBe('Bearer xoxb-1');
    expect(JSON.parse(slack.body)).toEqual({
      channel: 'deploys',
      text: 'Rollout checkout step 1 completed.',
      attachments: [{ title: 'checkout' }],
    });
    const stored = await cluster.get('Rollout', 'shop', 'checkout');
    expect(stored.metadata.annotations?.[NOTIFIED_ANNOTATION]).toMatch(
      /^RolloutStepCompleted\.abc\.0\.[0-9a-f]{8}$/,
    );
    expect(await counter(registry, 'notification_send_success')).toBe(2);
  });

  it('sends an occurrence at most once, across a restart (a new notifier) and a repeated pass', async () => {
    const { rollout, sent, notifier } = await setup();
    const first = notifier();
    first.notify(rollout, STEP_DONE);
    first.notify(rollout, STEP_DONE);
    await settle();
    await first.queue.idle();
    const second = notifier();
    second.notify(rollout, STEP_DONE);
    await settle();
    await second.queue.idle();
    expect(sent.length).toBe(2);
  });

  it('retries a failed send with exponential backoff, then counts an error when every attempt failed', async () => {
    const retried = await setup({ failures: 2 });
    const n = retried.notifier();
    n.notify(retried.rollout, { ...STEP_DONE });
    await settle();
    expect(retried.sent.length).toBe(0);
    retried.clock.advance(1000);
    await settle();
    retried.clock.advance(2000);
    await settle();
    await n.queue.idle();
    expect(retried.sent.length).toBe(2);

    const failing = await setup({ failures: 100 });
    const m = failing.notifier();
    m.notify(failing.rollout, STEP_DONE);
    for (const ms of [1000, 2000, 4000, 8000, 16000]) {
      await settle();
      failing.clock.advance(ms);
    }
    await settle();
    await m.queue.idle();
    expect(await counter(failing.registry, 'notification_send_error')).toBe(2);
    expect(failing.logs.join('\n')).not.toContain('xoxb-1');
  });

  it('sends truesplit’s default on-path-divergence notification with the finding and its fix', async () => {
    const { cluster, sent, notifier } = await setup();
    const rollout = await cluster.patch('Rollout', 'shop', 'checkout', {
      metadata: { annotations: { 'notifications.argoproj.io/subscribe.on-path-divergence.slack': 'mesh' } },
    });
    const n = notifier();
    n.notify(rollout, {
      status: {
        currentPodHash: 'abc',
        conditions: [{ type: 'TrafficPathsConsistent', status: 'False', reason: 'mesh-binding' }],
      },
      events: [
        {
          type: 'Warning',
          reason: 'TrafficPathsInconsistent',
          message: 'mesh-binding: callers bypass the split',
        },
      ],
      paths: {
        findings: [
          {
            code: 'mesh-binding',
            severity: 'error',
            message: 'callers bypass the split',
            objects: ['Namespace/shop'],
            fix: 'kubectl label ns shop istio-injection=enabled',
            paths: [],
          },
        ],
      },
    } as unknown as PassEvents);
    await settle();
    await n.queue.idle();
    const text = (JSON.parse(sent[0]!.body) as { text: string }).text;
    expect(text).toContain('Finding mesh-binding: callers bypass the split');
    expect(text).toContain('kubectl label ns shop istio-injection=enabled');
  });

  it('sends a condition whose when holds, not one whose when is false or fails (logged, not counted)', async () => {
    const { sent, registry, logs, rollout, notifier } = await setup({
      config: {
        'trigger.on-rollout-step-completed': [
          '- when: rollout.spec.strategy.canary.steps[0].setWeight == 20',
          '  send: [step]',
          "- when: rollout.metadata.name == 'other'",
          '  send: [step]',
          '- when: rollout.status.nothing.here',
          '  send: [step]',
        ].join('\n'),
      },
    });
    const n = notifier();
    n.notify(rollout, STEP_DONE);
    await settle();
    await n.queue.idle();
    expect(sent.length).toBe(2);
    expect(await counter(registry, 'notification_send_error')).toBe(0);
    expect(logs.join('\n')).toContain('trigger condition failed');
    expect(logs.join('\n')).toContain('cannot fetch here from <nil>');
  });

  it('sends a oncePer condition once per value, across events and a restart', async () => {
    const { cluster, sent, rollout, notifier } = await setup({
      config: {
        'trigger.on-rollout-step-completed':
          '- oncePer: rollout.metadata.annotations.release\n  send: [step]',
      },
    });
    const at = (release: string, step: number): [Rollout, PassEvents] => [
      {
        ...rollout,
        metadata: { ...rollout.metadata, annotations: { ...rollout.metadata.annotations, release } },
        status: { currentStepIndex: step, currentPodHash: 'abc' },
      },
      {
        status: { currentStepIndex: step + 1, currentPodHash: 'abc' },
        events: [
          { type: 'Normal', reason: 'RolloutStepCompleted', message: `Rollout step ${step + 1}/2 completed` },
        ],
      },
    ];
    const first = notifier();
    first.notify(...at('r1', 0));
    await settle();
    await first.queue.idle();
    const second = notifier();
    second.notify(...at('r1', 1));
    await settle();
    await second.queue.idle();
    expect(sent.length).toBe(2);
    second.notify(...at('r2', 1));
    await settle();
    await second.queue.idle();
    expect(sent.length).toBe(4);
    const stored = await cluster.get('Rollout', 'shop', 'checkout');
    expect(stored.metadata.annotations?.[NOTIFIED_ANNOTATION]).toMatch(
      /^RolloutStepCompleted\.once\.[0-9a-f]{8} RolloutStepCompleted\.once\.[0-9a-f]{8}$/,
    );
  });

  it('does not retry a receiver that refuses: one error per destination, logged without secrets', async () => {
    const { sent, registry, logs, rollout, clock, notifier } = await setup({ refuse: true });
    const n = notifier();
    n.notify(rollout, STEP_DONE);
    await settle();
    await n.queue.idle();
    expect(clock.pendingTimers()).toBe(0);
    expect(sent.length).toBe(0);
    expect(await counter(registry, 'notification_send_error')).toBe(2);
    const failed = logs.filter((l) => l.startsWith('notification failed'));
    expect(failed.length).toBe(2);
    expect(failed.join('\n')).toContain('"recipient":"deploys","receiver":"http://receiver.example"');
    expect(failed.join('\n')).not.toMatch(/xoxb-1|Basic|hooks\/shop/);
  });
});
