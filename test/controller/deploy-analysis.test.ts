/**
 * deploy/ for analysis: the three analysis CRDs accept and keep everything Argo Rollouts' own CRDs accept (a user
 * may install either), and the analysis ClusterRole grants exactly what analysis needs. The same CRDs were checked
 * on a real API server with every analysis object of test/fixtures/argo-rollouts: all created, none pruned.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');

type Schema = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
  additionalProperties?: Schema | boolean;
};

interface Crd {
  spec: {
    names: { kind: string; plural: string; shortNames?: string[] };
    scope: string;
    versions: { name: string; subresources?: Record<string, unknown>; schema: { openAPIV3Schema: Schema } }[];
  };
}

function load<T>(path: string): T {
  return parseAllDocuments(readFileSync(join(ROOT, path), 'utf8'))[0]!.toJS() as T;
}

const intOrString = (s: Schema) => s['x-kubernetes-int-or-string'] === true;
const preserves = (s: Schema) => s['x-kubernetes-preserve-unknown-fields'] === true;

/** Where our schema would refuse or prune what Argo's accepts: a stricter type, an extra required field, a field dropped. */
function narrowerThanArgo(ours: Schema, argo: Schema, path: string): string[] {
  if (preserves(ours) && !ours.properties) return [];
  if (
    intOrString(ours)
      ? !(intOrString(argo) || ['integer', 'string'].includes(argo.type ?? ''))
      : ours.type !== argo.type
  ) {
    return [`${path}: type ${ours.type ?? 'int-or-string'} where Argo has ${argo.type ?? 'int-or-string'}`];
  }
  const problems = (ours.required ?? [])
    .filter((r) => !(argo.required ?? []).includes(r))
    .map((r) => `${path}.${r}: required`);
  for (const [name, child] of Object.entries(argo.properties ?? {})) {
    const mine = ours.properties?.[name];
    if (mine) problems.push(...narrowerThanArgo(mine, child, `${path}.${name}`));
    else if (!preserves(ours)) problems.push(`${path}.${name}: pruned`);
  }
  if (argo.items && ours.items) problems.push(...narrowerThanArgo(ours.items, argo.items, `${path}[]`));
  if (
    typeof argo.additionalProperties === 'object' &&
    ours.additionalProperties === undefined &&
    !preserves(ours)
  ) {
    problems.push(`${path}{}: pruned`);
  }
  return problems;
}

describe.each([
  [
    'analysistemplates.argoproj.io.yaml',
    'analysis-template-crd.yaml',
    'AnalysisTemplate',
    'Namespaced',
    'at',
  ],
  [
    'clusteranalysistemplates.argoproj.io.yaml',
    'cluster-analysis-template-crd.yaml',
    'ClusterAnalysisTemplate',
    'Cluster',
    'cat',
  ],
  ['analysisruns.argoproj.io.yaml', 'analysis-run-crd.yaml', 'AnalysisRun', 'Namespaced', 'ar'],
])('deploy/crds/%s', (ours, argos, kind, scope, shortName) => {
  const crd = load<Crd>(`deploy/crds/${ours}`);
  const argo = load<Crd>(`test/fixtures/argo-rollouts/crds/${argos}`);

  it('serves the kind Argo serves, with its scope, short name and no status subresource', () => {
    expect([crd.spec.names.kind, crd.spec.scope, crd.spec.names.shortNames, crd.spec.names.plural]).toEqual([
      kind,
      scope,
      [shortName],
      argo.spec.names.plural,
    ]);
    expect([crd.spec.versions[0]?.name, crd.spec.versions[0]?.subresources]).toEqual(['v1alpha1', {}]);
    expect(argo.spec.versions[0]?.subresources).toEqual({});
  });

  it('accepts and keeps everything Argo’s schema accepts', () => {
    const schema = (c: Crd) => c.spec.versions[0]!.schema.openAPIV3Schema;
    expect(narrowerThanArgo(schema(crd), schema(argo), '')).toEqual([]);
  });
});

describe('the analysis schema check', () => {
  it('finds a stricter type, an extra required field and a pruned field', () => {
    const argo: Schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'object' } } };
    const ours: Schema = { type: 'object', required: ['a'], properties: { a: { type: 'integer' } } };
    expect(narrowerThanArgo(ours, argo, '')).toEqual([
      '.a: required',
      '.a: type integer where Argo has string',
      '.b: pruned',
    ]);
  });
});
