/**
 * Traffic that follows Istio's own routes (ADR 0271): the callers of `istio-traffic.ts` send each request where
 * Istio's config generation (the oracle, hack/istio-oracle, one long-running `-serve` process) says that caller's
 * proxy would send it, on the e2e cluster's objects as they are now.
 *
 * API
 * - `followIstioRoutes(options)` → `OracleTraffic`. Every `pollMs` (default 1 s) it reads the Namespaces, Services
 *   and Pods of `namespaces` and every VirtualService, DestinationRule, Gateway, Sidecar and PeerAuthentication, and
 *   the Rollout's canary hash (`status.currentPodHash`; `none` once it equals `stableRS`). When any of it changed it
 *   asks the oracle, for each declared caller (a gateway, a sidecar in namespace N, a plain caller in N) dialling its
 *   host, the share that reaches pods labelled `rollouts-pod-template-hash=<canary hash>`, and after
 *   `propagationDelayMs` (default 0: the proxies got the config at once) sets the traffic plan to those shares. A
 *   caller Istio gives no route (share null) sends nothing. `shares()` the shares in effect; `waitFor(predicate)`
 *   until they satisfy it; `stop()` ends the polling (the oracle process is the caller's).
 * - The pods are the cluster's own: kube-controller-manager creates them from the ReplicaSets and the e2e pod-ready
 *   helper gives them a pod IP and the Ready condition; the oracle builds their EndpointSlices from the Services.
 */
import type { KubeObject } from '../../src/api/meta.ts';
import type { Cluster, KindName } from '../../src/kube/cluster.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/api/labels.ts';
import type { OracleCaller, OracleProcess, OracleResult } from '../../test/oracle/client.ts';
import { manifestsYaml } from '../../test/oracle/scenario.ts';
import type { CallerPath, IstioTraffic, TrafficPlan } from './istio-traffic.ts';
import { sleep } from './wait-for.ts';

export interface FollowedCaller {
  /** The series of `istio-traffic.ts` its requests are counted in. */
  path: CallerPath;
  caller: OracleCaller;
  /** The host as the caller names it, and the port. */
  host: string;
  port: number;
  requestsPerTick: number;
}

export interface OracleTrafficOptions {
  cluster: Cluster;
  oracle: OracleProcess;
  traffic: IstioTraffic;
  rollout: { namespace: string; name: string };
  /** Namespaces whose Services and Pods are read (Istio configs are read everywhere). */
  namespaces: readonly string[];
  callers: readonly FollowedCaller[];
  pollMs?: number;
  propagationDelayMs?: number;
  log?: (line: string) => void;
}

export type FollowedShares = Partial<Record<CallerPath, number | null>>;

export interface OracleTraffic {
  shares(): FollowedShares;
  waitFor(
    what: string,
    done: (shares: FollowedShares) => boolean,
    timeoutMs?: number,
  ): Promise<FollowedShares>;
  stop(): Promise<void>;
}

const MESH_WIDE: readonly KindName[] = [
  'VirtualService',
  'DestinationRule',
  'Gateway',
  'Sidecar',
  'PeerAuthentication',
];
const LOCAL: readonly KindName[] = ['Service', 'Pod'];

/** What the oracle needs of an object: identity, labels, spec; a pod's status (IP, phase, readiness). */
function forOracle(object: KubeObject): KubeObject {
  const { name, namespace, labels, annotations } = object.metadata;
  const metadata = { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) };
  const base = { apiVersion: object.apiVersion, kind: object.kind, metadata } as KubeObject & {
    spec?: unknown;
    status?: unknown;
  };
  const withSpec = object as KubeObject & {
    spec?: Record<string, unknown>;
    status?: Record<string, unknown>;
  };
  if (object.kind !== 'Pod') return { ...base, ...(withSpec.spec ? { spec: withSpec.spec } : {}) };
  const containers = ((withSpec.spec?.containers ?? []) as { name: string; image?: string }[]).map((c) => ({
    name: c.name,
    image: c.image ?? 'x',
  }));
  const status = withSpec.status ?? {};
  return {
    ...base,
    metadata: { ...metadata, ...(annotations ? { annotations } : {}) },
    spec: { containers },
    status: { phase: status.phase, podIP: status.podIP, conditions: status.conditions },
  } as KubeObject;
}

