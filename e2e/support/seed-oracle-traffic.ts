/**
 * The set-up the observed-split oracle tests share (ADR 0271): what they need to run, the seed demo with its Rollout's
 * annotations, the gateway and in-mesh callers, traffic that follows the oracle's routes for the canary at hand, and
 * the fix that binds the seed's VirtualService to `mesh` with the Service FQDN.
 */
import { expect } from 'vitest';
import type { Rollout } from '../../src/api/rollout.ts';
import { ClientCluster } from '../../src/kube/client-cluster.ts';
import { loadKubeConfig } from '../../src/kube/kubeconfig.ts';
import {
  DEMO_GATEWAY,
  DEMO_NAMESPACE,
  DEMO_ROLLOUT,
  DEMO_VIRTUAL_SERVICE,
  demoObjects,
} from '../../src/sandbox/demo.ts';
import { OracleProcess, oracleAvailable, ORACLE_BIN } from '../../test/oracle/client.ts';
import type { E2eEnvironment } from './environment.ts';
import { startIstioTraffic, type IstioTraffic } from './istio-traffic.ts';
import { followIstioRoutes, type FollowedCaller, type OracleTraffic } from './oracle-traffic.ts';
import {
  prometheusBinary,
  startMetricsEndpoint,
  startPrometheus,
  type MetricsEndpoint,
  type PrometheusServer,
} from './prometheus.ts';

/** The seed Rollout's Service as a gateway names it. */
export const SEED_FQDN = `${DEMO_ROLLOUT}.${DEMO_NAMESPACE}.svc.cluster.local`;
export const ARTIFACTS = '.cache/e2e-artifacts';

/**
 * What `suite` lacks of the oracle and Prometheus: under CI a missing one is an error; elsewhere the suite is skipped
 * with a line saying why.
 */
export function missingForOracle(suite: string): string[] {
  const missing = [
    ...(oracleAvailable() ? [] : [`the Istio oracle (${ORACLE_BIN}; npm run oracle:build)`]),
    ...(prometheusBinary() ? [] : ['Prometheus (apt-get install prometheus)']),
  ];
  if (missing.length > 0 && process.env.CI) throw new Error(`${suite} e2e needs ${missing.join(' and ')}`);
  if (missing.length > 0) console.log(`${suite} e2e skipped: no ${missing.join(', no ')}`);
  return missing;
}

/**
 * The ingress gateway by the Service FQDN (which hosts ["*"] and the fix both cover) and a sidecar in the Rollout's
 * namespace dialling the short name, `requestsPerTick` each.
 */
export function seedCallers(requestsPerTick: number): FollowedCaller[] {
  return [
    {
      path: 'gateway',
      caller: { kind: 'gateway', namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
      host: SEED_FQDN,
      port: 80,
      requestsPerTick,
    },
    {
      path: 'mesh',
      caller: { kind: 'sidecar', namespace: DEMO_NAMESPACE, labels: { app: 'web-client' } },
      host: DEMO_ROLLOUT,
      port: 80,
      requestsPerTick,
    },
  ];
}

/** The seed demo, its Rollout annotated with `annotations`. */
export function seedAnnotated(
  annotations: Record<string, string>,
): { kind: string; metadata: { namespace?: string } }[] {
  return demoObjects().map(({ object }) => {
    if (object.kind !== 'Rollout') return object;
    const rollout = structuredClone(object) as Rollout;
    rollout.metadata.annotations = annotations;
    return rollout;
  });
}

/** The endpoint the traffic's `istio_requests_total` is served on, and a real Prometheus scraping it every second. */
export interface SeedTelemetry {
  endpoint: MetricsEndpoint;
  prometheus: PrometheusServer;
  stop(): Promise<void>;
}

export async function startSeedTelemetry(): Promise<SeedTelemetry> {
  const endpoint = await startMetricsEndpoint();
  try {
    const prometheus = await startPrometheus({ targets: [endpoint.target], scrapeIntervalSeconds: 1 });
    return {
      endpoint,
      prometheus,
      async stop() {
        await prometheus.stop();
        await endpoint.close();
      },
    };
  } catch (err) {
    await endpoint.close();
    throw err;
  }
}

/** Requests counted in `istio_requests_total` that go where the oracle says Istio sends each caller. */
export interface SeedTraffic {
  following: OracleTraffic;
  stop(): Promise<void>;
}

/** Starts traffic on `endpoint` to the paused canary's two revisions, following the oracle's routes for `callers`. */
export function followSeedTraffic(options: {
  env: E2eEnvironment;
  endpoint: MetricsEndpoint;
  /** The canary's and the stable's pod-template hashes. */
  revisions: { canary: string | undefined; stable: string | undefined };
  callers: readonly FollowedCaller[];
  namespaces: readonly string[];
}): SeedTraffic {
  const traffic: IstioTraffic = startIstioTraffic(options.endpoint, {
    service: DEMO_ROLLOUT,
    namespace: DEMO_NAMESPACE,
    canaryRevision: options.revisions.canary ?? '',
    stableRevision: options.revisions.stable ?? '',
    callers: { mesh: { workload: 'web-client', namespace: DEMO_NAMESPACE } },
  });
  const oracle = new OracleProcess();
  const following = followIstioRoutes({
    cluster: new ClientCluster(loadKubeConfig({ kubeconfig: options.env.plane.kubeconfigPath })),
    oracle,
    traffic,
    rollout: { namespace: DEMO_NAMESPACE, name: DEMO_ROLLOUT },
    namespaces: options.namespaces,
    callers: options.callers,
    log: (line) => console.log(`oracle traffic: ${line}`),
  });
  return {
    following,
    async stop() {
      await following.stop();
      traffic.stop();
      await oracle.close();
    },
  };
}

/** The fix: the seed's VirtualService bound to `mesh` as well, with the Service FQDN as its host. */
export async function bindSeedToMesh(env: E2eEnvironment): Promise<void> {
  const vs = await env.admin.virtualService(DEMO_NAMESPACE, DEMO_VIRTUAL_SERVICE);
  await env.admin.replaceVirtualService({
    ...vs,
    spec: { ...vs.spec, gateways: [DEMO_GATEWAY, 'mesh'], hosts: [SEED_FQDN] },
  });
}

/** `actual` is a number within `tolerance` of `expected`. */
export function expectNear(actual: number | null | undefined, expected: number, tolerance: number): void {
  expect(actual).toBeTypeOf('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThan(tolerance);
}
