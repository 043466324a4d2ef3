import type { Sidecar, VirtualService } from '../api/index.js';

/**
 * Istio naming rules the path model depends on: host expansion, wildcard matching, gateway binding, `exportTo`
 * visibility and Sidecar egress imports (spec/traffic-paths.md §2.1–2.3).
 */

export const MESH_GATEWAY = 'mesh';
const CLUSTER_SUFFIX = '.svc.cluster.local';

export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}${CLUSTER_SUFFIX}`;
}

/** `name.ns.svc.cluster.local` → `{name, namespace}`; anything else → undefined (not a cluster Service). */
export function parseServiceFqdn(fqdn: string): { name: string; namespace: string } | undefined {
  if (!fqdn.endsWith(CLUSTER_SUFFIX)) return undefined;
  const parts = fqdn.slice(0, -CLUSTER_SUFFIX.length).split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { name: parts[0], namespace: parts[1] };
}

/**
 * Istio's `ResolveShortnameToFQDN`: a host without a dot is expanded relative to the namespace of the object
 * that names it; anything with a dot (`reviews.a`) is taken literally and so does not match the Service FQDN.
 */
export function resolveHost(host: string, namespace: string): string {
  if (host === '*' || host.includes('.') || host.includes(':')) return host;
  return serviceFqdn(host, namespace);
}

export type HostMatch = 'exact' | 'wildcard';

/** How a (resolved) host pattern covers an FQDN: exactly, through a `*.suffix` wildcard, or not at all. */
export function matchHost(pattern: string, fqdn: string): HostMatch | undefined {
  if (pattern === fqdn) return 'exact';
  if (pattern === '*') return 'wildcard';
  if (pattern.startsWith('*.') && fqdn.endsWith(pattern.slice(1))) return 'wildcard';
  return undefined;
}

/** The best match among a VirtualService's hosts for an FQDN (exact beats wildcard). */
export function vsHostMatch(vs: VirtualService, fqdn: string): HostMatch | undefined {
  const ns = vs.metadata.namespace ?? 'default';
  let best: HostMatch | undefined;
  for (const host of vs.spec.hosts ?? []) {
    if (host === '*') continue;
    const match = matchHost(resolveHost(host, ns), fqdn);
    if (match === 'exact') return 'exact';
    best ??= match;
  }
  return best;
}

export function hasStarHost(vs: VirtualService): boolean {
  return (vs.spec.hosts ?? []).includes('*');
}

/**
 * A gateway reference as `ns/name` (`mesh` stays `mesh`). Short names are relative to `namespace`; the legacy
 * `name.ns.svc.cluster.local` form is accepted.
 */
export function resolveGatewayRef(ref: string, namespace: string): string {
  if (ref === MESH_GATEWAY) return MESH_GATEWAY;
  if (ref.includes('/')) return ref;
  const dotted = ref.split('.');
  if (dotted.length > 1 && dotted[0] && dotted[1]) return `${dotted[1]}/${dotted[0]}`;
  return `${namespace}/${ref}`;
}

/** Rule 2.1: omitted `gateways` ⇒ mesh only; any gateway listed ⇒ mesh only when listed explicitly. */
export function vsGateways(vs: VirtualService): string[] {
  const listed = vs.spec.gateways ?? [];
  if (listed.length === 0) return [MESH_GATEWAY];
  const ns = vs.metadata.namespace ?? 'default';
  return listed.map((g) => resolveGatewayRef(g, ns));
}

export function isMeshBound(vs: VirtualService): boolean {
  return vsGateways(vs).includes(MESH_GATEWAY);
}

/**
 * Why Istio's validation rejects the whole VirtualService (for the mesh and its gateways alike), if it does: `*`
 * bound to `mesh`, two hosts where one covers the other, or no `http`, `tcp` or `tls` route at all.
 */
export function istioRejection(vs: VirtualService): string | undefined {
  if (isMeshBound(vs) && hasStarHost(vs)) return MESH_WILDCARD;
  const hosts = vs.spec.hosts ?? [];
  for (let i = 0; i < hosts.length; i++) {
    for (const other of hosts.slice(i + 1)) {
      const one = hosts[i] ?? '';
      if (covers(one, other) || covers(other, one)) return `it has overlapping hosts ${one} and ${other}`;
    }
  }
  const routes = [vs.spec.http, vs.spec.tcp, vs.spec.tls].reduce((n, list) => n + (list ?? []).length, 0);
  return routes === 0 ? 'it has no http, tcp or tls route' : undefined;
}

export const MESH_WILDCARD = 'host "*" bound to the mesh';

/** Istio's host matching within one VirtualService: equal, or a wildcard covering the other name. */
function covers(pattern: string, name: string): boolean {
  if (pattern === name || pattern === '*') return true;
  return pattern.startsWith('*') && name.endsWith(pattern.slice(1));
}

export function istioRejects(vs: VirtualService): boolean {
  return istioRejection(vs) !== undefined;
}

/** The caller namespace of a generic path ("any namespace"): matches only `*` entries. */
export const ANY_NAMESPACE = '*';

/** Rule 2.3: `exportTo` omitted ⇒ everywhere; `.` ⇒ own namespace; `~` ⇒ nowhere; names ⇒ those namespaces. */
export function isExportedTo(
  exportTo: readonly string[] | undefined,
  ownNs: string,
  callerNs: string,
): boolean {
  if (exportTo === undefined || exportTo.length === 0) return true;
  return exportTo.some((entry) => {
    if (entry === '*') return true;
    if (callerNs === ANY_NAMESPACE) return false;
    if (entry === '.') return ownNs === callerNs;
    return entry === callerNs;
  });
}

/**
 * Whether a Sidecar's egress imports `fqdn` from `targetNs` for a workload in `callerNs`. Entries are `ns/host`
 * with `ns` one of `*`, `.` (the workload's namespace), `~` (nothing) or a name; `host` is `*`, `*.suffix` or
 * an FQDN.
 */
export function sidecarImports(sidecar: Sidecar, callerNs: string, targetNs: string, fqdn: string): boolean {
  for (const listener of sidecar.spec.egress ?? []) {
    for (const entry of listener.hosts) {
      const slash = entry.indexOf('/');
      if (slash < 0) continue;
      const ns = entry.slice(0, slash);
      const host = entry.slice(slash + 1);
      const nsOk = ns === '*' || ns === targetNs || (ns === '.' && callerNs === targetNs);
      if (nsOk && matchHost(host, fqdn) !== undefined) return true;
    }
  }
  return false;
}
