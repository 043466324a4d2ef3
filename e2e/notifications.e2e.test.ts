/**
 * Notifications on the real control plane, Argo's format unchanged: the notification ConfigMap and Secret in the
 * controller's namespace, `notifications.argoproj.io/subscribe.<trigger>.<service>` annotations on the Rollouts, a
 * local receiver with a webhook endpoint and a Slack-shaped one. `on-rollout-step-completed`, `on-rollout-completed`,
 * `on-rollout-aborted` (behind a `when:` condition) and truesplit's `on-path-divergence` each arrive with their
 * templated bodies exactly once per occurrence at both endpoints — including the occurrence being sent when the
 * controller is SIGKILLed (the receiver holds both requests, the controller dies, a new one takes over).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATH_GATE_ANNOTATION } from '../src/api/labels.ts';
import type { Rollout } from '../src/api/rollout.ts';
import {
  DEMO_CANARY_IMAGE,
  DEMO_NAMESPACE as demoNs,
  DEMO_ROLLOUT as demoName,
  demoObjects,
} from '../src/sandbox/demo.ts';
import type { AppRefs, AppState } from './support/app-state.ts';
import { waitForApp } from './support/app-state.ts';
import type { ControllerProcess } from './support/controller-process.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { READY_DELAY_ANNOTATION, subsetCanary } from './support/fixtures.ts';
import { NotificationReceiver, SLACK_PATH, type Received } from './support/notification-receiver.ts';
import { sleep, waitFor } from './support/wait-for.ts';

const ns = 'notify';
const app: AppRefs = { namespace: ns, name: 'checkout', destinationRule: 'checkout' };
const STEPS = [{ setWeight: 20 }, { pause: { duration: 2 } }, { setWeight: 60 }, { pause: { duration: 2 } }];
const SUBSCRIBE = 'notifications.argoproj.io/subscribe';
const STEP = 'on-rollout-step-completed';
const COMPLETED = 'on-rollout-completed';
const ABORTED = 'on-rollout-aborted';
const DIVERGENCE = 'on-path-divergence';

let env: E2eEnvironment;
let receiver: NotificationReceiver;
let controller: ControllerProcess;

/** A template whose Slack text starts with the trigger and whose webhook body is JSON naming trigger and rollout. */
function template(trigger: string, text: string): string {
  const body = `{"trigger": "${trigger}", "rollout": {{toJson .rollout.metadata.name}}, "hash": {{toJson .rollout.status.currentPodHash}}, "step": {{toJson .rollout.status.currentStepIndex}}}`;
  return [
    `message: '${trigger}: ${text}'`,
    'webhook:',
    '  hook:',
    '    method: POST',
    `    body: '${body}'`,
  ].join('\n');
}

function notificationConfig(): Record<string, string> {
  const of = '{{.rollout.metadata.name}} ({{.rollout.status.currentPodHash}})';
  return {
    'service.webhook.hook': `url: ${receiver.url}/hook\nheaders:\n- name: Content-Type\n  value: application/json`,
    'service.slack': 'webhookURL: $slack-url',
    'template.step-completed': template(
      STEP,
      `Rollout ${of} completed step {{.rollout.status.currentStepIndex}}`,
    ),
    'template.completed': template(COMPLETED, `Rollout ${of} has been completed.`),
    'template.aborted': template(ABORTED, `Rollout ${of} has been aborted: {{.event.message}}`),
    [`trigger.${STEP}`]: '- send: [step-completed]',
    [`trigger.${COMPLETED}`]: '- send: [completed]',
    // Sent only when the condition holds, as notifications-engine evaluates it (expr-lang).
    [`trigger.${ABORTED}`]: [
      '- when: rollout.status.abort == true',
      '  send: [aborted]',
      "- when: rollout.metadata.name == 'someone-else'",
      '  send: [completed]',
    ].join('\n'),
  };
}

function subscriptions(triggers: string[]): Record<string, string> {
  return Object.fromEntries(
    triggers.flatMap((t) => [
      [`${SUBSCRIBE}.${t}.hook`, ''],
      [`${SUBSCRIBE}.${t}.slack`, 'deploys'],
    ]),
  );
}

