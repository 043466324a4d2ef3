import type { KubeObject } from '../../src/api/index.js';
import type { OracleCaller } from './client.js';
import type { OracleScenario, Probe } from './scenario.js';
import type { RolloutShape } from './world.js';
import {
  APP_NS,
  CANARY_HASH,
  fqdn,
  gateway,
  istio,
  namespace,
  pods,
  rollout,
  service,
  STABLE_HASH,
  subsetRule,
} from './world.js';

/** A seeded generator (mulberry32): the same seed gives the same scenarios on every machine. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The knobs every family turns; defaults give the fixed seed scenario (subset-level, mesh-bound, 90/10). */
export interface BaseWorld {
  stableWeight: number;
  replicas: { stable: number; canary: number; stableReady: number; canaryReady: number };
  vsHosts: string[];
  vsGateways?: string[] | undefined;
  vsNamespace: string;
  vsExportTo?: string[] | undefined;
  drExportTo?: string[] | undefined;
  /** Null: no DestinationRule at all. */
  drSubsets: string[] | null;
  serviceExportTo?: string | undefined;
  portName: string;
  hostLevel: boolean;
  frontInjected: boolean;
  callerLabels: Record<string, string>;
  extra: KubeObject[];
  /** Replaces the primary route's destinations (or adds routes before it). */
  http?: object[] | undefined;
  tcp?: object[] | undefined;
  tls?: object[] | undefined;
}

export function defaultWorld(): BaseWorld {
  return {
    stableWeight: 90,
    replicas: { stable: 1, canary: 1, stableReady: 1, canaryReady: 1 },
    vsHosts: [fqdn('web')],
    vsNamespace: APP_NS,
    drSubsets: ['stable', 'canary'],
    portName: 'http',
    hostLevel: false,
    frontInjected: true,
    callerLabels: { app: 'client' },
    extra: [],
  };
}

export const servicePort = (w: BaseWorld) => (['tls', 'https'].includes(w.portName) ? 443 : 80);

export function primaryRoute(w: BaseWorld): object[] {
  const host = (h: string) => (w.vsNamespace === APP_NS ? h : fqdn(h));
  if (w.hostLevel) {
    return [
      { destination: { host: host('web-stable') }, weight: w.stableWeight },
      { destination: { host: host('web-canary') }, weight: 100 - w.stableWeight },
    ];
  }
  return [
    { destination: { host: host('web'), subset: 'stable' }, weight: w.stableWeight },
    { destination: { host: host('web'), subset: 'canary' }, weight: 100 - w.stableWeight },
  ];
}

function virtualService(w: BaseWorld): KubeObject {
  const spec: Record<string, unknown> = {
    hosts: w.vsHosts,
    http: w.http ?? [{ name: 'primary', route: primaryRoute(w) }],
  };
  if (w.vsGateways) spec['gateways'] = w.vsGateways;
  if (w.vsExportTo) spec['exportTo'] = w.vsExportTo;
  if (w.tcp) spec['tcp'] = w.tcp;
  if (w.tls) spec['tls'] = w.tls;
  return istio('VirtualService', 'web-vs', spec, w.vsNamespace);
}

function services(w: BaseWorld): KubeObject[] {
  const opts = { portName: w.portName, port: servicePort(w) };
  const exported = w.serviceExportTo === undefined ? opts : { ...opts, exportTo: w.serviceExportTo };
  if (!w.hostLevel) return [service('web', { app: 'web' }, exported)];
  return [
    service('web-stable', { app: 'web', 'rollouts-pod-template-hash': STABLE_HASH }, exported),
    service('web-canary', { app: 'web', 'rollouts-pod-template-hash': CANARY_HASH }, exported),
  ];
}

