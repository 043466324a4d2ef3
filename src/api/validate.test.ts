import { describe, expect, it } from 'vitest';
import type { CanaryStrategy, Rollout } from './rollout.js';
import { formatValidationError, validateRollout } from './validate.js';

const CANARY = 'spec.strategy.canary';

/** A valid host-level Istio Rollout; each row breaks exactly one rule. */
function hostRollout(canary: Partial<CanaryStrategy> = {}): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'checkout', namespace: 'shop' },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'checkout' } },
      template: {
        metadata: { labels: { app: 'checkout' } },
        spec: { containers: [{ name: 'app', image: 'app:1' }] },
      },
      strategy: {
        canary: {
          canaryService: 'checkout-canary',
          stableService: 'checkout-stable',
          trafficRouting: {
            istio: { virtualService: { name: 'checkout', routes: ['primary'] } },
            managedRoutes: [{ name: 'hdr' }],
          },
          steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '30s' } }],
          ...canary,
        },
      },
    },
  };
}

function basicRollout(canary: Partial<CanaryStrategy> = {}): Rollout {
  const rollout = hostRollout();
  rollout.spec.strategy = { canary: { steps: [{ setWeight: 41 }, { pause: {} }], ...canary } };
  return rollout;
}

/** Bypass the declared types to put malformed user input where validation must catch it. */
function set(target: object, key: string, value: unknown): void {
  (target as Record<string, unknown>)[key] = value;
}

const istio = { virtualService: { name: 'checkout' } };

interface Row {
  rule: string;
  rollout: () => Rollout;
  field: string;
  message: string;
}

