import type { OracleScenario } from './scenario.js';
import type { BaseWorld } from './world-base.js';
import { defaultWorld, primaryRoute, Rng, scenarioOf } from './world-base.js';
import { APP_NS, fqdn, istio } from './world.js';

/**
 * The generated scenario families of the differential test. Each family turns a few knobs of the base world at
 * random (seeded); every scenario is valid input for both the model and Istio.
 */
type Family = (rng: Rng, w: BaseWorld) => void;

function weightsAndPods(rng: Rng, w: BaseWorld): void {
  w.stableWeight = rng.pick([100, 95, 90, 80, 50, 20, 0]);
  const stable = rng.int(1, 4);
  const canary = rng.int(0, 3);
  w.replicas = {
    stable,
    canary,
    stableReady: rng.chance(0.9) ? stable : rng.int(0, stable),
    canaryReady: rng.chance(0.8) ? canary : rng.int(0, canary),
  };
}

const binding: Family = (rng, w) => {
  w.vsGateways = rng.pick([
    undefined,
    ['web-gw'],
    ['web-gw', 'mesh'],
    ['mesh'],
    [`${APP_NS}/web-gw`, 'mesh'],
  ]);
  w.vsHosts = rng.pick([
    ['*'],
    ['web'],
    [fqdn('web')],
    ['web', 'shop.example.com'],
    ['shop.example.com'],
    ['*', fqdn('web')],
  ]);
};

const hosts: Family = (rng, w) => {
  w.vsNamespace = rng.pick([APP_NS, APP_NS, 'routing']);
  w.vsHosts = [
    rng.pick([
      'web',
      'web.app',
      fqdn('web'),
      '*.app.svc.cluster.local',
      '*.svc.cluster.local',
      'web.app.svc',
    ]),
  ];
  if (rng.chance(0.3)) w.vsGateways = ['web-gw', 'mesh'];
};

const exportTo: Family = (rng, w) => {
  const choices = [undefined, ['.'], ['*'], ['front'], [APP_NS], ['front', APP_NS]];
  w.vsExportTo = rng.pick(choices);
  w.drExportTo = rng.pick(choices);
  w.serviceExportTo = rng.pick([undefined, '.', '*', 'front', `${APP_NS},front`, 'legacy']);
};

const multiVs: Family = (rng, w) => {
  const host = rng.pick([fqdn('web'), 'web', '*.app.svc.cluster.local']);
  const weight = rng.pick([w.stableWeight, 50, 100]);
  const other = { ...w, stableWeight: weight };
  const name = rng.pick(['a-web-vs', 'z-web-vs']);
  const ns = rng.pick([APP_NS, 'front']);
  const hostIn = ns === APP_NS ? host : host === 'web' ? fqdn('web') : host;
  const route = primaryRoute(other).map((d) =>
    ns === APP_NS
      ? d
      : { ...d, destination: { ...(d as { destination: object }).destination, host: fqdn('web') } },
  );
  w.extra.push(istio('VirtualService', name, { hosts: [hostIn], http: [{ name: 'primary', route }] }, ns));
};

const canaryLevel: Family = (rng, w) => {
  w.hostLevel = rng.chance(0.5);
};

const missingSubset: Family = (rng, w) => {
  w.drSubsets = rng.pick([null, ['stable'], ['canary'], ['stable', 'canary'], ['stable', 'canary', 'other']]);
  if (rng.chance(0.3)) w.replicas = { ...w.replicas, canaryReady: 0 };
};