/** A string field of a received JSON body ('' when absent or not a string). */
function field(r: Received | undefined, key: string): string {
  const value = r?.json?.[key];
  return typeof value === 'string' ? value : '';
}

function triggerOf(r: Received): string {
  if (r.endpoint === 'webhook') return field(r, 'trigger');
  const text = field(r, 'text');
  return text.includes('traffic paths diverge') ? DIVERGENCE : text.split(':')[0]!;
}

/** What tells two notifications apart: the endpoint and the rendered content. */
const identity = (r: Received) => `${r.endpoint} ${r.endpoint === 'slack' ? field(r, 'text') : r.body}`;

const completed = (s: AppState) =>
  s.rollout.status?.observedGeneration === String(s.rollout.metadata.generation ?? 0) &&
  s.phase === 'Healthy' &&
  s.stableHash === s.currentHash &&
  s.stepIndex === STEPS.length;

function countByEndpoint(received: Received[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of received) counts[r.endpoint] = (counts[r.endpoint] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  env = await startEnvironment();
  receiver = await NotificationReceiver.start();
  await env.admin.createNamespace(ns);
  const controllerNs = env.identity.namespace;
  await env.admin.core.createNamespacedConfigMap({
    namespace: controllerNs,
    body: { metadata: { name: 'argo-rollouts-notification-configmap' }, data: notificationConfig() },
  });
  await env.admin.core.createNamespacedSecret({
    namespace: controllerNs,
    body: {
      metadata: { name: 'argo-rollouts-notification-secret' },
      stringData: { 'slack-url': `${receiver.url}${SLACK_PATH}` },
    },
  });
  controller = await env.startController('controller-0');
});

afterAll(async () => {
  await receiver?.close();
  await env?.stop();
});