async function readObjects(options: OracleTrafficOptions): Promise<KubeObject[]> {
  const { cluster, namespaces } = options;
  const names = new Set(namespaces);
  const all: KubeObject[] = (await cluster.list('Namespace')).items.filter((n) => names.has(n.metadata.name));
  for (const kind of MESH_WIDE) all.push(...(await cluster.list(kind)).items);
  for (const namespace of namespaces) {
    for (const kind of LOCAL) all.push(...(await cluster.list(kind, { namespace })).items);
  }
  return all.map(forOracle);
}

async function canaryLabel(options: OracleTrafficOptions): Promise<string> {
  const { namespace, name } = options.rollout;
  const status = (await options.cluster.get('Rollout', namespace, name)).status;
  const hash = status?.currentPodHash ?? '';
  return `${POD_TEMPLATE_HASH_LABEL}=${hash === '' || hash === status?.stableRS ? 'none' : hash}`;
}

const callerKey = (c: OracleCaller) => `${c.kind}|${c.namespace}|${JSON.stringify(c.labels ?? {})}`;

function shareOf(results: readonly OracleResult[], followed: FollowedCaller): number | null {
  const result = results.find(
    (r) =>
      callerKey(r.caller) === callerKey(followed.caller) &&
      r.target.host === followed.host &&
      r.target.port === followed.port,
  );
  return result?.canaryShare ?? null;
}

export function followIstioRoutes(options: OracleTrafficOptions): OracleTraffic {
  const log = options.log ?? (() => undefined);
  let current: FollowedShares = {};
  let last = '';
  let stopped = false;
  let asked = 0;
  const evaluate = async (): Promise<void> => {
    const manifests = manifestsYaml(await readObjects(options));
    const canary = await canaryLabel(options);
    if (`${canary}\n${manifests}` === last) return;
    last = `${canary}\n${manifests}`;
    const callers = [...new Map(options.callers.map((c) => [callerKey(c.caller), c.caller])).values()];
    const hosts = [...new Map(options.callers.map((c) => [`${c.host}:${c.port}`, c])).values()];
    const answer = await options.oracle.ask({
      id: `follow-${++asked}`,
      manifests,
      callers,
      hosts: hosts.map((c) => ({ host: c.host, port: c.port })),
      canary,
    });
    if (answer.error) throw new Error(`istio-oracle: ${answer.error}`);
    const shares: FollowedShares = {};
    for (const followed of options.callers) shares[followed.path] = shareOf(answer.results ?? [], followed);
    if ((answer.rejected ?? []).length > 0) log(`oracle rejected: ${answer.rejected?.join('; ')}`);
    if (options.propagationDelayMs) await sleep(options.propagationDelayMs);
    current = shares;
    options.traffic.set(planOf(options.callers, shares));
    log(`routes changed (${canary}): ${JSON.stringify(shares)}`);
  };
  const loop = (async () => {
    while (!stopped) {
      await evaluate().catch((err: unknown) => log(`oracle traffic: ${String(err)}`));
      await sleep(options.pollMs ?? 1000);
    }
  })();
  return {
    shares: () => current,
    async waitFor(what, done, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(current)) {
        if (Date.now() > deadline)
          throw new Error(`oracle traffic: ${what}: shares ${JSON.stringify(current)}`);
        await sleep(200);
      }
      return current;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

function planOf(callers: readonly FollowedCaller[], shares: FollowedShares): TrafficPlan {
  const plan: TrafficPlan = {};
  for (const { path, requestsPerTick } of callers) {
    const canaryShare = shares[path];
    if (canaryShare !== null && canaryShare !== undefined) plan[path] = { requestsPerTick, canaryShare };
  }
  return plan;
}
