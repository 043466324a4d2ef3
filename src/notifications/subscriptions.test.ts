import { describe, expect, it } from 'vitest';
import { annotationDestinations, globalDestinations } from './subscriptions.js';
import { kebabTrigger, triggerForReason } from './triggers.js';

const defaults = {
  defaultTriggers: ['on-rollout-completed'],
  serviceDefaultTriggers: { hook: ['on-rollout-aborted'] },
};

describe('subscriptions', () => {
  it.each([
    {
      name: 'trigger and service, two recipients',
      annotations: { 'notifications.argoproj.io/subscribe.on-rollout-step-completed.slack': 'a; b;' },
      expected: {
        'on-rollout-step-completed': [
          { service: 'slack', recipient: 'a' },
          { service: 'slack', recipient: 'b' },
        ],
      },
    },
    {
      name: 'an empty value is one empty recipient (webhooks)',
      annotations: { 'notifications.argoproj.io/subscribe.on-rollout-aborted.hook': '' },
      expected: { 'on-rollout-aborted': [{ service: 'hook', recipient: '' }] },
    },
    {
      name: 'service only: the default triggers',
      annotations: { 'notifications.argoproj.io/subscribe.slack': 'c' },
      expected: { 'on-rollout-completed': [{ service: 'slack', recipient: 'c' }] },
    },
    {
      name: 'service only with service default triggers',
      annotations: { 'notifications.argoproj.io/subscribe.hook': '' },
      expected: { 'on-rollout-aborted': [{ service: 'hook', recipient: '' }] },
    },
    {
      name: 'other annotations are ignored',
      annotations: { 'notifications.argoproj.io/other': 'x' },
      expected: {},
    },
  ])('$name', ({ annotations, expected }) => {
    expect(Object.fromEntries(annotationDestinations(annotations, defaults))).toEqual(expected);
  });

  it('config map subscriptions apply to Rollouts whose labels match', () => {
    const config = {
      defaultTriggers: ['on-rollout-completed'],
      subscriptions: [
        { recipients: ['slack:deploys', 'hook'], triggers: [], selector: 'team=payments' },
        { recipients: ['slack:other'], triggers: ['on-rollout-aborted'], selector: 'team=search' },
      ],
    };
    const matches = (labels: Record<string, string>, selector: string) => {
      const [k = '', v] = selector.split('=');
      return labels[k] === v;
    };
    expect(Object.fromEntries(globalDestinations({ team: 'payments' }, config, matches))).toEqual({
      'on-rollout-completed': [
        { service: 'slack', recipient: 'deploys' },
        { service: 'hook', recipient: '' },
      ],
    });
  });
});

describe('trigger names', () => {
  it.each([
    ['RolloutCompleted', 'on-rollout-completed'],
    ['RolloutStepCompleted', 'on-rollout-step-completed'],
    ['RolloutUpdated', 'on-rollout-updated'],
    ['RolloutAborted', 'on-rollout-aborted'],
    ['RolloutPaused', 'on-rollout-paused'],
    ['AnalysisRunFailed', 'on-analysis-run-failed'],
    ['AnalysisRunError', 'on-analysis-run-error'],
    ['AnalysisRunRunning', 'on-analysis-run-running'],
    ['ScalingReplicaSet', 'on-scaling-replica-set'],
    ['InvalidSpec', 'on-invalid-spec'],
    ['TrafficPathsConsistent', 'on-traffic-paths-consistent'],
    ['TrafficPathsInconsistent', 'on-path-divergence'],
  ])('%s → %s', (reason, trigger) => {
    expect(triggerForReason(reason)).toBe(trigger);
  });

  it('applies Go’s two regexps in order, like Argo', () => {
    expect(kebabTrigger('HTTPRouteUpdated')).toBe('on-http-route-updated');
  });
});