const rows: Row[] = [
  {
    rule: 'no strategy',
    rollout: () => {
      const r = hostRollout();
      r.spec.strategy = {};
      return r;
    },
    field: 'spec.strategy',
    message: 'required: set spec.strategy.canary',
  },
  {
    rule: 'both strategies',
    rollout: () => {
      const r = hostRollout();
      r.spec.strategy.blueGreen = {};
      return r;
    },
    field: 'spec.strategy',
    message: 'canary and blueGreen are mutually exclusive',
  },
  {
    rule: 'neither template nor workloadRef',
    rollout: () => {
      const r = hostRollout();
      delete r.spec.template;
      return r;
    },
    field: 'spec.template',
    message: 'required: set exactly one of template or workloadRef',
  },
  {
    rule: 'template and workloadRef',
    rollout: () => {
      const r = hostRollout();
      r.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' };
      return r;
    },
    field: 'spec.workloadRef',
    message: 'template and workloadRef are mutually exclusive',
  },
  {
    rule: 'workloadRef kind',
    rollout: () => {
      const r = hostRollout();
      delete r.spec.template;
      r.spec.workloadRef = { apiVersion: 'v1', kind: 'Pod', name: 'p' };
      return r;
    },
    field: 'spec.workloadRef.kind',
    message: 'must be one of Deployment, ReplicaSet, PodTemplate',
  },
  {
    rule: 'selector missing',
    rollout: () => {
      const r = hostRollout();
      delete r.spec.selector;
      return r;
    },
    field: 'spec.selector',
    message: 'required',
  },
  {
    rule: 'selector empty',
    rollout: () => {
      const r = hostRollout();
      r.spec.selector = {};
      return r;
    },
    field: 'spec.selector',
    message: 'must not be empty: an empty selector selects every pod',
  },
  {
    rule: 'selector vs template labels',
    rollout: () => {
      const r = hostRollout();
      r.spec.selector = { matchLabels: { app: 'other' } };
      return r;
    },
    field: 'spec.template.metadata.labels',
    message: 'must match spec.selector',
  },
  {
    rule: 'selector expression',
    rollout: () => {
      const r = hostRollout();
      r.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'Exists' }] };
      return r;
    },
    field: 'spec.template.metadata.labels',
    message: 'must match spec.selector',
  },
  {
    rule: 'replicas negative',
    rollout: () => {
      const r = hostRollout();
      r.spec.replicas = -1;
      return r;
    },
    field: 'spec.replicas',
    message: 'must be between 0 and 2147483647',
  },
  {
    rule: 'replicas not integer',
    rollout: () => {
      const r = hostRollout();
      set(r.spec, 'replicas', '3');
      return r;
    },
    field: 'spec.replicas',
    message: 'must be an integer (found a string ("3"))',
  },
  {
    rule: 'same canary and stable service',
    rollout: () => hostRollout({ stableService: 'checkout-canary' }),
    field: `${CANARY}.stableService`,
    message: 'must differ from canaryService',
  },
  {
    rule: 'canaryService missing with routing',
    rollout: () => hostRollout({ canaryService: undefined as unknown as string }),
    field: `${CANARY}.canaryService`,
    message: 'required with trafficRouting (unless Istio subset routing via destinationRule, or pingPong)',
  },
  {
    rule: 'stableService missing with routing',
    rollout: () => {
      const r = hostRollout();
      delete r.spec.strategy.canary!.stableService;
      return r;
    },
    field: `${CANARY}.stableService`,
    message: 'required with trafficRouting (unless Istio subset routing via destinationRule, or pingPong)',
  },
  {
    rule: 'dynamicStableScale without routing',
    rollout: () => basicRollout({ dynamicStableScale: true }),
    field: `${CANARY}.dynamicStableScale`,
    message: 'requires trafficRouting',
  },
  {
    rule: 'minPodsPerReplicaSet without routing',
    rollout: () => basicRollout({ minPodsPerReplicaSet: 2 }),
    field: `${CANARY}.minPodsPerReplicaSet`,
    message: 'requires trafficRouting',
  },
  {
    rule: 'scaleDownDelaySeconds without routing',
    rollout: () => basicRollout({ scaleDownDelaySeconds: 30 }),
    field: `${CANARY}.scaleDownDelaySeconds`,
    message: 'requires trafficRouting',
  },
  {
    rule: 'abortScaleDownDelaySeconds without routing',
    rollout: () => basicRollout({ abortScaleDownDelaySeconds: 0 }),
    field: `${CANARY}.abortScaleDownDelaySeconds`,
    message: 'requires trafficRouting',
  },
  {
    rule: 'setCanaryScale without routing',
    rollout: () => basicRollout({ steps: [{ setCanaryScale: { replicas: 1 } }] }),
    field: `${CANARY}.steps[0].setCanaryScale`,
    message: 'requires trafficRouting',
  },
  {
    rule: 'setHeaderRoute without routing',
    rollout: () => basicRollout({ steps: [{ setHeaderRoute: { name: 'hdr' } }] }),
    field: `${CANARY}.steps[0].setHeaderRoute`,
    message: 'requires trafficRouting',
  },
  {
    rule: 'setMirrorRoute without routing',
    rollout: () => basicRollout({ steps: [{ setMirrorRoute: { name: 'm' } }] }),
    field: `${CANARY}.steps[0].setMirrorRoute`,
    message: 'requires trafficRouting',
  },
  {
    rule: 'scaleDownDelaySeconds with dynamicStableScale',
    rollout: () => hostRollout({ dynamicStableScale: true, scaleDownDelaySeconds: 30 }),
    field: `${CANARY}.scaleDownDelaySeconds`,
    message: 'cannot be used with dynamicStableScale',
  },
  {
    rule: 'step with two kinds',
    rollout: () => hostRollout({ steps: [{ setWeight: 10 }, { setWeight: 20, pause: {} }] }),
    field: `${CANARY}.steps[1]`,
    message: 'sets setWeight and pause: a step must have exactly one kind',
  },
  {
    rule: 'step with no kind',
    rollout: () => hostRollout({ steps: [{}] }),
    field: `${CANARY}.steps[0]`,
    message:
      'must set exactly one of setWeight, pause, setCanaryScale, analysis, experiment, setHeaderRoute, setMirrorRoute, plugin',
  },
  {
    rule: 'setWeight above 100',
    rollout: () => hostRollout({ steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 101 }] }),
    field: `${CANARY}.steps[2].setWeight`,
    message: 'must be between 0 and 100',
  },
  {
    rule: 'setWeight negative',
    rollout: () => hostRollout({ steps: [{ setWeight: -5 }] }),
    field: `${CANARY}.steps[0].setWeight`,
    message: 'must be between 0 and 100',
  },
  {
    rule: 'setWeight not a number',
    rollout: () => {
      const r = hostRollout();
      set(r.spec.strategy.canary!.steps![0]!, 'setWeight', '10');
      return r;
    },
    field: `${CANARY}.steps[0].setWeight`,
    message: 'must be an integer (found a string ("10"))',
  },
  {
    rule: 'pause negative',
    rollout: () => hostRollout({ steps: [{ pause: { duration: -1 } }] }),
    field: `${CANARY}.steps[0].pause.duration`,
    message: 'must be greater than or equal to 0',
  },
  {
    rule: 'pause unparseable',
    rollout: () => hostRollout({ steps: [{ pause: { duration: '10 minutes' } }] }),
    field: `${CANARY}.steps[0].pause.duration`,
    message: 'invalid duration "10 minutes": use seconds (30) or a unit (30s, 5m, 1h)',
  },
  {
    rule: 'pause null',
    rollout: () => {
      const r = hostRollout();
      set(r.spec.strategy.canary!.steps![1]!, 'pause', null);
      return r;
    },
    field: `${CANARY}.steps[1].pause`,
    message: 'must be an object (use pause: {} to wait for promotion)',
  },
  {
    rule: 'maxSurge and maxUnavailable both 0',
    rollout: () => basicRollout({ maxSurge: 0, maxUnavailable: '0%' }),
    field: `${CANARY}.maxUnavailable`,
    message: 'maxSurge and maxUnavailable cannot both be 0',
  },
  {
    rule: 'maxSurge unparseable',
    rollout: () => basicRollout({ maxSurge: 'lots' }),
    field: `${CANARY}.maxSurge`,
    message: 'must be a non-negative integer or a percentage like 25%',
  },
  {
    rule: 'maxUnavailable above 100%',
    rollout: () => basicRollout({ maxUnavailable: '150%' }),
    field: `${CANARY}.maxUnavailable`,
    message: 'must not be greater than 100%',
  },
  {
    rule: 'maxTrafficWeight with Istio',
    rollout: () => hostRollout({ trafficRouting: { istio, maxTrafficWeight: 1000 } }),
    field: `${CANARY}.trafficRouting.maxTrafficWeight`,
    message: 'is not supported with Istio: Istio route weights always total 100',
  },
  {
    rule: 'virtualService and virtualServices',
    rollout: () => hostRollout({ trafficRouting: { istio: { ...istio, virtualServices: [{ name: 'b' }] } } }),
    field: `${CANARY}.trafficRouting.istio`,
    message: 'set exactly one of virtualService or virtualServices',
  },
  {
    rule: 'neither virtualService nor virtualServices',
    rollout: () => hostRollout({ trafficRouting: { istio: {} } }),
    field: `${CANARY}.trafficRouting.istio`,
    message: 'set exactly one of virtualService or virtualServices',
  },
  {
    rule: 'virtualServices entry without name',
    rollout: () =>
      hostRollout({ trafficRouting: { istio: { virtualServices: [{ name: 'a' }, { name: '' }] } } }),
    field: `${CANARY}.trafficRouting.istio.virtualServices[1].name`,
    message: 'required',
  },
  {
    rule: 'destinationRule subsets equal',
    rollout: () =>
      hostRollout({
        trafficRouting: {
          istio: { ...istio, destinationRule: { name: 'dr', canarySubsetName: 's', stableSubsetName: 's' } },
        },
      }),
    field: `${CANARY}.trafficRouting.istio.destinationRule.stableSubsetName`,
    message: 'must differ from canarySubsetName',
  },
  {
    rule: 'header route not in managedRoutes',
    rollout: () =>
      hostRollout({
        steps: [
          { setHeaderRoute: { name: 'other', match: [{ headerName: 'x', headerValue: { exact: '1' } }] } },
        ],
      }),
    field: `${CANARY}.steps[0].setHeaderRoute.name`,
    message: '"other" must be listed in spec.strategy.canary.trafficRouting.managedRoutes',
  },
  {
    rule: 'mirror route not in managedRoutes',
    rollout: () => hostRollout({ steps: [{ setMirrorRoute: { name: 'mirror' } }] }),
    field: `${CANARY}.steps[0].setMirrorRoute.name`,
    message: '"mirror" must be listed in spec.strategy.canary.trafficRouting.managedRoutes',
  },
  {
    rule: 'StringMatch with two values',
    rollout: () =>
      hostRollout({
        steps: [
          {
            setHeaderRoute: {
              name: 'hdr',
              match: [{ headerName: 'x', headerValue: { exact: '1', prefix: '1' } }],
            },
          },
        ],
      }),
    field: `${CANARY}.steps[0].setHeaderRoute.match[0].headerValue`,
    message: 'must set exactly one of exact, prefix or regex',
  },
  {
    rule: 'StringMatch empty in mirror headers',
    rollout: () =>
      hostRollout({ steps: [{ setMirrorRoute: { name: 'hdr', match: [{ headers: { 'x-user': {} } }] } }] }),
    field: `${CANARY}.steps[0].setMirrorRoute.match[0].headers.x-user`,
    message: 'must set exactly one of exact, prefix or regex',
  },
  {
    rule: 'mirror percentage',
    rollout: () => hostRollout({ steps: [{ setMirrorRoute: { name: 'hdr', percentage: 150 } }] }),
    field: `${CANARY}.steps[0].setMirrorRoute.percentage`,
    message: 'must be between 0 and 100',
  },
  {
    rule: 'header route with a non-Istio router',
    rollout: () =>
      hostRollout({
        trafficRouting: { alb: {}, managedRoutes: [{ name: 'hdr' }] },
        steps: [{ setHeaderRoute: { name: 'hdr' } }],
      }),
    field: `${CANARY}.steps[0].setHeaderRoute`,
    message: 'requires Istio traffic routing',
  },
  {
    rule: 'duplicate managed route',
    rollout: () => hostRollout({ trafficRouting: { istio, managedRoutes: [{ name: 'a' }, { name: 'a' }] } }),
    field: `${CANARY}.trafficRouting.managedRoutes[1].name`,
    message: 'duplicate managed route "a"',
  },
  {
    rule: 'setCanaryScale with two settings',
    rollout: () => hostRollout({ steps: [{ setCanaryScale: { replicas: 1, weight: 10 } }] }),
    field: `${CANARY}.steps[0].setCanaryScale`,
    message: 'set exactly one of replicas, weight or matchTrafficWeight',
  },
  {
    rule: 'antiAffinity weight',
    rollout: () =>
      basicRollout({ antiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: { weight: 0 } } }),
    field: `${CANARY}.antiAffinity.preferredDuringSchedulingIgnoredDuringExecution.weight`,
    message: 'must be between 1 and 100',
  },
  {
    rule: 'pingPong services equal',
    rollout: () => hostRollout({ pingPong: { pingService: 'p', pongService: 'p' } }),
    field: `${CANARY}.pingPong.pongService`,
    message: 'must differ from pingService',
  },
];

