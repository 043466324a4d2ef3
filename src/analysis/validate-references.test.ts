import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/meta.js';
import type { Rollout, RolloutAnalysis } from '../api/rollout.js';
import { validateAnalysisReferences } from './validate-references.js';

const web = { web: { url: 'http://metrics/x' } };

function rollout(step: RolloutAnalysis, namespace = 'shop'): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'checkout', namespace },
    spec: {
      selector: {},
      template: {},
      strategy: { canary: { steps: [{ setWeight: 10 }, { analysis: step }] } },
    },
  } as unknown as Rollout;
}

function template(
  name: string,
  spec: Record<string, unknown>,
  kind = 'AnalysisTemplate',
  namespace?: string,
) {
  const metadata = namespace === undefined ? { name } : { name, namespace };
  return { apiVersion: 'argoproj.io/v1alpha1', kind, metadata, spec } as KubeObject;
}

const metric = (name: string, extra: Record<string, unknown> = {}) => ({ name, provider: web, ...extra });
const FIELD = 'spec.strategy.canary.steps[1].analysis';

describe('validateAnalysisReferences', () => {
  it('finds an AnalysisTemplate in the Rollout’s namespace and a ClusterAnalysisTemplate by clusterScope', () => {
    const objects = [
      template('a', { metrics: [metric('a')] }, 'AnalysisTemplate', 'shop'),
      template('b', { metrics: [metric('b')] }, 'ClusterAnalysisTemplate'),
    ];
    const step = { templates: [{ templateName: 'a' }, { templateName: 'b', clusterScope: true }] };
    expect(validateAnalysisReferences(rollout(step), objects)).toEqual({ errors: [], warnings: [] });
  });

  it('warns for a template of another namespace, or of the other scope, as for one absent', () => {
    const objects = [template('a', { metrics: [metric('a')] }, 'AnalysisTemplate', 'other')];
    const step = { templates: [{ templateName: 'a' }, { templateName: 'a', clusterScope: true }] };
    const { errors, warnings } = validateAnalysisReferences(rollout(step), objects);
    expect(errors).toEqual([]);
    expect(warnings.map((w) => w.field)).toEqual([`${FIELD}.templates[0]`, `${FIELD}.templates[1]`]);
    expect(warnings[1]?.message).toBe(
      'ClusterAnalysisTemplate "a" is not in the input: it must exist in the cluster',
    );
  });

  it('requires the arguments of nested templates too, and accepts them from the Rollout', () => {
    const objects = [
      template('outer', { templates: [{ templateName: 'inner', clusterScope: true }] }),
      template('inner', { args: [{ name: 'svc' }], metrics: [metric('m')] }, 'ClusterAnalysisTemplate'),
    ];
    const missing = validateAnalysisReferences(rollout({ templates: [{ templateName: 'outer' }] }), objects);
    expect(missing.errors).toEqual([
      {
        field: `${FIELD}.args`,
        message: 'argument "svc" required by ClusterAnalysisTemplate "inner" is not supplied',
      },
    ]);
    const supplied = { templates: [{ templateName: 'outer' }], args: [{ name: 'svc', value: 'checkout' }] };
    expect(validateAnalysisReferences(rollout(supplied), objects).errors).toEqual([]);
  });

  it('refuses an invalid template, and in a step a metric that never ends; background analysis may run forever', () => {
    const objects = [
      template('bad', { metrics: [metric('m', { successCondition: 'result >' })] }),
      template('forever', { metrics: [metric('m', { interval: '1m' })] }),
    ];
    const step = validateAnalysisReferences(rollout({ templates: [{ templateName: 'bad' }] }), objects);
    expect(step.errors[0]?.message).toBe('AnalysisTemplate "bad" is invalid (1 problem, listed under it)');
    const forever = validateAnalysisReferences(
      rollout({ templates: [{ templateName: 'forever' }] }),
      objects,
    );
    expect(forever.errors[0]?.message).toContain('which runs indefinitely');
    const background = rollout({ templates: [] });
    background.spec.strategy.canary = { analysis: { templates: [{ templateName: 'forever' }] } };
    expect(validateAnalysisReferences(background, objects)).toEqual({ errors: [], warnings: [] });
  });
});
