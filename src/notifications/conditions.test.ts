import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCondition } from './conditions.js';
import { parseNotificationConfig, type TriggerCondition } from './config.js';

const catalog = (
  parse(
    readFileSync(new URL('../../test/fixtures/notifications/argo-catalog.yaml', import.meta.url), 'utf8'),
  ) as { data: Record<string, string> }
).data;

const rollout = {
  metadata: { name: 'checkout', namespace: 'shop', generation: 3, labels: { team: 'payments' } },
  spec: { strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } } },
  status: { phase: 'Degraded', currentStepIndex: 1, observedGeneration: '3', abort: true },
};
const vars = {
  rollout,
  event: { type: 'Warning', reason: 'RolloutAborted', message: 'Rollout aborted update to revision 2' },
};

describe('trigger conditions as Argo Rollouts runs them', () => {
  const triggers = Object.keys(catalog).filter((key) => key.startsWith('trigger.'));
  const config = parseNotificationConfig(
    { namespace: 'argo-rollouts', name: 'argo-rollouts-notification-configmap', data: catalog },
    {},
  );

  it('reads the 9 triggers of Argo’s catalog', () => {
    expect(triggers.length).toBe(9);
  });

  it.each(triggers)('catalog %s: a condition without when is always sent', (key) => {
    const conditions = config.triggers.get(key.slice('trigger.'.length)) ?? [];
    expect(conditions.length).toBe(1);
    expect(conditions.map((c) => runCondition(c, vars))).toEqual([{ send: true }]);
  });

  it.each<[string, boolean, string | undefined]>([
    ["rollout.status.phase == 'Degraded'", true, undefined],
    ["rollout.status.phase == 'Healthy'", false, undefined],
    ['rollout.status.currentStepIndex == 1 && rollout.status.abort', true, undefined],
    ["rollout.metadata.labels.team in ['payments', 'search']", true, undefined],
    ['len(rollout.spec.strategy.canary.steps) > rollout.status.currentStepIndex', true, undefined],
    ["event.reason == 'RolloutAborted' and event.message contains 'revision 2'", true, undefined],
    ['rollout.status.pauseConditions == nil', true, undefined],
    // A value that is not a boolean: not sent, as notifications-engine (`ok && boolRes`), and no error.
    ['rollout.status.phase', false, undefined],
    // Errors: not sent, reported for the log.
    ['rollout.status.missing.deeper == 1', false, 'when: cannot fetch deeper from <nil>'],
    ["app.status.sync.status == 'Unknown'", false, 'when: unknown name app'],
    ['rollout.status.phase > 1', false, 'when: invalid operation: string > int'],
  ])('when %s → sent %s', (when, send, error) => {
    const verdict = runCondition({ send: ['t'], when }, vars);
    expect(verdict).toEqual({ send, ...(error ? { error } : {}) });
  });

  it.each<[string, TriggerCondition, { send: boolean; oncePer?: string; error?: string }]>([
    [
      'a string field',
      { send: ['t'], oncePer: 'rollout.status.observedGeneration' },
      { send: true, oncePer: '3' },
    ],
    [
      'a number, printed as Go %v',
      { send: ['t'], oncePer: 'rollout.metadata.generation' },
      { send: true, oncePer: '3' },
    ],
    [
      'an expression',
      { send: ['t'], oncePer: "rollout.metadata.name + '/' + rollout.status.phase" },
      { send: true, oncePer: 'checkout/Degraded' },
    ],
    ['not evaluated when when is false', { send: ['t'], when: 'false', oncePer: 'nope.x' }, { send: false }],
    [
      'an error: sent without oncePer',
      { send: ['t'], oncePer: 'nope.x' },
      { send: true, error: 'oncePer: unknown name nope' },
    ],
  ])('oncePer: %s', (_, condition, verdict) => {
    expect(runCondition(condition, vars)).toEqual(verdict);
  });
});
