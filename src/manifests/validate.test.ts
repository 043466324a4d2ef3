import { describe, expect, it } from 'vitest';
import { parseManifests } from './loader.js';
import { validateManifests } from './validate.js';

/** A subset-level setup: every row deletes or edits one document and expects one error. */
const DOCS = {
  rollout: `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: front}
  strategy:
    canary:
      canaryService: web-canary
      stableService: web-stable
      trafficRouting:
        istio:
          virtualServices:
            - name: web-vs
            - name: web-mesh.mesh-config.svc.cluster.local
          destinationRule: {name: web-dr, canarySubsetName: canary, stableSubsetName: stable}
      steps:
        - setWeight: 10`,
  canary: `apiVersion: v1
kind: Service
metadata: {name: web-canary, namespace: shop}
spec: {selector: {app: web, rollouts-pod-template-hash: abc}}`,
  stable: `apiVersion: v1
kind: Service
metadata: {name: web-stable, namespace: shop}
spec: {selector: {app: web}}`,
  vs: `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web-vs, namespace: shop}
spec: {hosts: [web]}`,
  meshVs: `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web-mesh, namespace: mesh-config}
spec: {hosts: [web.shop.svc.cluster.local]}`,
  dr: `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web-dr, namespace: shop}
spec: {host: web}`,
};
type Docs = Record<keyof typeof DOCS, string | undefined>;

function validate(edit: (docs: Docs) => void) {
  const docs: Docs = { ...DOCS };
  edit(docs);
  const text = Object.values(docs)
    .filter((doc) => doc !== undefined)
    .join('\n---\n');
  return validateManifests(parseManifests(text, 'web.yaml').objects);
}

const TR = 'spec.strategy.canary.trafficRouting.istio';

describe('validateManifests with references', () => {
  it('accepts a complete input and returns its Rollouts', () => {
    const result = validate(() => undefined);
    expect(result.errors).toEqual([]);
    expect(result.rollouts.map((r) => [r.object.metadata.name, r.file, r.line])).toEqual([
      ['web', 'web.yaml', 1],
    ]);
  });

  it.each([
    {
      rule: 'canary Service missing',
      edit: (d: Docs) => (d.canary = undefined),
      field: 'spec.strategy.canary.canaryService',
      line: 15,
      message: 'Service "web-canary" not found in namespace "shop"',
    },
    {
      rule: 'stable Service in another namespace',
      edit: (d: Docs) => (d.stable = d.stable!.replace('namespace: shop', 'namespace: other')),
      field: 'spec.strategy.canary.stableService',
      line: 16,
      message: 'Service "web-stable" not found in namespace "shop"',
    },
    {
      rule: 'Service selector not matching the template',
      edit: (d: Docs) => (d.stable = d.stable!.replace('{app: web}', '{app: web, tier: back}')),
      field: 'spec.strategy.canary.stableService',
      line: 16,
      message: 'Service "web-stable" selects tier=back, which the pod template labels do not match',
    },
    {
      rule: 'Service managed by another Rollout',
      edit: (d: Docs) =>
        (d.stable = d.stable!.replace(
          'namespace: shop}',
          'namespace: shop, annotations: {argo-rollouts.argoproj.io/managed-by-rollouts: api}}',
        )),
      field: 'spec.strategy.canary.stableService',
      line: 16,
      message: 'Service "web-stable" is managed by Rollout "api"',
    },
    {
      rule: 'VirtualService missing',
      edit: (d: Docs) => (d.vs = undefined),
      field: `${TR}.virtualServices[0].name`,
      line: 20,
      message: 'VirtualService "shop/web-vs" not found',
    },
    {
      rule: 'VirtualService in the named namespace missing',
      edit: (d: Docs) => (d.meshVs = undefined),
      field: `${TR}.virtualServices[1].name`,
      line: 21,
      message: 'VirtualService "mesh-config/web-mesh" not found',
    },
    {
      rule: 'DestinationRule missing',
      edit: (d: Docs) => (d.dr = undefined),
      field: `${TR}.destinationRule.name`,
      line: 22,
      message: 'DestinationRule "shop/web-dr" not found',
    },
  ])('rejects: $rule', ({ edit, field, line, message }) => {
    const result = validate(edit);
    expect(result.errors).toEqual([{ object: 'Rollout/shop/web', field, message, file: 'web.yaml', line }]);
    expect(result.rollouts).toEqual([]);
  });

  it('locates rule errors on the field line and shape errors of other kinds', () => {
    const result = validate((d) => {
      d.rollout = d.rollout!.replace('setWeight: 10', 'setWeight: 110');
      d.dr = d.dr!.replace('spec: {host: web}', 'spec: {subsets: []}');
    });
    expect(result.errors).toEqual([
      {
        object: 'Rollout/shop/web',
        field: 'spec.strategy.canary.steps[0].setWeight',
        message: 'must be between 0 and 100',
        file: 'web.yaml',
        line: 24,
      },
      {
        object: 'DestinationRule/shop/web-dr',
        field: 'spec.host',
        message: 'required',
        file: 'web.yaml',
        line: 49,
      },
    ]);
  });
});
