import type {
  DestinationRule,
  MtlsMode,
  PeerAuthentication,
  Service,
  Sidecar,
  VirtualService,
} from '../api/index.js';
import { POD_TEMPLATE_HASH_LABEL } from '../api/index.js';
import { isMeshBound, parseServiceFqdn, resolveHost, serviceFqdn } from './hosts.js';
import type { EndpointGroup, MeshSnapshot, NamespaceInfo, RolloutTrafficState } from './snapshot.js';
import { DEFAULT_ROOT_NAMESPACE } from './snapshot.js';

/** Lookup tables over one snapshot, built once and shared by every Rollout analysed against it. */
export interface SnapshotIndex {
  snapshot: MeshSnapshot;
  rootNs: string;
  namespaces: Map<string, NamespaceInfo>;
  services: Map<string, Service>;
  groupsByNs: Map<string, EndpointGroup[]>;
  /** Mesh-bound VirtualServices by exact resolved host, and those with a `*.suffix` host. */
  meshVsByHost: Map<string, VirtualService[]>;
  meshVsWildcard: VirtualService[];
  destinationRulesByHost: Map<string, DestinationRule[]>;
  peerAuthByNs: Map<string, PeerAuthentication[]>;
  /** Namespace-wide Sidecars (no workloadSelector) by namespace. */
  sidecarByNs: Map<string, Sidecar>;
  /** `ns/name` of every Gateway. */
  gateways: Set<string>;
}

const indexes = new WeakMap<MeshSnapshot, SnapshotIndex>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function nsOf(obj: { metadata: { namespace?: string } }): string {
  return obj.metadata.namespace ?? 'default';
}

/**
 * What indexing reads of each object, kept for frozen objects (cached ones: replaced, never changed) so a snapshot
 * of mostly unchanged objects is indexed without resolving the same hosts again.
 */
const serviceKeys = new WeakMap<Service, string>();
const meshHosts = new WeakMap<VirtualService, { exact: string[]; wildcard: boolean }>();
const ruleHosts = new WeakMap<DestinationRule, string>();

function remembered<K extends object, V>(memo: WeakMap<K, V>, object: K, compute: (object: K) => V): V {
  let value = memo.get(object);
  if (value === undefined) {
    value = compute(object);
    if (Object.isFrozen(object)) memo.set(object, value);
  }
  return value;
}

function serviceKey(svc: Service): string {
  return remembered(serviceKeys, svc, (s) => serviceFqdn(s.metadata.name, nsOf(s)));
}

export function indexSnapshot(snapshot: MeshSnapshot): SnapshotIndex {
  const cached = indexes.get(snapshot);
  if (cached) return cached;
  const index: SnapshotIndex = {
    snapshot,
    rootNs: snapshot.rootNamespace ?? DEFAULT_ROOT_NAMESPACE,
    namespaces: new Map(snapshot.namespaces.map((n) => [n.name, n])),
    services: new Map(snapshot.services.map((s) => [serviceKey(s), s])),
    groupsByNs: new Map(),
    meshVsByHost: new Map(),
    meshVsWildcard: [],
    destinationRulesByHost: new Map(),
    peerAuthByNs: new Map(),
    sidecarByNs: new Map(),
    gateways: new Set(snapshot.gateways.map((g) => `${nsOf(g)}/${g.metadata.name}`)),
  };
  for (const group of snapshot.endpoints) push(index.groupsByNs, group.namespace, group);
  for (const vs of snapshot.virtualServices) indexMeshVs(index, vs);
  for (const dr of snapshot.destinationRules) {
    push(
      index.destinationRulesByHost,
      remembered(ruleHosts, dr, (d) => resolveHost(d.spec.host, nsOf(d))),
      dr,
    );
  }
  for (const pa of snapshot.peerAuthentications) push(index.peerAuthByNs, nsOf(pa), pa);
  for (const sc of snapshot.sidecars) {
    if (!sc.spec.workloadSelector && !index.sidecarByNs.has(nsOf(sc))) index.sidecarByNs.set(nsOf(sc), sc);
  }
  indexes.set(snapshot, index);
  return index;
}

/** A mesh-bound VirtualService's resolved exact hosts and whether it has a `*.suffix` one (none when not bound). */
function meshHostsOf(vs: VirtualService): { exact: string[]; wildcard: boolean } {
  const hosts = { exact: [] as string[], wildcard: false };
  if (!isMeshBound(vs)) return hosts;
  for (const host of vs.spec.hosts ?? []) {
    const resolved = resolveHost(host, nsOf(vs));
    if (resolved.startsWith('*.')) hosts.wildcard = true;
    else if (resolved !== '*') hosts.exact.push(resolved);
  }
  return hosts;
}

