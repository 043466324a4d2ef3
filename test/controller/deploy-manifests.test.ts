import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { RESOURCE_KINDS, type KindName } from '../../src/kube/cluster.js';
import { CONTROLLER_ENV } from '../../e2e/support/controller-process.js';

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
  resourceNames?: string[];
}

/**
 * What the controller calls, per kind and subresource: informers list + watch; the executor's writes (status
 * update, ReplicaSet create/patch/delete (revisionHistoryLimit), Service patch, VirtualService/DestinationRule update); events; the Lease.
 * e2e/rbac-audit.e2e.test.ts records the same from a real API server's audit log.
 */
const CLUSTER_WIDE: [KindName, string, string[]][] = [
  ['Rollout', '', ['get', 'list', 'watch', 'patch']],
  ['Rollout', 'status', ['update']],
  ['Secret', '', ['get']],
  ['Job', '', ['create', 'get', 'list', 'delete']],
  ['ReplicaSet', '', ['list', 'watch', 'create', 'patch', 'delete']],
  ['Service', '', ['list', 'watch', 'patch']],
  ['Deployment', '', ['list', 'watch', 'patch']],
  ['PodTemplate', '', ['list', 'watch']],
  ['Pod', '', ['list', 'patch']],
  ['Pod', 'eviction', ['create']],
  ['Namespace', '', ['list', 'watch']],
  ['Event', '', ['create', 'patch']],
  ['VirtualService', '', ['list', 'watch', 'update']],
  ['DestinationRule', '', ['list', 'watch', 'update']],
  ['Gateway', '', ['list', 'watch']],
  ['Sidecar', '', ['list', 'watch']],
  ['PeerAuthentication', '', ['list', 'watch']],
  ['AnalysisRun', '', ['list', 'watch', 'create', 'patch', 'delete']],
  ['AnalysisTemplate', '', ['list', 'watch']],
  ['ClusterAnalysisTemplate', '', ['list', 'watch']],
];
const IN_OWN_NAMESPACE: [KindName, string, string[]][] = [
  ['Lease', '', ['get', 'create', 'update']],
  ['ConfigMap', '', ['get']],
  ['Secret', '', ['get']],
];

/** `group/resource verb` for every grant of a table. */
function tableGrants(table: [KindName, string, string[]][]): string[] {
  return table.flatMap(([kind, sub, verbs]) => {
    const { group, plural } = RESOURCE_KINDS[kind];
    return verbs.map((verb) => `${group}/${sub ? `${plural}/${sub}` : plural} ${verb}`);
  });
}