const sidecarEgress: Family = (rng, w) => {
  const hostsChoice = rng.pick([
    ['./*'],
    [`${APP_NS}/*`],
    ['*/*'],
    ['istio-system/*'],
    [`${APP_NS}/${fqdn('web')}`],
    [`*/${fqdn('web')}`],
    [`${APP_NS}/${fqdn('other')}`],
  ]);
  const scope = rng.pick(['namespace', 'workload', 'root', 'app']);
  const ns = scope === 'root' ? 'istio-system' : scope === 'app' ? APP_NS : 'front';
  const spec: Record<string, unknown> = { egress: [{ hosts: hostsChoice }] };
  if (scope === 'workload') spec['workloadSelector'] = { labels: { app: 'client' } };
  w.extra.push(istio('Sidecar', scope === 'workload' ? 'clients' : 'default', spec, ns));
  w.callerLabels = rng.pick([{ app: 'client' }, { app: 'batch' }]);
};

const injection: Family = (rng, w) => {
  w.frontInjected = rng.chance(0.5);
  const mode = rng.pick([undefined, 'STRICT', 'PERMISSIVE', 'DISABLE']);
  if (mode) {
    const ns = rng.pick([APP_NS, 'istio-system']);
    const spec: Record<string, unknown> = { mtls: { mode } };
    if (ns === APP_NS && rng.chance(0.3)) spec['selector'] = { matchLabels: { app: 'web' } };
    w.extra.push(istio('PeerAuthentication', 'default', spec, ns));
  }
};

const protocols: Family = (rng, w) => {
  w.portName = rng.pick(['http', 'http-web', 'grpc', 'tcp', 'tls', 'https', 'mongo', '']);
  const split = rng.pick([100, 70, 50, 0]);
  const other = primaryRoute({ ...w, stableWeight: split });
  if (rng.chance(0.5)) w.tcp = [{ route: other }];
  if (rng.chance(0.4)) w.tls = [{ match: [{ port: 443, sniHosts: [fqdn('web')] }], route: other }];
  if (rng.chance(0.2)) w.http = [];
};

const delegate: Family = (rng, w) => {
  const delegateNs = rng.pick([APP_NS, 'routing']);
  const route = primaryRoute(w).map((d) => ({
    ...d,
    destination: { ...(d as { destination: object }).destination, host: fqdn('web') },
  }));
  w.extra.push(istio('VirtualService', 'web-delegate', { http: [{ name: 'primary', route }] }, delegateNs));
  const match = rng.chance(0.5) ? { match: [{ uri: { prefix: '/' } }] } : {};
  w.http = [{ name: 'primary', ...match, delegate: { name: 'web-delegate', namespace: delegateNs } }];
};

const sourceMatch: Family = (rng, w) => {
  const match = rng.pick([
    { sourceNamespace: 'front' },
    { sourceNamespace: APP_NS },
    { sourceNamespace: 'legacy' },
    { sourceLabels: { app: 'client' } },
    { sourceLabels: { app: 'batch' } },
    { sourceNamespace: 'front', sourceLabels: { app: 'client' } },
  ]);
  const pinned = rng.pick([100, 0]);
  const pin = primaryRoute({ ...w, stableWeight: pinned });
  w.http = [
    { name: 'pinned', match: [match], route: pin },
    { name: 'primary', route: primaryRoute(w) },
  ];
  w.callerLabels = rng.pick([{ app: 'client' }, { app: 'batch' }]);
};

export const FAMILIES: Record<string, Family> = {
  binding,
  hosts,
  'export-to': exportTo,
  'several-vs': multiVs,
  'canary-level': canaryLevel,
  'missing-subset': missingSubset,
  'sidecar-egress': sidecarEgress,
  injection,
  protocols,
  delegate,
  'source-match': sourceMatch,
};

/** `perFamily` scenarios of every family from one seed. */
export function generateScenarios(seed: number, perFamily: number): OracleScenario[] {
  const out: OracleScenario[] = [];
  for (const [name, family] of Object.entries(FAMILIES)) {
    const rng = new Rng(seed ^ hash(name));
    for (let i = 0; i < perFamily; i++) {
      const w = defaultWorld();
      weightsAndPods(rng, w);
      family(rng, w);
      out.push(scenarioOf(name, `${name}#${i}`, w));
    }
  }
  return out;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
