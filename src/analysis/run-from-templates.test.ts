import { describe, expect, it } from 'vitest';
import type { AnalysisTemplate, AnalysisTemplateSpec, Metric, TemplateArg } from '../api/analysis.js';
import type { Rollout } from '../api/rollout.js';
import { rolloutRunArgs } from './rollout-args.js';
import { analysisRunForRollout, rolloutRunName } from './rollout-run.js';
import { analysisRunFromTemplates, flattenTemplates, mergeArgs } from './run-from-templates.js';
import { lookupIn, resolveTemplateRefs } from './template-refs.js';

const metric = (name: string): Metric => ({ name, provider: { web: { url: 'http://m' } } });

function tmpl(
  name: string,
  spec: AnalysisTemplateSpec,
  kind: AnalysisTemplate['kind'] = 'AnalysisTemplate',
): AnalysisTemplate {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind,
    metadata: { name, ...(kind === 'AnalysisTemplate' ? { namespace: 'shop' } : {}) },
    spec,
  };
}

const set = (...templates: AnalysisTemplate[]) => ({
  templates: templates.filter((t) => t.kind === 'AnalysisTemplate'),
  clusterTemplates: templates.filter((t) => t.kind === 'ClusterAnalysisTemplate'),
});

describe('flattenTemplates (Argo FlattenTemplates)', () => {
  it.each([
    {
      name: 'namespaced metrics first, then cluster ones',
      templates: [
        tmpl('c', { metrics: [metric('c1')] }, 'ClusterAnalysisTemplate'),
        tmpl('a', { metrics: [metric('a1')] }),
      ],
      metrics: ['a1', 'c1'],
    },
    {
      name: 'a metric name used twice',
      templates: [tmpl('a', { metrics: [metric('m')] }), tmpl('b', { metrics: [metric('m')] })],
      error: "two metrics have the same name 'm'",
    },
    {
      name: 'an arg with two values',
      templates: [
        tmpl('a', { args: [{ name: 'x', value: '1' }] }),
        tmpl('b', { args: [{ name: 'x', value: '2' }] }),
      ],
      error: "Argument `x` specified multiple times with different values: '1', '2'",
    },
    {
      name: 'a dry-run rule twice',
      templates: [tmpl('a', { dryRun: [{ metricName: 'm' }] }), tmpl('b', { dryRun: [{ metricName: 'm' }] })],
      error: "two Dry-Run metric rules have the same name 'm'",
    },
    {
      name: 'a retention rule twice',
      templates: [
        tmpl('a', { measurementRetention: [{ metricName: 'm', limit: 1 }] }),
        tmpl('b', { measurementRetention: [{ metricName: 'm', limit: 2 }] }),
      ],
      error: "two Measurement Retention metric rules have the same name 'm'",
    },
  ])('$name', ({ templates, metrics, error }) => {
    const result = flattenTemplates(set(...templates));
    if (error) expect(result).toEqual({ ok: false, error });
    else expect(result.ok && result.value.metrics.map((m) => m.name)).toEqual(metrics);
  });

  it('a value is never replaced by no value; no value is replaced by a value', () => {
    const result = flattenTemplates(
      set(
        tmpl('a', { args: [{ name: 'x', value: '1' }, { name: 'y' }] }),
        tmpl('b', { args: [{ name: 'x' }, { name: 'y', value: '2' }] }),
      ),
    );
    expect(result.ok && result.value.args).toEqual([
      { name: 'x', value: '1' },
      { name: 'y', value: '2' },
    ]);
  });
});