export function worldObjects(w: BaseWorld): KubeObject[] {
  const r = w.replicas;
  const objects: KubeObject[] = [
    namespace(APP_NS, true),
    namespace('front', w.frontInjected),
    namespace('legacy', false),
    namespace('routing', false),
    namespace('istio-system', false),
    ...services(w),
    ...pods('web', STABLE_HASH, r.stable, r.stableReady),
    ...pods('web', CANARY_HASH, r.canary, r.canaryReady),
    virtualService(w),
    gateway('web-gw'),
  ];
  if (!w.hostLevel && w.drSubsets !== null) {
    objects.push(subsetRule('web-dr', 'web', w.drSubsets, w.drExportTo ? { exportTo: w.drExportTo } : {}));
  }
  return [...objects, ...w.extra];
}

function rolloutShape(w: BaseWorld): RolloutShape {
  const vsRef = w.vsNamespace === APP_NS ? 'web-vs' : `web-vs.${w.vsNamespace}`;
  if (w.hostLevel)
    return { virtualServices: [vsRef], services: { canary: 'web-canary', stable: 'web-stable' } };
  return { virtualServices: [vsRef], destinationRule: 'web-dr' };
}

const GATEWAY_CALLER: OracleCaller = {
  kind: 'gateway',
  namespace: 'istio-system',
  labels: { istio: 'ingressgateway' },
};

/** A name the VirtualService's hosts cover, as a client of the gateway sends it. */
function gatewayHost(w: BaseWorld): string {
  const named = w.vsHosts.find((h) => !h.startsWith('*'));
  if (named !== undefined) return named.includes('.') ? named : fqdn(named, w.vsNamespace);
  const wildcard = w.vsHosts.find((h) => h.startsWith('*.') && fqdn('web').endsWith(h.slice(1)));
  return wildcard === undefined ? 'shop.example.com' : fqdn('web');
}

/** Who asks: sidecars in `app` and `front` by several names, a plain caller, and the gateway when bound. */
export function worldProbes(w: BaseWorld): Probe[] {
  const svc = w.hostLevel ? 'web-stable' : 'web';
  const port = servicePort(w);
  const probes: Probe[] = [];
  const sidecar = (ns: string): OracleCaller => ({ kind: 'sidecar', namespace: ns, labels: w.callerLabels });
  for (const host of [svc, `${svc}.${APP_NS}`, fqdn(svc)]) {
    probes.push({ caller: sidecar(APP_NS), host, port, path: { kind: 'mesh', from: APP_NS } });
  }
  const front: OracleCaller = w.frontInjected
    ? sidecar('front')
    : { kind: 'plain', namespace: 'front', labels: w.callerLabels };
  for (const host of [`${svc}.${APP_NS}`, fqdn(svc)]) {
    probes.push({
      caller: front,
      host,
      port,
      path: { kind: w.frontInjected ? 'mesh' : 'plain', from: 'front' },
    });
  }
  probes.push({
    caller: { kind: 'plain', namespace: 'legacy' },
    host: fqdn(svc),
    port,
    path: { kind: 'plain', from: 'legacy' },
  });
  // The gateway path is probed only when the VirtualService binds the Gateway that exists (app/web-gw): a
  // `web-gw` named from another namespace is a Gateway there, which no proxy serves.
  const gateways = (w.vsGateways ?? []).map((g) => (g.includes('/') ? g : `${w.vsNamespace}/${g}`));
  if (gateways.includes(`${APP_NS}/web-gw`)) {
    probes.push({
      caller: GATEWAY_CALLER,
      host: gatewayHost(w),
      port: 80,
      path: { kind: 'gateway', from: `${APP_NS}/web-gw` },
    });
  }
  return probes;
}

export function scenarioOf(family: string, name: string, w: BaseWorld): OracleScenario {
  const canaryWeight = 100 - w.stableWeight;
  return {
    family,
    name,
    objects: worldObjects(w),
    state: {
      rollout: rollout(rolloutShape(w)),
      canaryWeight,
      canaryHash: CANARY_HASH,
      stableHash: STABLE_HASH,
    },
    probes: worldProbes(w),
  };
}
