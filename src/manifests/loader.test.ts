import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLoadError, loadManifests, parseFieldPath, parseManifests } from './loader.js';
import { asRollout, asService, asVirtualService, objectsOfKind, shapeProblem } from '../api/guards.js';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n';
const ROLLOUT = [
  'apiVersion: argoproj.io/v1alpha1',
  'kind: Rollout',
  'metadata:',
  '  name: web',
  '  namespace: shop',
  'spec:',
  '  strategy:',
  '    canary:',
  '      steps:',
  '        - setWeight: 10',
  '        - pause: {}',
  '',
].join('\n');

describe('parseManifests', () => {
  it('splits multi-document YAML and records the line each object starts on', () => {
    const text = `# leading comment\n${SERVICE}---\n${ROLLOUT}---\n`;
    const { objects, errors } = parseManifests(text, 'all.yaml');
    expect(errors).toEqual([]);
    expect(objects.map((o) => [o.object.kind, o.file, o.line])).toEqual([
      ['Service', 'all.yaml', 2],
      ['Rollout', 'all.yaml', 10],
    ]);
  });

  it('defaults the namespace to "default" for namespaced kinds only', () => {
    const text = `${SERVICE}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n`;
    const { objects } = parseManifests(text, 'ns.yaml');
    expect(objects.map((o) => o.object.metadata.namespace)).toEqual(['default', undefined]);
  });

  it('keeps unknown kinds', () => {
    const { objects } = parseManifests(
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n',
      'w.yaml',
    );
    expect(objects.map((o) => o.object.kind)).toEqual(['Widget']);
  });

  it('reads JSON and expands kind: List', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } }],
    };
    const { objects, errors } = parseManifests(JSON.stringify(list, null, 2), 'list.json');
    expect(errors).toEqual([]);
    expect(objects.map((o) => [o.object.metadata.name, o.line])).toEqual([['a', 5]]);
  });

  it('skips empty documents', () => {
    expect(parseManifests('---\n---\n# only a comment\n', 'empty.yaml')).toEqual({ objects: [], errors: [] });
  });

  it.each([
    { name: 'bad indentation', text: `${SERVICE}---\nkind: Service\n  metadata: x\n`, line: 9 },
    { name: 'unclosed flow map', text: 'apiVersion: v1\nkind: Service\nmetadata: {name: a\n', line: 3 },
    {
      name: 'duplicate key',
      text: 'apiVersion: v1\nkind: Service\nkind: Pod\nmetadata:\n  name: a\n',
      line: 3,
    },
  ])('reports malformed YAML with its line: $name', ({ text, line }) => {
    const { errors } = parseManifests(text, 'bad.yaml');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'bad.yaml', line });
  });

  it.each([
    { name: 'apiVersion', text: 'kind: Service\nmetadata:\n  name: a\n', field: 'apiVersion', line: 1 },
    { name: 'kind', text: 'apiVersion: v1\nmetadata:\n  name: a\n', field: 'kind', line: 1 },
    {
      name: 'metadata.name',
      text: 'apiVersion: v1\nkind: Service\nmetadata:\n  labels: {}\n',
      field: 'metadata.name',
      line: 3,
    },
  ])('names the missing field: $name', ({ text, field, line }) => {
    const { objects, errors } = parseManifests(`${SERVICE}---\n${text}`, 'm.yaml');
    expect(objects).toHaveLength(1);
    expect(errors).toEqual([{ file: 'm.yaml', line: line + 8, field, message: 'required' }]);
    expect(formatLoadError(errors[0]!)).toBe(`m.yaml:${line + 8}: ${field}: required`);
  });

  it.each([
    { name: 'generateName only', metadata: '  generateName: web-\n', objectName: 'web-<generated>' },
    { name: 'empty name', metadata: '  name: ""\n  generateName: web-\n', objectName: 'web-<generated>' },
    { name: 'name and generateName', metadata: '  name: web\n  generateName: web-\n', objectName: 'web' },
  ])('accepts metadata.generateName instead of metadata.name: $name', ({ metadata, objectName }) => {
    const { objects, errors } = parseManifests(
      `apiVersion: v1\nkind: Service\nmetadata:\n${metadata}`,
      'g.yaml',
    );
    expect(errors).toEqual([]);
    expect(objects[0]?.object.metadata.name).toBe(objectName);
  });

  it.each([
    { metadata: '  generateName: ""\n', field: 'metadata.name', message: 'required', line: 3 },
    {
      metadata: '  generateName: 7\n',
      field: 'metadata.generateName',
      message: /^must be a string/,
      line: 4,
    },
  ])('still rejects $field without a usable name', ({ metadata, field, message, line }) => {
    const { objects, errors } = parseManifests(
      `apiVersion: v1\nkind: Service\nmetadata:\n${metadata}`,
      'g.yaml',
    );
    expect(objects).toEqual([]);
    expect(errors).toEqual([{ file: 'g.yaml', line, field, message: expect.stringMatching(message) }]);
  });

  it('rejects a document that is not an object', () => {
    const { errors } = parseManifests('- a\n- b\n', 'list.yaml');
    expect(errors).toEqual([
      {
        file: 'list.yaml',
        line: 1,
        message: 'a manifest must be an object with apiVersion, kind and metadata (found a list)',
      },
    ]);
  });

  it.each([
    { field: 'spec.strategy.canary.steps[1].pause', line: 11 },
    { field: 'spec.strategy.canary.steps[0].setWeight', line: 10 },
    { field: 'spec.strategy.canary.trafficRouting.istio', line: 8 },
    { field: 'metadata.name', line: 4 },
  ])('locates field $field on line $line', ({ field, line }) => {
    const [rollout] = parseManifests(ROLLOUT, 'r.yaml').objects;
    expect(rollout!.lineOf(field)).toBe(line);
  });

  it('parses field paths with indices and quoted keys', () => {
    expect(parseFieldPath('a.steps[2].b.plugins["x/y.z"]')).toEqual([
      'a',
      'steps',
      2,
      'b',
      'plugins',
      'x/y.z',
    ]);
  });
});

