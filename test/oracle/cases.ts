import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KubeObject, Rollout } from '../../src/api/index.js';
import { loadManifests } from '../../src/manifests/loader.js';
import type { MeshSnapshot } from '../../src/mesh/index.js';
import {
  namespaceDataplane,
  resolveHost,
  snapshotAtStep,
  snapshotFromObjects,
  vsGateways,
} from '../../src/mesh/index.js';
import { analyzeManifests } from '../../src/mesh/simulate-paths.js';
import { routingOf } from '../../src/traffic/istio/roles.js';
import type { World } from '../mesh/fixtures.js';
import {
  dr,
  FQDN,
  gateway,
  injected,
  NS,
  rollout,
  seedWorld,
  service,
  sidecar,
  strictPa,
  vs,
  withPods,
} from '../mesh/fixtures.js';
import type { OracleScenario, Probe } from './scenario.js';

/**
 * Scenarios from the repository's examples (every step of every Rollout, as `truesplit analyze` simulates it)
 * and from the cases of spec/traffic-paths.md §4, written as manifests.
 */
const ROOT = resolve(import.meta.dirname, '../..');

function podsOf(snapshot: MeshSnapshot): KubeObject[] {
  return snapshot.endpoints.flatMap((g, gi) =>
    Array.from({ length: g.total }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${gi}-${i}`, namespace: g.namespace, labels: g.labels },
      spec: { containers: [{ name: 'app', image: 'example/app:1' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: i < g.ready ? 'True' : 'False' }] },
    })),
  );
}

export function snapshotObjects(snapshot: MeshSnapshot): KubeObject[] {
  const namespaces = snapshot.namespaces.map((n) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: n.name, labels: n.labels },
  }));
  return [
    ...namespaces,
    ...snapshot.services,
    ...snapshot.virtualServices,
    ...snapshot.destinationRules,
    ...snapshot.gateways,
    ...snapshot.sidecars,
    ...snapshot.peerAuthentications,
    ...podsOf(snapshot),
  ] as KubeObject[];
}

/** The FQDN in-cluster callers dial: the DestinationRule host, the stable Service, or the selecting Service. */
function dialled(snapshot: MeshSnapshot, rollout: Rollout): string | undefined {
  const ns = rollout.metadata.namespace ?? 'default';
  const canary = rollout.spec.strategy.canary;
  const drName = canary?.trafficRouting?.istio?.destinationRule?.name;
  const dr = snapshot.destinationRules.find((d) => d.metadata.name === drName);
  if (dr) return resolveHost(dr.spec.host, dr.metadata.namespace ?? 'default');
  const name = canary?.stableService ?? canary?.canaryService;
  if (name) return resolveHost(name, ns);
  const labels = rollout.spec.template?.metadata?.labels ?? {};
  const svc = snapshot.services.find((s) => {
    const sel = Object.entries(s.spec.selector ?? {});
    return (
      (s.metadata.namespace ?? 'default') === ns && sel.length > 0 && sel.every(([k, v]) => labels[k] === v)
    );
  });
  return svc ? resolveHost(svc.metadata.name, ns) : undefined;
}

function gatewayProbes(snapshot: MeshSnapshot, rollout: Rollout): Probe[] {
  const refs = new Set((routingOf(rollout)?.virtualServices ?? []).map((r) => `${r.namespace}/${r.name}`));
  const probes: Probe[] = [];
  for (const vs of snapshot.virtualServices) {
    if (!refs.has(`${vs.metadata.namespace ?? 'default'}/${vs.metadata.name}`)) continue;
    for (const gw of vsGateways(vs)) {
      const obj = snapshot.gateways.find(
        (g) => `${g.metadata.namespace ?? 'default'}/${g.metadata.name}` === gw,
      );
      if (!obj || probes.some((p) => p.path.from === gw)) continue;
      const named = (vs.spec.hosts ?? []).find((h) => !h.startsWith('*'));
      const host = named ? resolveHost(named, vs.metadata.namespace ?? 'default') : 'shop.example.com';
      const labels = (obj.spec as { selector?: Record<string, string> }).selector ?? {};
      probes.push({
        caller: { kind: 'gateway', namespace: 'istio-system', labels },
        host,
        port: 80,
        path: { kind: 'gateway', from: gw },
      });
    }
  }
  return probes;
}

/** Sidecar callers from every injected namespace (and one outside), plain callers from the others. */
export function probesFor(snapshot: MeshSnapshot, rollout: Rollout): Probe[] {
  const target = dialled(snapshot, rollout);
  if (!target) return [];
  const [name = '', ns = ''] = target.split('.');
  const probes = gatewayProbes(snapshot, rollout);
  const mesh = snapshot.namespaces
    .filter((n) => namespaceDataplane(n.labels) === 'sidecar')
    .map((n) => n.name);
  const plain = snapshot.namespaces.filter((n) => namespaceDataplane(n.labels) === 'none').map((n) => n.name);
  for (const from of [...mesh, 'oracle-client']) {
    for (const host of [target, `${name}.${ns}`]) {
      probes.push({
        caller: { kind: 'sidecar', namespace: from, labels: { app: 'client' } },
        host,
        port: 80,
        path: { kind: 'mesh', from },
      });
    }
  }
  for (const from of [...plain.filter((n) => n !== 'istio-system'), 'oracle-plain']) {
    probes.push({
      caller: { kind: 'plain', namespace: from },
      host: target,
      port: 80,
      path: { kind: 'plain', from },
    });
  }
  return probes;
}

export async function exampleScenarios(): Promise<OracleScenario[]> {
  const out: OracleScenario[] = [];
  for (const dir of readdirSync(resolve(ROOT, 'examples')).sort()) {
    const loaded = await loadManifests([resolve(ROOT, 'examples', dir)]);
    const objects = loaded.objects.map((o) => o.object);
    const rollouts = objects.filter((o): o is Rollout => o.kind === 'Rollout');
    const analysis = analyzeManifests(objects, rollouts);
    const snapshotBase = snapshotFromObjects(
      objects.filter((o) => o.kind !== 'ReplicaSet' && o.kind !== 'Pod'),
    );
    for (const r of analysis.rollouts) {
      for (const state of r.states) {
        const snapshot = snapshotAtStep(snapshotBase, state);
        const traffic = {
          rollout: r.rollout,
          canaryWeight: state.canaryWeight,
          canaryHash: state.canaryHash,
          stableHash: state.stableHash,
        };
        out.push({
          family: 'examples',
          name: `${dir} step ${state.index}`,
          objects: snapshotObjects(snapshot),
          state: traffic,
          probes: probesFor(snapshot, r.rollout),
        });
      }
    }
  }
  return out;
}

const GATEWAY = gateway();
GATEWAY.spec = {
  ...GATEWAY.spec,
  servers: [{ hosts: ['*'], port: { number: 80, name: 'http', protocol: 'HTTP' } }],
};

const MESH_VS = vs('istio-rollout-vsvc-mesh', { gateways: ['mesh'], hosts: [FQDN] });
const GW_VS = vs('istio-rollout-vsvc', { gateways: ['istio-rollout-gateway'], hosts: ['*'] });
const FIXED = rollout({ vsNames: ['istio-rollout-vsvc', 'istio-rollout-vsvc-mesh'] });
const HEADER_FIRST = vs('istio-rollout-vsvc-mesh', {
  hosts: [FQDN],
  http: [
    {
      name: 'canary-header',
      match: [{ headers: { 'x-canary': { exact: 'yes' } } }],
      route: [{ destination: { host: 'istio-rollout', subset: 'canary' } }],
    },
    {
      name: 'primary',
      route: [
        { destination: { host: 'istio-rollout', subset: 'stable' }, weight: 90 },
        { destination: { host: 'istio-rollout', subset: 'canary' }, weight: 10 },
      ],
    },
  ],
});

/** spec/traffic-paths.md: the §4 table before and after the fix, and one case per rule of §2. */
const SPEC_CASES: [string, World][] = [
  ['§4 seed, before the fix', withPods(seedWorld({ gateways: [GATEWAY] }), 1, 1)],
  [
    '§4 seed, after the fix',
    withPods(seedWorld({ gateways: [GATEWAY], virtualServices: [GW_VS, MESH_VS] }, FIXED), 1, 1),
  ],
  [
    '§4 seed, after the fix, 10 replicas',
    withPods(seedWorld({ gateways: [GATEWAY], virtualServices: [GW_VS, MESH_VS] }, FIXED), 9, 1),
  ],
  [
    '2.2 short host in another namespace',
    withPods(
      seedWorld(
        {
          gateways: [GATEWAY],
          virtualServices: [GW_VS, vs('istio-rollout-vsvc-mesh', { hosts: ['istio-rollout'] }, 'shop')],
        },
        FIXED,
      ),
      1,
      1,
    ),
  ],
  [
    '2.3 exportTo "."',
    withPods(
      seedWorld(
        {
          gateways: [GATEWAY],
          namespaces: [injected(NS), injected('shop')],
          virtualServices: [GW_VS, vs('istio-rollout-vsvc-mesh', { hosts: [FQDN], exportTo: ['.'] })],
        },
        FIXED,
      ),
      1,
      1,
    ),
  ],
  [
    '2.3 Sidecar egress hides the Service',
    withPods(
      seedWorld(
        {
          gateways: [GATEWAY],
          namespaces: [injected(NS), injected('shop')],
          sidecars: [sidecar('shop', ['./*'])],
          virtualServices: [GW_VS, MESH_VS],
        },
        FIXED,
      ),
      1,
      1,
    ),
  ],
  [
    '2.4 two mesh VirtualServices',
    withPods(
      seedWorld(
        { gateways: [GATEWAY], virtualServices: [GW_VS, MESH_VS, vs('other-mesh', { hosts: [FQDN] })] },
        FIXED,
      ),
      1,
      1,
    ),
  ],
  [
    '2.5 header route first',
    withPods(seedWorld({ gateways: [GATEWAY], virtualServices: [GW_VS, HEADER_FIRST] }, FIXED), 1, 1),
  ],
  [
    '2.6 host-level',
    withPods(
      seedWorld(
        {
          gateways: [GATEWAY],
          services: [service('istio-rollout-stable'), service('istio-rollout-canary')],
          virtualServices: [
            vs('istio-rollout-vsvc', {
              hosts: ['istio-rollout-stable'],
              http: [
                {
                  name: 'primary',
                  route: [
                    { destination: { host: 'istio-rollout-stable' }, weight: 90 },
                    { destination: { host: 'istio-rollout-canary' }, weight: 10 },
                  ],
                },
              ],
            }),
          ],
          destinationRules: [],
        },
        rollout({ hostLevel: true }),
      ),
      1,
      1,
    ),
  ],
  [
    '2.7 missing canary subset',
    withPods(
      seedWorld(
        {
          gateways: [GATEWAY],
          virtualServices: [GW_VS, MESH_VS],
          destinationRules: [{ ...dr(), spec: { host: 'istio-rollout', subsets: [{ name: 'stable' }] } }],
        },
        FIXED,
      ),
      1,
      1,
    ),
  ],
  ['2.8 no applicable route, 3 stable 1 canary', withPods(seedWorld({ gateways: [GATEWAY] }), 3, 1)],
  [
    '2.9 STRICT mTLS and plain callers',
    withPods(seedWorld({ gateways: [GATEWAY], peerAuthentications: [strictPa()] }), 1, 1),
  ],
  [
    '2.10 no ready canary pod',
    withPods(seedWorld({ gateways: [GATEWAY], virtualServices: [GW_VS, MESH_VS] }, FIXED), 1, 0),
  ],
];

export function specScenarios(): OracleScenario[] {
  return SPEC_CASES.map(([name, world]) => ({
    family: 'spec cases',
    name,
    objects: snapshotObjects(world.snapshot),
    state: world.state,
    probes: probesFor(world.snapshot, world.state.rollout),
  }));
}
