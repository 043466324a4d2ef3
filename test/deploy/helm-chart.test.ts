/**
 * The Helm chart: its version and appVersion are package.json's; `helm lint` passes; the default render is exactly
 * the objects of deploy/ (parsed and compared as a set); values reach the objects. helm is built by
 * hack/build-helm.sh into .cache/bin (CI builds it first; elsewhere the helm checks are skipped without it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');
const DEPLOY = join(ROOT, 'deploy');
const CHART = join(DEPLOY, 'helm/truesplit');
const HELM = join(ROOT, '.cache/bin/helm');
const haveHelm = existsSync(HELM);
if (!haveHelm && process.env.CI === 'true') throw new Error('CI: helm missing, run hack/build-helm.sh first');

type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
};

function objects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === 'object' && 'kind' in o);
}

function keyed(list: KubeObject[]): Record<string, KubeObject> {
  return Object.fromEntries(
    list.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o] as const),
  );
}

/** deploy/ as kustomize builds it: the kustomization's resources, with its image tag (already pinned in them). */
function deployObjects(): KubeObject[] {
  const kustomization = parse(readFileSync(join(DEPLOY, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
  };
  return kustomization.resources.flatMap((file) => objects(readFileSync(join(DEPLOY, file), 'utf8')));
}

/** The value at a path of plain JSON (negative indexes count from the end). */
function dig(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (Array.isArray(current) && typeof step === 'number') current = current.at(step);
    else if (current && typeof current === 'object') current = (current as Record<string, unknown>)[step];
    else return undefined;
  }
  return current;
}

function helm(...args: string[]): string {
  return execFileSync(HELM, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function render(...set: string[]): KubeObject[] {
  return objects(
    helm('template', 'truesplit', CHART, '--namespace', 'truesplit', ...set.flatMap((s) => ['--set', s])),
  );
}

/** Helm's keep annotation (keepCRDs, on by default as in argo-helm) is the one thing the chart adds. */
function withoutKeep(o: KubeObject): KubeObject {
  const annotations = { ...o.metadata.annotations };
  delete annotations['helm.sh/resource-policy'];
  const metadata = { ...o.metadata, annotations };
  if (Object.keys(annotations).length === 0) delete (metadata as { annotations?: unknown }).annotations;
  return { ...o, metadata };
}

describe('the Helm chart’s version', () => {
  it('is package.json’s, as are its appVersion and deploy/’s image tag', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as {
      version: string;
      appVersion: string;
    };
    const deployment = objects(
      readFileSync(join(DEPLOY, 'controller/deployment.yaml'), 'utf8'),
    )[0] as unknown as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    const image = deployment.spec.template.spec.containers[0]!.image;
    expect([chart.version, chart.appVersion, image.split(':').pop()]).toEqual([
      pkg.version,
      pkg.version,
      pkg.version,
    ]);
  });

  it('links deploy/crds and deploy/rbac, so every file there is in the chart', () => {
    expect(readdirSync(join(CHART, 'files/crds')).sort()).toEqual(readdirSync(join(DEPLOY, 'crds')).sort());
    expect(readdirSync(join(CHART, 'files/rbac')).sort()).toEqual(readdirSync(join(DEPLOY, 'rbac')).sort());
  });
});

describe.skipIf(!haveHelm)('helm (built from helm.sh/helm/v3)', () => {
  it('lints the chart', () => {
    expect(helm('lint', CHART)).toContain('0 chart(s) failed');
  });

  it('renders, with default values, exactly the objects of deploy/', () => {
    const rendered = keyed(render().map(withoutKeep));
    const deployed = keyed(deployObjects());
    expect(Object.keys(rendered).sort()).toEqual(Object.keys(deployed).sort());
    for (const [key, object] of Object.entries(deployed))
      expect({ key, object: rendered[key] }).toEqual({ key, object });
  });

  it('marks the CRDs to be kept on uninstall unless keepCRDs is false, and drops them without installCRDs', () => {
    const crds = (list: KubeObject[]) => list.filter((o) => o.kind === 'CustomResourceDefinition');
    const policies = (list: KubeObject[]) =>
      crds(list).map((o) => o.metadata.annotations?.['helm.sh/resource-policy']);
    const count = crds(render()).length;
    expect(count).toBe(readdirSync('deploy/crds').filter((f) => f.endsWith('.yaml')).length);
    expect(policies(render())).toEqual(Array.from({ length: count }, () => 'keep'));
    expect(policies(render('keepCRDs=false'))).toEqual(Array.from({ length: count }, () => undefined));
    expect(crds(render('installCRDs=false'))).toEqual([]);
  });

  it('takes the argo-helm-style values', () => {
    const list = render(
      'controller.replicas=3',
      'controller.image.tag=9.9.9',
      'controller.extraArgs[0]=--resync=60',
      'controller.extraEnv[0].name=EXTRA',
      'controller.extraEnv[0].value=on-purpose',
      'controller.nodeSelector.pool=system',
      'controller.selfServiceNotification=true',
      'controller.prometheusAddress=http://prometheus.istio-system:9090',
      'serviceAccount.name=ts',
      'controller.metrics.serviceMonitor.enabled=true',
      'createNamespace=false',
      'rbac.extraRules[0].apiGroups[0]=',
      'rbac.extraRules[0].resources[0]=configmaps',
      'rbac.extraRules[0].verbs[0]=get',
    );
    const byKey = keyed(list);
    const deployment = byKey['Deployment/truesplit/truesplit-controller'];
    const pod = dig(deployment, 'spec', 'template', 'spec');
    const container = dig(pod, 'containers', 0);
    const args = dig(container, 'args') as string[];
    expect([
      dig(deployment, 'spec', 'replicas'),
      dig(container, 'image'),
      args.slice(-3),
      dig(container, 'env', -1),
      dig(pod, 'nodeSelector'),
      dig(pod, 'serviceAccountName'),
      byKey['ServiceAccount/truesplit/ts']?.kind,
      dig(byKey['ClusterRoleBinding//truesplit-controller'], 'subjects'),
      dig(byKey['ClusterRole//truesplit-controller'], 'rules', -1),
      byKey['ServiceMonitor/truesplit/truesplit-controller']?.kind,
      byKey['Namespace//truesplit'],
    ]).toEqual([
      3,
      'ghcr.io/truesplit/truesplit:9.9.9',
      [
        '--self-service-notification-enabled',
        '--prometheus-address=http://prometheus.istio-system:9090',
        '--resync=60',
      ],
      { name: 'EXTRA', value: 'on-purpose' },
      { pool: 'system' },
      'ts',
      'ServiceAccount',
      [{ kind: 'ServiceAccount', name: 'ts', namespace: 'truesplit' }],
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      'ServiceMonitor',
      undefined,
    ]);
  });

  it('runs the dashboard with its token from a Secret, and refuses the dashboard without one', () => {
    const list = keyed(render('dashboard.enabled=true', 'dashboard.token.existingSecret=dash'));
    const dashboard = list['Deployment/truesplit/truesplit-dashboard'];
    const env = dig(dashboard, 'spec', 'template', 'spec', 'containers', 0, 'env');
    expect(env).toEqual([
      { name: 'TRUESPLIT_DASHBOARD_TOKEN', valueFrom: { secretKeyRef: { name: 'dash', key: 'token' } } },
    ]);
    expect(() => render('dashboard.enabled=true')).toThrow(/dashboard.token.existingSecret/);
  });
});
