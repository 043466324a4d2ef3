/**
 * The Helm chart against the real API server: `helm template … | kubectl apply --dry-run=server -f -` — every
 * object of the default render and of a render with the optional parts (dashboard, extra rules) is accepted by
 * the API server's validation (server-side apply, dry run).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, startControlPlane, type ControlPlane } from './cluster/control-plane.ts';
import { kubeRequest } from './cluster/kube-http.ts';

const HELM = join(REPO_ROOT, '.cache/bin/helm');
const CHART = join(REPO_ROOT, 'deploy/helm/truesplit');
const ns = 'truesplit-helm';
let plane: ControlPlane;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  execFileSync('bash', [join(REPO_ROOT, 'hack/build-helm.sh')], { stdio: 'ignore' });
  plane = await startControlPlane({ log: (msg) => console.log(`control plane: ${msg}`) });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(plane.kubeconfigPath);
  await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
});

afterAll(async () => {
  await plane?.stop();
});

function render(...set: string[]): k8s.KubernetesObject[] {
  const text = execFileSync(
    HELM,
    ['template', 'truesplit', CHART, '-n', ns, ...set.flatMap((s) => ['--set', s])],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  return parseAllDocuments(text)
    .map((d) => d.toJS() as k8s.KubernetesObject | null)
    .filter((o): o is k8s.KubernetesObject => o !== null && typeof o === 'object' && 'kind' in o);
}

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

/** The REST path of an object (the kinds the chart renders). */
function pathOf(object: k8s.KubernetesObject): string {
  const apiVersion = object.apiVersion ?? '';
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const kind = (object.kind ?? '').toLowerCase();
  const plural = kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`;
  const scope = CLUSTER_SCOPED.has(object.kind ?? '')
    ? ''
    : `/namespaces/${object.metadata?.namespace ?? ''}`;
  return `${base}${scope}/${plural}/${object.metadata?.name ?? ''}`;
}

/**
 * `kubectl apply --server-side --force-conflicts --dry-run=server`, as raw requests (client-node's typed serializer
 * would drop the CRD schema's `x-kubernetes-*` keys): the API server validates every object, stores nothing.
 */
async function dryRunApply(objects: k8s.KubernetesObject[]): Promise<string[]> {
  const refused: string[] = [];
  for (const object of objects) {
    const path = `${pathOf(object)}?dryRun=All&fieldManager=helm-e2e&force=true`;
    const res = await kubeRequest(plane, 'PATCH', path, {
      body: object,
      contentType: 'application/apply-patch+yaml',
    });
    if (res.status >= 300) {
      const message = (res.body as { message?: string } | undefined)?.message ?? String(res.body);
      refused.push(`${object.kind}/${object.metadata?.name ?? ''}: ${res.status} ${message.slice(0, 400)}`);
    }
  }
  return refused;
}

describe('helm template | apply --dry-run=server', () => {
  it('accepts every object of the default render', { timeout: 120_000 }, async () => {
    const objects = render();
    expect(objects.length).toBeGreaterThanOrEqual(11);
    expect(await dryRunApply(objects)).toEqual([]);
  });

  it('accepts the dashboard and extra RBAC rules', { timeout: 120_000 }, async () => {
    const objects = render(
      'dashboard.enabled=true',
      'dashboard.token.existingSecret=dash',
      'rbac.extraRules[0].apiGroups[0]=',
      'rbac.extraRules[0].resources[0]=configmaps',
      'rbac.extraRules[0].verbs[0]=get',
      'createNamespace=false',
    );
    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata?.name === 'truesplit-dashboard')).toBe(
      true,
    );
    expect(await dryRunApply(objects)).toEqual([]);
  });
});
