/**
 * Fixes as data: the object writes (create, or merge patch) behind the fixes the path model proposes. The YAML a
 * finding shows (`fixes.ts`) renders these writes, and the sandbox's "apply fix" sends the same ones, so the two
 * can never describe different changes. Pure.
 */
import type { IstioVirtualServiceRef, Rollout, VirtualService } from '../api/index.js';
import type { MergePatch } from '../util/json.js';
import { MESH_GATEWAY } from './hosts.js';

export interface WriteTarget {
  kind: string;
  /** '' for cluster-scoped objects (Namespace). */
  namespace: string;
  name: string;
}

export type FixWrite =
  | { action: 'create'; target: WriteTarget; object: Record<string, unknown> }
  | { action: 'patch'; target: WriteTarget; patch: MergePatch };

const nsOf = (obj: { metadata: { namespace?: string } }) => obj.metadata.namespace ?? 'default';

const targetOf = (obj: { kind: string; metadata: { name: string; namespace?: string } }): WriteTarget => ({
  kind: obj.kind,
  namespace: nsOf(obj),
  name: obj.metadata.name,
});

/** What the YAML of a write shows: the whole object to create, or the merge patch. */
export const writeDocument = (write: FixWrite): unknown =>
  write.action === 'create' ? write.object : write.patch;

/** Bind a gateway-only VirtualService to the mesh: add `mesh` to its gateways and the Service FQDN to its hosts. */
export function bindToMeshWrite(vs: VirtualService, fqdn: string): FixWrite {
  const patch = {
    spec: { gateways: [...(vs.spec.gateways ?? []), MESH_GATEWAY], hosts: [...(vs.spec.hosts ?? []), fqdn] },
  };
  return { action: 'patch', target: targetOf(vs), patch };
}

/** Name the Service in a VirtualService's hosts (a `*` host is dropped: it is invalid on a mesh-bound one). */
export function addHostWrite(vs: VirtualService, fqdn: string): FixWrite {
  const hosts = (vs.spec.hosts ?? []).filter((h) => h !== '*');
  return { action: 'patch', target: targetOf(vs), patch: { spec: { hosts: [...hosts, fqdn] } } };
}

/** The name of the mesh-bound copy of a gateway VirtualService. */
export const meshCopyName = (vs: VirtualService): string => `${vs.metadata.name}-mesh`;

/** A mesh-bound copy of a gateway VirtualService (same routes, gateway matches dropped) for in-mesh callers. */
export function meshCopyWrite(vs: VirtualService, fqdn: string): FixWrite {
  const http = (vs.spec.http ?? []).map((route) => {
    const match = route.match?.map(({ gateways: _gateways, ...rest }) => rest);
    return match ? { ...route, match } : route;
  });
  const metadata = { name: meshCopyName(vs), namespace: nsOf(vs) };
  const object = {
    apiVersion: vs.apiVersion,
    kind: 'VirtualService',
    metadata,
    spec: { gateways: [MESH_GATEWAY], hosts: [fqdn], http },
  };
  return { action: 'create', target: { kind: 'VirtualService', ...metadata }, object };
}

/** The Rollout's VirtualService references, replaced by `virtualServices` (the single form is cleared). */
export function virtualServicesWrite(rollout: Rollout, virtualServices: IstioVirtualServiceRef[]): FixWrite {
  const istio = { virtualService: null, virtualServices };
  return {
    action: 'patch',
    target: targetOf(rollout),
    patch: { spec: { strategy: { canary: { trafficRouting: { istio } } } } },
  };
}

/** Label each caller namespace for sidecar injection. */
export function injectionWrites(namespaces: readonly string[]): FixWrite[] {
  return namespaces.map((name) => ({
    action: 'patch',
    target: { kind: 'Namespace', namespace: '', name },
    patch: { metadata: { labels: { 'istio-injection': 'enabled' } } },
  }));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Smallest replica count whose 1/replicas grid contains every weight (capped at 100). */
export function replicasForExactWeights(weights: readonly number[]): number {
  const divisor = weights.filter((w) => w > 0 && w < 100).reduce((g, w) => gcd(g, Math.round(w)), 100);
  return 100 / divisor;
}

/** The replica count that puts every weight on the 1/replicas grid, never below the Rollout's own. */
export function podRatioReplicas(rollout: Rollout, weights: readonly number[]): number {
  return Math.max(replicasForExactWeights(weights), rollout.spec.replicas ?? 1);
}

/** Make the pod ratio follow the weight: `podRatioReplicas` and dynamicStableScale. */
export function podRatioWrite(rollout: Rollout, weights: readonly number[]): FixWrite {
  const replicas = podRatioReplicas(rollout, weights);
  return {
    action: 'patch',
    target: targetOf(rollout),
    patch: { spec: { replicas, strategy: { canary: { dynamicStableScale: true } } } },
  };
}