describe('notifications in Argo’s format', () => {
  let firstHash: string | undefined;
  let secondHash: string | undefined;

  it('revision 1 deploys with the subscriptions in place', async () => {
    const fixture = subsetCanary({ ...app, replicas: 2, readyDelayMs: 300, steps: STEPS });
    fixture.rollout.metadata.annotations = subscriptions([STEP, COMPLETED, ABORTED]);
    await env.admin.createAll(fixture.objects);
    firstHash = (await waitForApp(env.admin, app, 'revision 1 healthy', completed)).stableHash;
  });

  it('revision 2: steps and completion notified, the controller SIGKILLed while a step notification is sent', async () => {
    const newStep = (r: Received) => triggerOf(r) === STEP && !identity(r).includes(String(firstHash));
    receiver.holdWhere(newStep);
    await env.admin.setImage(ns, app.name, 'registry.example/checkout:2');
    const inFlight = await receiver.waitFor('both step notifications in flight', newStep, 2, 60_000);
    await controller.crash();
    receiver.release();
    expect(countByEndpoint(inFlight)).toEqual({ webhook: 1, slack: 1 });
    controller = await env.startController('controller-1');
    const done = await waitForApp(
      env.admin,
      app,
      'revision 2 completed',
      (s) => completed(s) && s.stableHash !== firstHash,
      90_000,
    );
    secondHash = done.stableHash;
    const completions = await receiver.waitFor(
      'revision 2 completion at both endpoints',
      (r) => triggerOf(r) === COMPLETED && identity(r).includes(String(done.stableHash)),
      2,
    );
    expect(countByEndpoint(completions)).toEqual({ webhook: 1, slack: 1 });
    const slack = completions.find((r) => r.endpoint === 'slack')!;
    expect(slack.json).toEqual({
      channel: 'deploys',
      text: `${COMPLETED}: Rollout checkout (${done.stableHash}) has been completed.`,
    });
    const hook = completions.find((r) => r.endpoint === 'webhook')!;
    expect([hook.method, hook.path]).toEqual(['POST', '/hook']);
    expect(hook.json).toMatchObject({ trigger: COMPLETED, rollout: 'checkout', hash: done.stableHash });
  });

  it('revision 3 aborted: on-rollout-aborted, whose when condition holds, arrives at both endpoints', async () => {
    await env.admin.setImage(ns, app.name, 'registry.example/checkout:3');
    await waitForApp(env.admin, app, 'revision 3 started', (s) => s.currentHash !== s.stableHash);
    await env.admin.abort(ns, app.name);
    await waitForApp(env.admin, app, 'aborted', (s) => s.phase === 'Degraded');
    const aborted = await receiver.waitFor('abort notifications', (r) => triggerOf(r) === ABORTED, 2);
    const slack = aborted.find((r) => r.endpoint === 'slack');
    expect(field(slack, 'text')).toMatch(
      /^on-rollout-aborted: Rollout checkout \(\w+\) has been aborted: Rollout aborted update to revision 3/,
    );
  });

  it('on-path-divergence carries the finding and its fix (truesplit’s default template)', async () => {
    const objects = demoObjects().map(({ object }) => {
      if (object.kind !== 'Rollout') return object;
      const rollout = structuredClone(object) as Rollout;
      rollout.metadata.annotations = { [PATH_GATE_ANNOTATION]: 'enforce', ...subscriptions([DIVERGENCE]) };
      const template = rollout.spec.template!;
      template.metadata = { ...template.metadata, annotations: { [READY_DELAY_ANNOTATION]: '300' } };
      return rollout;
    });
    await env.admin.createAll(objects);
    await waitFor(
      'demo revision 1 healthy',
      async () => (await env.admin.rollout(demoNs, demoName)).status?.phase,
      (phase) => phase === 'Healthy',
      { timeoutMs: 60_000 },
    );
    await env.admin.setImage(demoNs, demoName, DEMO_CANARY_IMAGE);
    const diverged = await receiver.waitFor(
      'divergence notifications',
      (r) => triggerOf(r) === DIVERGENCE,
      2,
    );
    const slack = diverged.find((r) => r.endpoint === 'slack');
    const text = field(slack, 'text');
    expect(text).toContain(`Rollout ${demoName} in ${demoNs}: traffic paths diverge`);
    expect(text).toContain('Finding mesh-binding');
    expect(text).toContain('Fix:');
    const hook = diverged.find((r) => r.endpoint === 'webhook');
    expect(hook?.json).toMatchObject({
      trigger: DIVERGENCE,
      rollout: demoName,
      finding: { code: 'mesh-binding' },
    });
  });

  it('every occurrence arrived exactly once at each endpoint, the killed one included', async () => {
    await sleep(3_000); // anything still queued or retried
    const seen = new Map<string, number>();
    for (const r of receiver.received) seen.set(identity(r), (seen.get(identity(r)) ?? 0) + 1);
    const duplicates = [...seen].filter(([, n]) => n > 1);
    expect(duplicates).toEqual([]);
    for (const trigger of [STEP, COMPLETED, ABORTED, DIVERGENCE]) {
      const of = receiver.received.filter((r) => triggerOf(r) === trigger);
      expect(countByEndpoint(of)[`webhook`], trigger).toBe(countByEndpoint(of)['slack']);
      expect(of.length, trigger).toBeGreaterThanOrEqual(2);
    }
    // Revision 2 completed each of its 4 steps once; each step notified once per endpoint, the one being sent when
    // the controller was killed included.
    const rev2Steps = receiver.received.filter(
      (r) => triggerOf(r) === STEP && identity(r).includes(String(secondHash)),
    );
    const stepsAt = (endpoint: string) =>
      rev2Steps
        .filter((r) => r.endpoint === endpoint)
        .map((r) => (endpoint === 'webhook' ? r.json?.step : field(r, 'text').slice(-1)));
    expect(stepsAt('webhook').sort()).toEqual([0, 1, 2, 3]);
    expect(stepsAt('slack').sort()).toEqual(['0', '1', '2', '3']);
    console.log(`notifications received: ${receiver.received.length}`);
    const metrics = await controller.metricsText();
    expect(metrics).toMatch(/^notification_send_success\{[^}]*\} [1-9]/m);
    expect(metrics).not.toMatch(/^notification_send_error\{[^}]*\} [1-9]/m);
  });
});
