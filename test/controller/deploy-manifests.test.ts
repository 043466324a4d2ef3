import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { RESOURCE_KINDS, type KindName } from '../../src/kube/cluster.js';

const DEPLOY = join(import.meta.dirname, '../../deploy');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  );
}

function load(path: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
}

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** What the controller calls, per kind and subresource (informers list+watch; the executor's writes; events; lease). */
const REQUIRED: [KindName, string, string[]][] = [
  ['Rollout', '', ['list', 'watch']],
  ['Rollout', 'status', ['update', 'patch']],
  ['ReplicaSet', '', ['list', 'watch', 'create', 'patch']],
  ['Service', '', ['list', 'watch', 'patch']],
  ['VirtualService', '', ['list', 'watch', 'update']],
  ['DestinationRule', '', ['list', 'watch', 'update']],
  ['Event', '', ['create', 'patch']],
  ['Lease', '', ['get', 'create', 'update']],
];

describe('deploy/', () => {
  const clusterRole = load(join(DEPLOY, 'rbac/cluster-role.yaml'))[0] as { rules: Rule[] };

  it.each(REQUIRED.flatMap(([kind, sub, verbs]) => verbs.map((verb) => ({ kind, sub, verb }))))(
    'the ClusterRole allows $verb on $kind $sub',
    ({ kind, sub, verb }) => {
      const { group, plural } = RESOURCE_KINDS[kind];
      const resource = sub ? `${plural}/${sub}` : plural;
      const allowed = clusterRole.rules.some(
        (r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
      );
      expect(allowed).toBe(true);
    },
  );

  it('the ClusterRole grants no wildcards and no secrets', () => {
    const all = clusterRole.rules.flatMap((r) => [...r.apiGroups, ...r.resources, ...r.verbs]);
    expect(all.filter((x) => x === '*' || x === 'secrets')).toEqual([]);
  });

  it('the kustomization lists every manifest', () => {
    const kustomization = load(join(DEPLOY, 'kustomization.yaml'))[0] as { resources: string[] };
    const files = yamlFiles(DEPLOY)
      .map((f) => relative(DEPLOY, f))
      .filter((f) => f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('the Rollout CRD has status and scale subresources and a structural schema', () => {
    const crd = load(join(DEPLOY, 'crds/rollouts.argoproj.io.yaml'))[0] as {
      spec: { versions: { subresources: Record<string, unknown>; schema: { openAPIV3Schema: unknown } }[] };
    };
    const version = crd.spec.versions[0]!;
    expect(version.subresources).toEqual({
      status: {},
      scale: {
        specReplicasPath: '.spec.replicas',
        statusReplicasPath: '.status.HPAReplicas',
        labelSelectorPath: '.status.selector',
      },
    });
    const untyped: string[] = [];
    const walk = (node: Record<string, unknown>, path: string): void => {
      if (!node.type && !node['x-kubernetes-int-or-string'] && !node['x-kubernetes-preserve-unknown-fields'])
        untyped.push(path);
      for (const [name, child] of Object.entries(
        (node.properties ?? {}) as Record<string, Record<string, unknown>>,
      ))
        walk(child, `${path}.${name}`);
      if (node.items) walk(node.items as Record<string, unknown>, `${path}[]`);
      if (typeof node.additionalProperties === 'object')
        walk(node.additionalProperties as Record<string, unknown>, `${path}{}`);
    };
    walk(version.schema.openAPIV3Schema as Record<string, unknown>, '');
    expect(untyped).toEqual([]);
  });

  it('the controller Deployment probes /healthz and /readyz and runs with leader election', () => {
    const deployment = load(join(DEPLOY, 'controller/deployment.yaml'))[0] as {
      spec: {
        template: {
          spec: {
            containers: {
              args: string[];
              livenessProbe: { httpGet: { path: string } };
              readinessProbe: { httpGet: { path: string } };
            }[];
          };
        };
      };
    };
    const container = deployment.spec.template.spec.containers[0]!;
    expect([container.args[0], container.args.includes('--leader-elect')]).toEqual(['controller', true]);
    expect([container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path]).toEqual([
      '/healthz',
      '/readyz',
    ]);
  });
});