describe('mergeArgs (Argo MergeArgs)', () => {
  const secret = { name: 's', valueFrom: { secretKeyRef: { name: 'sec', key: 'k' } } };
  it.each<{
    name: string;
    incoming: TemplateArg[];
    template: TemplateArg[];
    out?: TemplateArg[];
    error?: string;
  }>([
    {
      name: 'incoming values override; args the template does not declare are dropped',
      incoming: [
        { name: 'a', value: 'new' },
        { name: 'extra', value: 'x' },
      ],
      template: [
        { name: 'a', value: 'old' },
        { name: 'b', value: 'b' },
      ],
      out: [
        { name: 'a', value: 'new' },
        { name: 'b', value: 'b' },
      ],
    },
    {
      name: 'secretKeyRef args stay valueFrom, never resolved',
      incoming: [],
      template: [secret],
      out: [secret],
    },
    {
      name: 'an arg left without value',
      incoming: [],
      template: [{ name: 'service' }],
      error: 'args.service was not resolved',
    },
  ])('$name', ({ incoming, template, out, error }) => {
    expect(mergeArgs(incoming, template)).toEqual(error ? { ok: false, error } : { ok: true, value: out });
  });
});

describe('resolveTemplateRefs', () => {
  const lookup = lookupIn([
    tmpl('outer', { templates: [{ templateName: 'inner' }, { templateName: 'global', clusterScope: true }] }),
    tmpl('inner', { metrics: [metric('i')] }),
    tmpl(
      'global',
      { metrics: [metric('g')], templates: [{ templateName: 'inner' }] },
      'ClusterAnalysisTemplate',
    ),
    tmpl('loop', { templates: [{ templateName: 'loop' }] }),
  ]);
  const field = 'spec.strategy.canary.analysis.templates';

  it('follows nested templates, each template once', () => {
    const result = resolveTemplateRefs(lookup, 'shop', [{ templateName: 'outer' }], field);
    expect(result.ok && result.set.templates.map((t) => t.metadata.name)).toEqual(['outer', 'inner']);
    expect(result.ok && result.set.clusterTemplates.map((t) => t.metadata.name)).toEqual(['global']);
  });

  it.each([
    { ref: { templateName: 'nope' }, message: "AnalysisTemplate 'nope' not found", missing: true },
    {
      ref: { templateName: 'nope', clusterScope: true },
      message: "ClusterAnalysisTemplate 'nope' not found",
      missing: true,
    },
    {
      ref: { templateName: 'loop' },
      message: 'nested templates form a cycle: AnalysisTemplate/loop → AnalysisTemplate/loop',
      at: 'spec.templates',
    },
  ])('$message', ({ ref, message, at, missing }) => {
    expect(resolveTemplateRefs(lookup, 'shop', [ref], field)).toEqual({
      ok: false,
      error: { field: at ?? field, value: ref.templateName, message, ...(missing ? { missing } : {}) },
    });
  });

  it('reads namespaced templates from the Rollout’s namespace only', () => {
    expect(resolveTemplateRefs(lookup, 'other', [{ templateName: 'inner' }], field).ok).toBe(false);
  });
});

const rollout: Rollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'u-1',
    labels: { team: 'pay' },
    annotations: { region: 'eu' },
  },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } },
    strategy: { canary: { steps: [] } },
  },
};