/** `group/resource verb` for every grant of a Role or ClusterRole. */
function roleGrants(rules: Rule[]): string[] {
  return rules.flatMap((r) =>
    r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res} ${v}`))),
  );
}

describe('deploy/', () => {
  const clusterRole = load(join(DEPLOY, 'rbac/cluster-role.yaml'))[0] as { rules: Rule[] };
  const role = load(join(DEPLOY, 'rbac/role.yaml'))[0] as {
    metadata: { namespace: string };
    rules: Rule[];
  };
  const serviceAccount = load(join(DEPLOY, 'rbac/service-account.yaml'))[0] as {
    metadata: { namespace: string };
  };

  it('the ClusterRole grants exactly what the controller calls cluster-wide, no more, no less', () => {
    expect(roleGrants(clusterRole.rules).sort()).toEqual(tableGrants(CLUSTER_WIDE).sort());
  });

  it('the Lease and the notification ConfigMap and Secret are granted in the controller’s namespace only, by name', () => {
    expect(roleGrants(role.rules).sort()).toEqual(tableGrants(IN_OWN_NAMESPACE).sort());
    expect(role.metadata.namespace).toBe(serviceAccount.metadata.namespace);
    const named = role.rules.filter((r) => r.verbs.some((v) => v === 'get' || v === 'update'));
    expect(named.map((r) => r.resourceNames)).toEqual([
      ['truesplit-controller-lock'],
      ['argo-rollouts-notification-configmap'],
      ['argo-rollouts-notification-secret'],
    ]);
  });

  it('the ClusterRole grants no wildcards; secrets only get (a secretKeyRef argument); on pods only list, patch and eviction', () => {
    const all = clusterRole.rules.flatMap((r) => [...r.apiGroups, ...r.resources, ...r.verbs]);
    expect(all.filter((x) => x === '*')).toEqual([]);
    const secretRules = clusterRole.rules.filter((r) => r.resources.includes('secrets'));
    expect(secretRules.map((r) => [r.resources, r.verbs])).toEqual([[['secrets'], ['get']]]);
    const onPods = clusterRole.rules.filter((r) => r.resources.some((res) => res.startsWith('pods')));
    expect(onPods.flatMap((r) => r.resources.map((res) => `${res} ${r.verbs.join(',')}`)).sort()).toEqual([
      'pods list,patch',
      'pods/eviction create',
    ]);
  });

  it('the kustomization lists every manifest', () => {
    const kustomization = load(join(DEPLOY, 'kustomization.yaml'))[0] as { resources: string[] };
    const files = yamlFiles(DEPLOY)
      .map((f) => relative(DEPLOY, f))
      .filter((f) => f !== 'kustomization.yaml' && !f.startsWith('helm/')); // the chart: test/deploy/
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

  it('controller processes started by the e2e suite and benchmarks get the Deployment’s literal env (CONTROLLER_ENV)', () => {
    const deployment = load(join(DEPLOY, 'controller/deployment.yaml'))[0] as {
      spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
    };
    const literal = deployment.spec.template.spec.containers[0]!.env.filter((e) => e.value !== undefined);
    expect(Object.fromEntries(literal.map((e) => [e.name, e.value]))).toEqual(CONTROLLER_ENV);
  });

  it('the image is pinned to the package version, with a pull policy that suits an immutable tag', () => {
    const pkg = JSON.parse(readFileSync(join(DEPLOY, '../package.json'), 'utf8')) as { version: string };
    const deployment = load(join(DEPLOY, 'controller/deployment.yaml'))[0] as {
      spec: { template: { spec: { containers: { image: string; imagePullPolicy: string }[] } } };
    };
    const kustomization = load(join(DEPLOY, 'kustomization.yaml'))[0] as { images: { newTag: string }[] };
    const container = deployment.spec.template.spec.containers[0]!;
    expect([container.image, container.imagePullPolicy, kustomization.images[0]?.newTag]).toEqual([
      `ghcr.io/truesplit/truesplit:${pkg.version}`,
      'IfNotPresent',
      pkg.version,
    ]);
  });

  it('the Dockerfile pins every base image to an exact version', () => {
    const froms = readFileSync(join(DEPLOY, '../Dockerfile'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('FROM '))
      .map((l) => l.split(/\s+/)[1]!);
    expect(froms.length).toBeGreaterThan(0);
    expect(froms.filter((image) => !/^node:\d+\.\d+\.\d+-[a-z]+(-slim)?$/.test(image))).toEqual([]);
  });

  it('a PodDisruptionBudget keeps one replica through voluntary disruptions', () => {
    const pdb = load(join(DEPLOY, 'controller/pod-disruption-budget.yaml'))[0] as {
      kind: string;
      spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } };
    };
    expect([pdb.kind, pdb.spec.minAvailable, pdb.spec.selector.matchLabels]).toEqual([
      'PodDisruptionBudget',
      1,
      { 'app.kubernetes.io/name': 'truesplit-controller' },
    ]);
  });

  it('the NetworkPolicy admits the metrics port from the monitoring namespace only', () => {
    const policy = load(join(DEPLOY, 'controller/network-policy.yaml'))[0] as {
      spec: { policyTypes: string[]; ingress: { from: unknown[]; ports: unknown[] }[] };
    };
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ protocol: 'TCP', port: 'metrics' }],
      },
    ]);
  });

  it('engines asks for at least the Node every runtime dependency needs', () => {
    const engines = (dir: string) =>
      (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines
        ?.node ?? '';
    const minimum = (range: string) =>
      /(\d+)\.(\d+)(?:\.(\d+))?/
        .exec(range)!
        .slice(1)
        .map((n) => Number(n ?? 0));
    const root = join(DEPLOY, '..');
    const ours = minimum(engines(root));
    expect(engines(join(root, 'node_modules/undici'))).toMatch(/^>=\s*\d/);
    const theirs = minimum(engines(join(root, 'node_modules/undici')));
    const cmp = ours[0]! - theirs[0]! || ours[1]! - theirs[1]! || ours[2]! - theirs[2]!;
    expect(cmp).toBeGreaterThanOrEqual(0);
  });
});
