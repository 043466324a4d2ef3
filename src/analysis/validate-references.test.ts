import { describe, expect, it } from 'vitest';
import type { AnalysisTemplate, AnalysisTemplateSpec } from '../api/analysis.js';
import type { Rollout, RolloutAnalysis } from '../api/rollout.js';
import { NO_PROVIDER_MESSAGE } from './supported-providers.js';
import { lookupIn } from './template-refs.js';
import { validateAnalysisReferences } from './validate-references.js';

const tmpl = (name: string, spec: AnalysisTemplateSpec): AnalysisTemplate => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name, namespace: 'shop' },
  spec,
});
const web = { web: { url: 'http://m' } };
const TEMPLATES = lookupIn([
  tmpl('once', { args: [{ name: 'svc' }], metrics: [{ name: 'a', provider: web }] }),
  tmpl('forever', { metrics: [{ name: 'b', interval: '1m', provider: web }] }),
  tmpl('dup', { metrics: [{ name: 'a', provider: web }] }),
  tmpl('datadog', { metrics: [{ name: 'error-rate', provider: { datadog: { query: 'q' } } }] }),
  // What Argo's own AnalysisTemplate CRD leaves of `provider: {truesplit: {…}}`: the key is pruned.
  tmpl('pruned', {
    metrics: [
      { name: 'a', provider: web },
      { name: 'mesh-errors', provider: {} },
    ],
  }),
]);

function rollout(step?: RolloutAnalysis, background?: RolloutAnalysis): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      strategy: {
        canary: {
          steps: [{ setWeight: 10 }, ...(step ? [{ analysis: step }] : [])],
          ...(background ? { analysis: background } : {}),
        },
      },
    },
  };
}

const ref = (...names: string[]) => names.map((templateName) => ({ templateName }));
const SVC = [{ name: 'svc', value: 'web' }];
const STEP = 'spec.strategy.canary.steps[1].analysis.templates';
const BACKGROUND = 'spec.strategy.canary.analysis.templates';

describe('validateAnalysisReferences', () => {
  it.each([
    {
      name: 'a resolvable step analysis',
      rollout: rollout({ templates: ref('once'), args: SVC }),
      errors: [],
    },
    {
      name: 'a missing template',
      rollout: rollout({ templates: ref('gone') }),
      errors: [[STEP, "AnalysisTemplate 'gone' not found"]],
    },
    {
      name: 'an arg the Rollout does not supply',
      rollout: rollout(undefined, { templates: ref('once') }),
      errors: [[BACKGROUND, 'templateNames: [once]: args.svc was not resolved']],
    },
    {
      name: 'a metric in two templates',
      rollout: rollout({ templates: ref('once', 'dup'), args: SVC }),
      errors: [[STEP, "templateNames: [once dup]: two metrics have the same name 'a'"]],
    },
    {
      name: 'a step template that measures forever',
      rollout: rollout({ templates: ref('forever') }),
      errors: [
        [STEP, 'AnalysisTemplate forever has metric b which runs indefinitely. Invalid value for count: '],
      ],
    },
    {
      name: 'a step template with a provider truesplit does not measure with: template, metric and provider named',
      rollout: rollout({ templates: ref('datadog') }),
      errors: [
        [
          STEP,
          "AnalysisTemplate 'datadog' metric 'error-rate': spec.metrics[0].provider.datadog: provider datadog is not supported by truesplit (supported: prometheus, web, job, truesplit)",
        ],
      ],
    },
    {
      name: 'a background template whose provider the API server pruned',
      rollout: rollout(undefined, { templates: ref('pruned') }),
      errors: [
        [
          BACKGROUND,
          `AnalysisTemplate 'pruned' metric 'mesh-errors': spec.metrics[1].provider: ${NO_PROVIDER_MESSAGE}`,
        ],
      ],
    },
    {
      name: 'the same template in the background is fine',
      rollout: rollout(undefined, { templates: ref('forever') }),
      errors: [],
    },
  ])('$name', ({ rollout: r, errors }) => {
    expect(validateAnalysisReferences(r, TEMPLATES).map((e) => [e.field, e.message])).toEqual(errors);
  });
});