describe('rolloutRunArgs (Argo BuildArgumentsForRolloutAnalysisRun)', () => {
  const hashes = { latest: 'new1', stable: 'old1' };
  it.each([
    { arg: { name: 'a', value: 'v' }, value: 'v' },
    { arg: { name: 'a', valueFrom: { podTemplateHashValue: 'Latest' as const } }, value: 'new1' },
    { arg: { name: 'a', valueFrom: { podTemplateHashValue: 'Stable' as const } }, value: 'old1' },
    { arg: { name: 'a', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } }, value: 'pay' },
    {
      arg: { name: 'a', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['region']" } } },
      value: 'eu',
    },
    { arg: { name: 'a', valueFrom: { fieldRef: { fieldPath: "metadata.labels['none']" } } }, value: '' },
    { arg: { name: 'a', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, value: 'web' },
    {
      arg: { name: 'a', valueFrom: { fieldRef: { fieldPath: 'spec.template.spec.containers[0].image' } } },
      value: 'web:2',
    },
    {
      arg: { name: 'a', valueFrom: { fieldRef: { fieldPath: 'spec.template.spec' } } },
      error: 'args.a: path spec.template.spec in rollout must terminate in a primitive value',
    },
    {
      arg: { name: 'a', valueFrom: { fieldRef: { fieldPath: 'spec.nothing' } } },
      error: 'args.a: invalid path spec.nothing in rollout',
    },
    {
      arg: { name: 'a', valueFrom: { fieldRef: { fieldPath: 'metadata.generation' } } },
      error: 'args.a: unsupported fieldPath: metadata.generation',
    },
  ])('$arg.name ← $value$error', ({ arg, value, error }) => {
    const result = rolloutRunArgs([arg], hashes, rollout);
    expect(result).toEqual(error ? { ok: false, error } : { ok: true, value: [{ name: 'a', value }] });
  });
});

describe('analysisRunForRollout', () => {
  const templates = set(
    tmpl('rate', {
      args: [
        { name: 'hash' },
        { name: 'team', value: 'x' },
        { name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      ],
      metrics: [metric('errors')],
      dryRun: [{ metricName: 'errors' }],
    }),
  );
  const base = {
    rollout,
    hashes: { latest: 'abc', stable: 'old' },
    revision: '3',
    set: templates,
    analysis: {
      templates: [{ templateName: 'rate' }],
      args: [
        { name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' as const } },
        { name: 'team', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
      ],
      measurementRetention: [{ metricName: 'errors', limit: 3 }],
      analysisRunMetadata: { labels: { app: 'ignored', tier: 'x' }, annotations: { note: 'n' } },
    },
  };

  it('a step run: Argo’s name, labels (selector last), annotations, owner, args, dryRun and retention', () => {
    const result = analysisRunForRollout({ ...base, type: 'Step', stepIndex: 2 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const run = result.value;
    expect(run.metadata).toEqual({
      name: 'web-abc-3-2',
      namespace: 'shop',
      labels: {
        'rollouts-pod-template-hash': 'abc',
        'rollout-type': 'Step',
        'step-index': '2',
        tier: 'x',
        app: 'web',
      },
      annotations: { 'rollout.argoproj.io/revision': '3', note: 'n' },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: 'web',
          uid: 'u-1',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    expect(run.spec).toEqual({
      metrics: [metric('errors')],
      args: [
        { name: 'hash', value: 'abc' },
        { name: 'team', value: 'pay' },
        { name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      ],
      dryRun: [{ metricName: 'errors' }],
      measurementRetention: [{ metricName: 'errors', limit: 3 }],
    });
  });

  it('a background run has no step index in its name or labels', () => {
    const result = analysisRunForRollout({ ...base, type: 'Background' });
    expect(result.ok && [result.value.metadata.name, result.value.metadata.labels?.['step-index']]).toEqual([
      'web-abc-3',
      undefined,
    ]);
  });

  it('an arg the Rollout does not supply is an error naming it', () => {
    const analysis = { ...base.analysis, args: [] };
    expect(analysisRunForRollout({ ...base, analysis, type: 'Background' })).toEqual({
      ok: false,
      error: 'args.hash was not resolved',
    });
  });

  it('names: <rollout>-<hash>-<revision>[-<step>]', () => {
    expect([rolloutRunName('web', 'h', '7'), rolloutRunName('web', 'h', '7', 0)]).toEqual([
      'web-h-7',
      'web-h-7-0',
    ]);
  });
});

describe('analysisRunFromTemplates without a Rollout (create analysisrun --from)', () => {
  it('generateName and the caller’s args', () => {
    const result = analysisRunFromTemplates({
      set: set(tmpl('t', { args: [{ name: 'x' }], metrics: [metric('m')] })),
      args: [{ name: 'x', value: '1' }],
      namespace: 'shop',
      generateName: 't-',
    });
    expect(result.ok && [result.value.metadata.generateName, result.value.spec.args]).toEqual([
      't-',
      [{ name: 'x', value: '1' }],
    ]);
  });
});
