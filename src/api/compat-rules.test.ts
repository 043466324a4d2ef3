import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPAT_RULES, compatIssues } from './compat-rules.js';
import type { Rollout } from './rollout.js';

function rollout(edit: (r: Rollout) => void = () => undefined): Rollout {
  const r: Rollout = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'web:1' }] },
      },
      strategy: { canary: { steps: [{ setWeight: 10 }, { pause: {} }] } },
    },
  };
  edit(r);
  return r;
}

const canary = (r: Rollout) => r.spec.strategy.canary!;

describe('compatIssues', () => {
  it.each([
    { name: 'a supported Rollout', rollout: rollout(), issues: [] },
    {
      name: 'experiment step',
      rollout: rollout((r) => canary(r).steps!.push({ experiment: {} })),
      issues: [['spec.strategy.canary.steps[2].experiment', 'held', 'step', 'UnsupportedStep', 2]],
    },
    {
      name: 'plugin steps hold; analysis steps are supported',
      rollout: rollout((r) => canary(r).steps!.unshift({ plugin: { name: 'p' } }, { analysis: {} })),
      issues: [['spec.strategy.canary.steps[0].plugin', 'held', 'step', 'UnsupportedStep', 0]],
    },
    {
      name: 'background analysis and run history limits are supported',
      rollout: rollout((r) => {
        canary(r).analysis = { templates: [], startingStep: 1 };
        r.spec.analysis = { successfulRunHistoryLimit: 2 };
      }),
      issues: [],
    },
    {
      name: 'blueGreen',
      rollout: rollout((r) => (r.spec.strategy = { blueGreen: {} })),
      issues: [['spec.strategy.blueGreen', 'held', 'rollout', 'UnsupportedField', undefined]],
    },
    {
      name: 'routers other than Istio',
      rollout: rollout((r) => (canary(r).trafficRouting = { smi: {}, appMesh: {}, apisix: {} })),
      issues: ['smi', 'appMesh', 'apisix'].map((router) => [
        `spec.strategy.canary.trafficRouting.${router}`,
        'held',
        'rollout',
        'UnsupportedField',
        undefined,
      ]),
    },
    {
      // Held until ADRs 0220 and 0221: a ReplicaSet reference and pingPong raise nothing now.
      name: 'workloadRef to a ReplicaSet, and pingPong',
      rollout: rollout((r) => {
        r.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web' };
        canary(r).pingPong = { pingService: 'ping', pongService: 'pong' };
      }),
      issues: [],
    },
    {
      name: 'scaleDown on a ReplicaSet reference is warned (only a Deployment is scaled)',
      rollout: rollout((r) => {
        r.spec.workloadRef = {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web',
          scaleDown: 'progressively',
        };
      }),
      issues: [['spec.workloadRef.scaleDown', 'warned', undefined, 'UnsupportedField', undefined]],
    },
    {
      name: 'scaleDown on a Deployment reference, or never on a ReplicaSet: nothing',
      rollout: rollout((r) => {
        r.spec.workloadRef = {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'web',
          scaleDown: 'onsuccess',
        };
      }),
      issues: [],
    },
    {
      // Warned until ADRs 0160 and 0170-0173 made them work: no issue for them now.
      name: 'formerly warned fields',
      rollout: rollout((r) => {
        r.metadata.annotations = {
          'notifications.argoproj.io/subscribe.on-rollout-aborted.slack': 'a',
          'other.io/x': 'y',
        };
        r.spec.restartAt = '2026-01-01T00:00:00Z';
        r.spec.rollbackWindow = { revisions: 2 };
        canary(r).antiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: {} };
      }),
      issues: [],
    },
  ])('$name', ({ rollout: r, issues }) => {
    const found = compatIssues(r).map((i) => [i.field, i.support, i.hold, i.reason, i.stepIndex]);
    expect(found).toEqual(issues);
  });

  it('names the field and what happens instead', () => {
    const [issue] = compatIssues(rollout((r) => canary(r).steps!.push({ experiment: {} })));
    expect(issue?.message).toBe(
      'spec.strategy.canary.steps[2].experiment is not supported by truesplit: no Experiment is created; the Rollout holds at this step (phase Paused, condition UnsupportedSpec) until `truesplit promote` skips it',
    );
  });

  it('reads malformed specs without throwing', () => {
    const broken = { ...rollout(), spec: { strategy: { canary: { steps: 'x', trafficRouting: 3 } } } };
    expect(compatIssues(broken as unknown as Rollout)).toEqual([]);
  });
});

describe('the rule table', () => {
  it('finds exactly the warned and held fields; every rule has one row', () => {
    for (const rule of COMPAT_RULES) {
      expect([rule.field, rule.find !== undefined]).toEqual([
        rule.field,
        rule.support === 'warned' || rule.support === 'held',
      ]);
      expect([rule.field, rule.hold !== undefined]).toEqual([rule.field, rule.support === 'held']);
    }
    const fields = COMPAT_RULES.map((rule) => rule.field);
    expect(new Set(fields).size).toBe(fields.length);
  });

  it('links an existing ADR for every documented difference', () => {
    const adrs = readdirSync('docs/adr');
    for (const rule of COMPAT_RULES.filter((r) => r.support === 'difference')) {
      expect([rule.field, adrs.some((file) => file.startsWith(`${rule.adr ?? 'none'}-`))]).toEqual([
        rule.field,
        true,
      ]);
    }
    expect(existsSync('docs/adr')).toBe(true);
  });

  /** Every field of Argo's Rollout spec (pkg/apis/rollouts/v1alpha1/types.go), canary and blueGreen. */
  const ARGO_SPEC_FIELDS = [
    'replicas',
    'selector',
    'template',
    'workloadRef',
    'minReadySeconds',
    'rollbackWindow',
    'strategy.blueGreen',
    'revisionHistoryLimit',
    'paused',
    'progressDeadlineSeconds',
    'progressDeadlineAbort',
    'restartAt',
    'analysis',
    ...[
      'canaryService',
      'stableService',
      'steps[].setWeight',
      'steps[].pause',
      'steps[].experiment',
      'steps[].analysis',
      'steps[].setCanaryScale',
      'steps[].setHeaderRoute',
      'steps[].setMirrorRoute',
      'steps[].plugin',
      'trafficRouting.istio.virtualService',
      'trafficRouting.istio.virtualServices',
      'trafficRouting.istio.destinationRule',
      'trafficRouting.nginx',
      'trafficRouting.alb',
      'trafficRouting.smi',
      'trafficRouting.ambassador',
      'trafficRouting.appMesh',
      'trafficRouting.traefik',
      'trafficRouting.managedRoutes',
      'trafficRouting.apisix',
      'trafficRouting.plugins',
      'trafficRouting.maxTrafficWeight',
      'maxUnavailable',
      'maxSurge',
      'analysis',
      'antiAffinity',
      'canaryMetadata',
      'stableMetadata',
      'scaleDownDelaySeconds',
      'scaleDownDelayRevisionLimit',
      'abortScaleDownDelaySeconds',
      'dynamicStableScale',
      'pingPong',
      'minPodsPerReplicaSet',
      'replicaProgressThreshold',
    ].map((field) => `strategy.canary.${field}`),
  ].map((field) => `spec.${field}`);

  it('has a row for every field of the Argo Rollout spec', () => {
    const fields = new Set(COMPAT_RULES.map((rule) => rule.field));
    expect(ARGO_SPEC_FIELDS.filter((field) => !fields.has(field))).toEqual([]);
  });
});