describe('loadManifests', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'truesplit-loader-'));
    await mkdir(join(dir, 'nested'));
    await writeFile(join(dir, 'b-service.yaml'), SERVICE);
    await writeFile(join(dir, 'nested', 'a-rollout.yml'), ROLLOUT);
    await writeFile(join(dir, 'notes.txt'), 'not a manifest');
    await mkdir(join(dir, 'empty'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('walks directories recursively, in name order, manifest extensions only', async () => {
    const { objects, errors } = await loadManifests([dir]);
    expect(errors).toEqual([]);
    expect(objects.map((o) => o.file)).toEqual([
      join(dir, 'b-service.yaml'),
      join(dir, 'nested', 'a-rollout.yml'),
    ]);
  });

  it('reports a directory without manifests', async () => {
    const { errors } = await loadManifests([join(dir, 'empty')]);
    expect(errors).toEqual([
      { file: join(dir, 'empty'), message: 'no *.yaml, *.yml or *.json files in this directory' },
    ]);
  });

  it('reads "-" from stdin', async () => {
    const { objects } = await loadManifests(['-'], { readStdin: () => Promise.resolve(SERVICE) });
    expect(objects.map((o) => [o.file, o.object.kind])).toEqual([['<stdin>', 'Service']]);
  });

  it('reports missing paths and unavailable stdin', async () => {
    const { errors } = await loadManifests([join(dir, 'missing.yaml'), '-']);
    expect(errors).toEqual([
      { file: join(dir, 'missing.yaml'), message: 'no such file or directory' },
      { file: '<stdin>', message: 'standard input is not available' },
    ]);
  });
});

describe('type guards', () => {
  const [service, rollout] = parseManifests(`${SERVICE}---\n${ROLLOUT}`, 'x.yaml').objects.map(
    (o) => o.object,
  );

  it('narrow by kind and shape', () => {
    expect(asService(service!)).toBe(service);
    expect(asRollout(service!)).toBeUndefined();
    expect(asRollout(rollout!)?.spec.strategy.canary?.steps).toHaveLength(2);
    expect(objectsOfKind([service!, rollout!], asService)).toEqual([service]);
  });

  it.each([
    {
      name: 'Rollout without strategy',
      object: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec: {} },
      problem: { field: 'spec.strategy', message: 'required: set spec.strategy.canary' },
    },
    {
      name: 'Rollout wrong version',
      object: { apiVersion: 'argoproj.io/v1', kind: 'Rollout', metadata: { name: 'r' }, spec: {} },
      problem: { field: 'apiVersion', message: 'must be one of argoproj.io/v1alpha1' },
    },
    {
      name: 'VirtualService hosts not a list',
      object: {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'v' },
        spec: { hosts: 'a' },
      },
      problem: { field: 'spec.hosts', message: 'must be a list' },
    },
    {
      name: 'Service without spec',
      object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
      problem: { field: 'spec', message: 'required' },
    },
  ])('explain and reject a bad shape: $name', ({ object, problem }) => {
    expect(shapeProblem(object)).toEqual(problem);
    expect(asRollout(object) ?? asService(object) ?? asVirtualService(object)).toBeUndefined();
  });
});