describe('validateRollout', () => {
  it.each([
    { name: 'host-level Istio', rollout: hostRollout() },
    { name: 'basic canary', rollout: basicRollout({ maxSurge: '25%', maxUnavailable: 0 }) },
    {
      name: 'subset-level Istio without services',
      rollout: hostRollout({
        canaryService: undefined as unknown as string,
        stableService: undefined as unknown as string,
        trafficRouting: {
          istio: {
            ...istio,
            destinationRule: { name: 'dr', canarySubsetName: 'canary', stableSubsetName: 'stable' },
          },
        },
      }),
    },
    {
      name: 'workloadRef instead of template',
      rollout: (() => {
        const r = basicRollout();
        delete r.spec.template;
        r.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout' };
        return r;
      })(),
    },
    {
      // Argo reads the selector from the referenced workload.
      name: 'workloadRef without a selector',
      rollout: (() => {
        const r = basicRollout();
        delete r.spec.template;
        delete r.spec.selector;
        r.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout' };
        return r;
      })(),
    },
    // Valid under Argo, not implemented by truesplit: held with a warning (compat-rules.ts), not rejected.
    {
      name: 'blueGreen',
      rollout: (() => {
        const r = basicRollout();
        r.spec.strategy = { blueGreen: { activeService: 'a' } };
        return r;
      })(),
    },
    { name: 'nginx router', rollout: hostRollout({ trafficRouting: { nginx: { stableIngress: 'i' } } }) },
    {
      name: 'traffic router plugin',
      rollout: hostRollout({ trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': {} } } }),
    },
  ])('accepts a valid Rollout: $name', ({ rollout }) => {
    expect(validateRollout(rollout)).toEqual([]);
  });

  it.each(rows)('rejects: $rule', ({ rollout, field, message }) => {
    const errors = validateRollout(rollout());
    expect(errors).toContainEqual({ object: 'Rollout/shop/checkout', field, message });
  });

  it('reports only the broken rule for each row (rows stay independent)', () => {
    const noisy = rows.filter((row) => validateRollout(row.rollout()).length !== 1).map((row) => row.rule);
    expect(noisy).toEqual([]);
  });

  it('attaches the source location and formats errors compiler-style', () => {
    const [error] = validateRollout(hostRollout({ steps: [{ setWeight: 101 }] }), {
      file: 'examples/x.yaml',
      line: 7,
    });
    expect(error).toBeDefined();
    expect(formatValidationError(error!)).toBe(
      'examples/x.yaml:7: Rollout/shop/checkout: spec.strategy.canary.steps[0].setWeight: must be between 0 and 100',
    );
    expect(formatValidationError({ ...error!, line: undefined as unknown as number })).toBe(
      'examples/x.yaml: Rollout/shop/checkout: spec.strategy.canary.steps[0].setWeight: must be between 0 and 100',
    );
  });
});
