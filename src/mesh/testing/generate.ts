import type {
  DestinationRule,
  Gateway,
  PeerAuthentication,
  Rollout,
  Service,
  Sidecar,
  VirtualService,
} from '../../api/index.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/index.js';
import { analyzeRollout } from '../analyze.js';
import type { EndpointGroup, MeshSnapshot, NamespaceInfo, RolloutTrafficState } from '../snapshot.js';
import { emptySnapshot } from '../snapshot.js';

/**
 * A large, deterministic mesh for benchmarks: `namespaces` namespaces (70 % injected, 20 % plain, 10 % ambient),
 * `rollouts` subset-level Rollouts spread over them, each with a Service, a gateway VirtualService, a mesh
 * VirtualService (every seventh one missing, so findings exist), a DestinationRule and three ReplicaSets' pods.
 */
export interface GeneratedMesh {
  snapshot: MeshSnapshot;
  states: RolloutTrafficState[];
  /** Kubernetes objects the snapshot stands for (endpoint groups counted as their ReplicaSets). */
  objectCount: number;
}

function namespaceAt(i: number): NamespaceInfo {
  const mode = i % 10;
  const labels: Record<string, string> =
    mode < 7 ? { 'istio-injection': 'enabled' } : mode < 9 ? {} : { 'istio.io/dataplane-mode': 'ambient' };
  return { name: `ns-${i}`, labels };
}

function perNamespace(ns: string, i: number) {
  const meta = { name: 'default', namespace: ns };
  const gateway: Gateway = {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Gateway',
    metadata: { name: 'public', namespace: ns },
    spec: { servers: [{ hosts: ['*'] }] },
  };
  const pa: PeerAuthentication = {
    apiVersion: 'security.istio.io/v1beta1',
    kind: 'PeerAuthentication',
    metadata: meta,
    spec: { mtls: { mode: i % 5 === 0 ? 'STRICT' : 'PERMISSIVE' } },
  };
  const sidecar: Sidecar = {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Sidecar',
    metadata: meta,
    spec: { egress: [{ hosts: ['./*', 'istio-system/*', '*/*'] }] },
  };
  return { gateway, pa, sidecar };
}

function route(host: string, weight: number) {
  return [
    { destination: { host, subset: 'stable' }, weight: 100 - weight },
    { destination: { host, subset: 'canary' }, weight },
  ];
}

interface AppNames {
  name: string;
  ns: string;
  labels: Record<string, string>;
  hashes: { stable: string; canary: string; old: string };
}

function appVirtualServices(app: AppNames, i: number, weight: number): VirtualService[] {
  const vs = (n: string, spec: VirtualService['spec']): VirtualService => ({
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: n, namespace: app.ns },
    spec,
  });
  const http = [{ name: 'primary', route: route(app.name, weight) }];
  const list = [vs(`${app.name}-gw`, { gateways: ['public'], hosts: ['*'], http })];
  if (i % 7 !== 0)
    list.push(vs(`${app.name}-mesh`, { hosts: [`${app.name}.${app.ns}.svc.cluster.local`], http }));
  return list;
}

function appDestinationRule(app: AppNames): DestinationRule {
  const subset = (name: string, hash: string) => ({ name, labels: { [POD_TEMPLATE_HASH_LABEL]: hash } });
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: { name: app.name, namespace: app.ns },
    spec: {
      host: app.name,
      subsets: [subset('canary', app.hashes.canary), subset('stable', app.hashes.stable)],
    },
  };
}

function appRollout(app: AppNames, replicas: number, weight: number, vsNames: string[]): Rollout {
  const istio = {
    virtualServices: vsNames.map((name) => ({ name, routes: ['primary'] })),
    destinationRule: { name: app.name, canarySubsetName: 'canary', stableSubsetName: 'stable' },
  };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: app.name, namespace: app.ns },
    spec: {
      replicas,
      template: { metadata: { labels: app.labels } },
      strategy: { canary: { steps: [{ setWeight: weight }, { pause: {} }], trafficRouting: { istio } } },
    },
  };
}

function perRollout(i: number, ns: string, weight: number) {
  const app: AppNames = {
    name: `app-${i}`,
    ns,
    labels: { app: `app-${i}` },
    hashes: { stable: `s${i}`, canary: `c${i}`, old: `o${i}` },
  };
  const service = (n: string): Service => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: n, namespace: ns },
    spec: { selector: app.labels },
  });
  const virtualServices = appVirtualServices(app, i, weight);
  const replicas = 1 + (i % 10);
  const sidecar = !ns.endsWith('8') && !ns.endsWith('9');
  const group = (hash: string, n: number): EndpointGroup => ({
    namespace: ns,
    labels: { ...app.labels, [POD_TEMPLATE_HASH_LABEL]: hash },
    ready: n,
    total: n,
    sidecar,
  });
  const rollout = appRollout(
    app,
    replicas,
    weight,
    virtualServices.map((v) => v.metadata.name),
  );
  const canaryPods = Math.ceil((replicas * weight) / 100);
  return {
    services: [service(app.name), service(`${app.name}-metrics`)],
    virtualServices,
    dr: appDestinationRule(app),
    endpoints: [
      group(app.hashes.stable, replicas),
      group(app.hashes.canary, canaryPods),
      group(app.hashes.old, 0),
    ],
    state: { rollout, canaryWeight: weight, canaryHash: app.hashes.canary, stableHash: app.hashes.stable },
  };
}

function addNamespaceObjects(snapshot: MeshSnapshot, ns: string, i: number): void {
  const { gateway, pa, sidecar } = perNamespace(ns, i);
  const client = { app: 'client' };
  snapshot.gateways.push(gateway);
  snapshot.peerAuthentications.push(pa);
  snapshot.sidecars.push(sidecar);
  snapshot.services.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'client', namespace: ns },
    spec: { selector: client },
  });
  snapshot.endpoints.push({ namespace: ns, labels: client, ready: 2, total: 2, sidecar: i % 10 < 7 });
}

export function generateMeshSnapshot(rollouts = 1000, namespaces = 200): GeneratedMesh {
  const nsList = Array.from({ length: namespaces }, (_, i) => namespaceAt(i));
  const snapshot: MeshSnapshot = { ...emptySnapshot(), namespaces: nsList };
  nsList.forEach((ns, i) => addNamespaceObjects(snapshot, ns.name, i));
  const states: RolloutTrafficState[] = [];
  for (let i = 0; i < rollouts; i++) {
    const generated = perRollout(i, nsList[i % namespaces]?.name ?? 'default', [5, 10, 25, 50][i % 4] ?? 10);
    snapshot.services.push(...generated.services);
    snapshot.virtualServices.push(...generated.virtualServices);
    snapshot.destinationRules.push(generated.dr);
    snapshot.endpoints.push(...generated.endpoints);
    states.push(generated.state);
  }
  const lists = [snapshot.namespaces, snapshot.services, snapshot.virtualServices, snapshot.destinationRules];
  const more = [snapshot.gateways, snapshot.sidecars, snapshot.peerAuthentications, snapshot.endpoints];
  const objectCount = [...lists, ...more].reduce((n, list) => n + list.length, states.length);
  return { snapshot, states, objectCount };
}

/** What `npm run bench` times: every generated Rollout analysed against the one snapshot. */
export function analyzeGeneratedMesh(generated: GeneratedMesh): { paths: number; findings: number } {
  let paths = 0;
  let findings = 0;
  for (const state of generated.states) {
    const result = analyzeRollout(generated.snapshot, state);
    paths += result.paths.length;
    findings += result.findings.length;
  }
  return { paths, findings };
}