function indexMeshVs(index: SnapshotIndex, vs: VirtualService): void {
  const hosts = remembered(meshHosts, vs, meshHostsOf);
  for (const host of hosts.exact) push(index.meshVsByHost, host, vs);
  if (hosts.wildcard) index.meshVsWildcard.push(vs);
}

/**
 * A key equal for two callers exactly when they resolve the DestinationRules of these hosts the same way: only a
 * rule in the caller's own namespace, or a restricted exportTo, makes the choice depend on the caller.
 */
export function destinationRuleClass(
  index: SnapshotIndex,
  hosts: readonly string[],
  callerNs: string,
): string {
  for (const host of hosts) {
    for (const dr of index.destinationRulesByHost.get(host) ?? []) {
      if (nsOf(dr) === callerNs || (dr.spec.exportTo ?? []).some((e) => e !== '*')) return callerNs;
    }
  }
  return '';
}

export function findService(index: SnapshotIndex, fqdn: string): Service | undefined {
  return parseServiceFqdn(fqdn) ? index.services.get(fqdn) : undefined;
}

export function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}

/** Ready endpoints a Service (narrowed by subset labels) selects, and how many of them run the canary. */
export interface EndpointCount {
  ready: number;
  canaryReady: number;
  groups: EndpointGroup[];
}

export function isCanaryGroup(group: EndpointGroup, state: RolloutTrafficState): boolean {
  const hash = group.labels[POD_TEMPLATE_HASH_LABEL];
  return state.canaryHash !== '' && state.canaryHash !== state.stableHash && hash === state.canaryHash;
}

/** A Service without a selector has no endpoints truesplit can see: it counts as selecting nothing. */
export function countEndpoints(
  index: SnapshotIndex,
  service: Service,
  state: RolloutTrafficState,
  subsetLabels: Record<string, string> = {},
): EndpointCount {
  const count: EndpointCount = { ready: 0, canaryReady: 0, groups: [] };
  const selector = service.spec.selector;
  if (!selector || Object.keys(selector).length === 0) return count;
  for (const group of index.groupsByNs.get(nsOf(service)) ?? []) {
    if (!labelsMatch(selector, group.labels) || !labelsMatch(subsetLabels, group.labels)) continue;
    count.groups.push(group);
    count.ready += group.ready;
    if (isCanaryGroup(group, state)) count.canaryReady += group.ready;
  }
  return count;
}

/**
 * The DestinationRule a caller in `callerNs` uses for `fqdn`: Istio prefers the caller's namespace, then the
 * Service's namespace, then the root namespace; `exportTo` must let the caller see it.
 */
export function destinationRuleFor(
  index: SnapshotIndex,
  fqdn: string,
  visible: (dr: DestinationRule) => boolean,
  callerNs: string,
): DestinationRule | undefined {
  const candidates = (index.destinationRulesByHost.get(fqdn) ?? []).filter(visible);
  const serviceNs = parseServiceFqdn(fqdn)?.namespace;
  for (const ns of [callerNs, serviceNs, index.rootNs]) {
    const found = candidates.find((dr) => nsOf(dr) === ns);
    if (found) return found;
  }
  return candidates[0];
}

/** The Sidecar that shapes a caller namespace's egress: its own namespace-wide one, else the root one. */
export function callerSidecar(index: SnapshotIndex, callerNs: string): Sidecar | undefined {
  return index.sidecarByNs.get(callerNs) ?? index.sidecarByNs.get(index.rootNs);
}

/** Effective mTLS mode of a pod group: workload policy, then namespace policy, then mesh policy (root namespace). */
export function effectiveMtls(
  index: SnapshotIndex,
  group: EndpointGroup,
): { mode: MtlsMode; policy?: PeerAuthentication } {
  const inNs = index.peerAuthByNs.get(group.namespace) ?? [];
  const workload = inNs.find((pa) => {
    const sel = pa.spec.selector?.matchLabels;
    return sel !== undefined && Object.keys(sel).length > 0 && labelsMatch(sel, group.labels);
  });
  const namespaceWide = (list: readonly PeerAuthentication[]) =>
    list.find((pa) => Object.keys(pa.spec.selector?.matchLabels ?? {}).length === 0);
  const levels = [workload, namespaceWide(inNs), namespaceWide(index.peerAuthByNs.get(index.rootNs) ?? [])];
  for (const policy of levels) {
    const mode = policy?.spec.mtls?.mode;
    if (policy && mode !== undefined && mode !== 'UNSET') return { mode, policy };
  }
  return { mode: 'PERMISSIVE' };
}
