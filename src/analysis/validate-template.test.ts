import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validateAnalysisRun, validateAnalysisTemplate } from './validate-template.js';

const prometheus = { address: 'http://prometheus:9090', query: 'sum(rate(x[5m]))' };

function template(metric: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) {
  return {
    spec: {
      args: [{ name: 'service' }],
      metrics: [
        { name: 'success-rate', successCondition: 'result[0] >= 0.95', provider: { prometheus }, ...metric },
      ],
      ...spec,
    },
  };
}

describe('validateAnalysisTemplate', () => {
  it('accepts a well-formed template', () => {
    expect(validateAnalysisTemplate(template())).toEqual([]);
  });

  it.each([
    [
      'a condition that does not parse',
      { successCondition: 'result[0] >=' },
      'spec.metrics[0].successCondition',
      'invalid condition',
    ],
    [
      'a condition naming an unknown variable',
      { failureCondition: 'results[0] > 1' },
      'spec.metrics[0].failureCondition',
      'unknown name results',
    ],
    [
      'an unsupported provider',
      { provider: { datadog: { query: 'q' } } },
      'spec.metrics[0].provider.datadog',
      'provider datadog is not supported by truesplit',
    ],
    [
      'an unknown provider',
      { provider: { nagios: {} } },
      'spec.metrics[0].provider.nagios',
      'unknown provider nagios',
    ],
    ['no provider', { provider: undefined }, 'spec.metrics[0].provider', 'no provider specified'],
    ['an empty provider', { provider: {} }, 'spec.metrics[0].provider', 'no provider specified'],
    [
      'two providers',
      { provider: { prometheus, web: { url: 'http://x' } } },
      'spec.metrics[0].provider',
      'multiple providers',
    ],
    [
      'a prometheus metric without a query',
      { provider: { prometheus: { address: 'http://p' } } },
      'spec.metrics[0].provider.prometheus.query',
      'required',
    ],
    [
      'a bad interval',
      { interval: '5 minutes' },
      'spec.metrics[0].interval',
      'invalid interval string: time: unknown unit',
    ],
    [
      'an interval without unit',
      { interval: '30' },
      'spec.metrics[0].interval',
      'missing unit in duration "30"',
    ],
    [
      'a bad initialDelay',
      { initialDelay: '1d' },
      'spec.metrics[0].initialDelay',
      'invalid startDelay string',
    ],
    ['a negative interval', { interval: '-1m' }, 'spec.metrics[0].interval', 'must not be negative'],
    [
      'count > 1 without interval',
      { count: 3 },
      'spec.metrics[0].count',
      'interval must be specified when count > 1',
    ],
    [
      'count as a numeric string > 1 without interval',
      { count: '3' },
      'spec.metrics[0].count',
      'interval must be specified',
    ],
    ['a count that is not a number', { count: 'three' }, 'spec.metrics[0].count', 'must be an integer'],
    ['a negative failureLimit', { failureLimit: -2 }, 'spec.metrics[0].failureLimit', 'must be >= 0, or -1'],
    [
      'a negative inconclusiveLimit',
      { inconclusiveLimit: -1 },
      'spec.metrics[0].inconclusiveLimit',
      'must be >= 0',
    ],
    [
      'a negative consecutiveErrorLimit',
      { consecutiveErrorLimit: -1 },
      'spec.metrics[0].consecutiveErrorLimit',
      'must be >= 0',
    ],
    [
      'failureLimit -1 without consecutiveSuccessLimit',
      { failureLimit: -1 },
      'spec.metrics[0].failureLimit',
      'cannot both be disabled',
    ],
    [
      'count below the limits',
      { count: 2, interval: '1m', failureLimit: 3 },
      'spec.metrics[0].count',
      'count (2) must be >= failureLimit + consecutiveSuccessLimit (3)',
    ],
    [
      'an undeclared argument',
      { successCondition: 'result > {{args.threshold}}' },
      'spec.metrics[0].successCondition',
      '{{args.threshold}} names an argument the spec does not declare',
    ],
    [
      'an undeclared argument in a provider',
      { provider: { prometheus: { query: 'x{svc="{{ args.svc }}"}' } } },
      'spec.metrics[0].provider.prometheus.query',
      '{{args.svc}}',
    ],
    ['a metric without a name', { name: '' }, 'spec.metrics[0].name', 'required'],
  ])('reports %s', (_name, metric, field, message) => {
    const problems = validateAnalysisTemplate(template(metric));
    expect(problems).toContainEqual({ field, message: expect.stringContaining(message) as unknown });
  });

  it.each([
    ['no metrics', { metrics: [] }, 'spec.metrics', 'no metrics specified'],
    [
      'duplicate metric names',
      { metrics: [template().spec.metrics[0], template().spec.metrics[0]] },
      'spec.metrics[1].name',
      "duplicate name 'success-rate' (also spec.metrics[0])",
    ],
    [
      'args with both value and valueFrom',
      { args: [{ name: 'a', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] },
      'spec.args[0]',
      'mutually exclusive',
    ],
    [
      'a duplicate argument',
      { args: [{ name: 'service' }, { name: 'service' }] },
      'spec.args[1].name',
      "duplicate argument 'service'",
    ],
    [
      'a secretKeyRef without key',
      { args: [{ name: 'service' }, { name: 't', valueFrom: { secretKeyRef: { name: 's' } } }] },
      'spec.args[1].valueFrom.secretKeyRef.key',
      'required',
    ],
    [
      'podTemplateHashValue, which only a Rollout arg has',
      { args: [{ name: 'service', valueFrom: { podTemplateHashValue: 'Stable' } }] },
      'spec.args[0].valueFrom',
      'set exactly one of secretKeyRef, fieldRef (found 0)',
    ],
    [
      'a dryRun rule matching no metric',
      { dryRun: [{ metricName: 'error-rate' }] },
      'spec.dryRun[0].metricName',
      'did not match any metric',
    ],
    [
      'a measurementRetention rule matching no metric',
      { measurementRetention: [{ metricName: 'x', limit: 5 }] },
      'spec.measurementRetention[0].metricName',
      'did not match',
    ],
    [
      'a negative measurementRetention limit',
      { measurementRetention: [{ metricName: 'success', limit: -1 }] },
      'spec.measurementRetention[0].limit',
      'non-negative integer',
    ],
    [
      'a nested template without a name',
      { templates: [{ clusterScope: true }] },
      'spec.templates[0].templateName',
      'required',
    ],
  ])('reports %s', (_name, spec, field, message) => {
    const problems = validateAnalysisTemplate(template({}, spec));
    expect(problems).toContainEqual({ field, message: expect.stringContaining(message) as unknown });
  });

  it.each([
    ['an argument placeholder as count', { count: '{{args.service}}', interval: '1m' }],
    ['an argument placeholder as interval', { interval: '{{args.service}}' }],
    ['an argument placeholder in a condition', { successCondition: 'result[0] >= {{ args.service }}' }],
    [
      'failureLimit -1 with consecutiveSuccessLimit',
      { failureLimit: -1, consecutiveSuccessLimit: 3, count: 3, interval: '1m' },
    ],
    ['a background metric (interval, no count)', { interval: '5m' }],
  ])('accepts %s', (_name, metric) => {
    expect(validateAnalysisTemplate(template(metric))).toEqual([]);
  });

  it('accepts dryRun patterns as Go regular expressions, and a template made only of nested templates', () => {
    expect(validateAnalysisTemplate(template({}, { dryRun: [{ metricName: '.*' }] }))).toEqual([]);
    expect(validateAnalysisTemplate({ spec: { templates: [{ templateName: 'a' }] } })).toEqual([]);
  });
});

describe('validateAnalysisRun', () => {
  it('requires resolved arguments', () => {
    const run = { spec: { ...template().spec, args: [{ name: 'service' }] } };
    expect(validateAnalysisRun(run)).toEqual([
      {
        field: 'spec.args[0]',
        message: "argument service has no value: an AnalysisRun's arguments are resolved",
      },
    ]);
    expect(validateAnalysisRun({ spec: { ...run.spec, args: [{ name: 'service', value: 'x' }] } })).toEqual(
      [],
    );
  });
});

describe("Argo Rollouts' own analysis manifests", () => {
  const root = 'test/fixtures/argo-rollouts';
  const files = yamlFiles(root).filter(
    (file) => !file.includes('expectedfailures') && !file.includes('/crds/'),
  );
  const objects = files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map((doc) => doc.toJS() as { kind?: string; metadata?: { name?: string }; spec?: unknown } | null)
      .filter(
        (o) => o && ['AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun'].includes(o.kind ?? ''),
      )
      .map((o) => ({ file, object: o! })),
  );

  it('are found', () => expect(objects.length).toBeGreaterThan(15));

  it('have no problems but the providers truesplit does not implement', () => {
    const problems = objects.flatMap(({ file, object }) => {
      const found =
        object.kind === 'AnalysisRun' ? validateAnalysisRun(object) : validateAnalysisTemplate(object);
      return found
        .filter((p) => !p.message.includes('is not supported by truesplit'))
        .map((p) => `${file}: ${object.metadata?.name}: ${p.field}: ${p.message}`);
    });
    expect(problems).toEqual([]);
  });
});

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}
