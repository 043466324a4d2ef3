/**
 * "Apply fix" in the sandbox: sends the object writes behind the fixes the path model proposes
 * (src/mesh/fix-writes.ts, the same writes the finding's YAML shows), for the finding codes where one change is
 * clearly right. Other codes show their YAML only.
 */
import type { IstioVirtualServiceRef, Rollout } from '../api/rollout.js';
import type { VirtualService } from '../api/istio.js';
import type { Cluster, KindName, NewObject } from '../kube/cluster.js';
import { isNotFound } from '../kube/errors.js';
import {
  addHostWrite,
  bindToMeshWrite,
  injectionWrites,
  meshCopyName,
  meshCopyWrite,
  podRatioReplicas,
  podRatioWrite,
  virtualServicesWrite,
  type FixWrite,
} from '../mesh/fix-writes.js';
import { hasStarHost, isMeshBound, resolveHost, serviceFqdn } from '../mesh/hosts.js';
import { routingOf, splitVirtualServiceRef } from '../traffic/istio/roles.js';

export type FixOptionId = 'bind-mesh' | 'inject-callers' | 'pod-ratio';

export interface FixOption {
  id: FixOptionId;
  label: string;
}

/** The fixes the sandbox can apply for a finding code, the first being the default. */
export const APPLICABLE_FIXES: Readonly<Record<string, readonly FixOption[]>> = {
  'mesh-binding': [{ id: 'bind-mesh', label: 'Bind routing to the mesh' }],
  'mesh-wildcard': [{ id: 'bind-mesh', label: 'Split into gateway and mesh VirtualServices' }],
  'mesh-host': [{ id: 'bind-mesh', label: 'Add the Service FQDN to hosts' }],
  'plain-callers': [
    { id: 'inject-callers', label: 'Inject sidecars into the caller namespaces' },
    { id: 'pod-ratio', label: 'Make the pod ratio follow the weight' },
  ],
};

export interface FixRequest {
  code: string;
  namespace: string;
  rollout: string;
  option?: FixOptionId;
  /** Caller namespaces of the paths that raised the finding (for `inject-callers`). */
  callerNamespaces?: string[];
}

export interface FixResult {
  option: FixOptionId;
  /** One line per object written. */
  changes: string[];
}

export class FixError extends Error {
  override readonly name = 'FixError';
}

export async function applyFix(cluster: Cluster, request: FixRequest): Promise<FixResult> {
  const options = APPLICABLE_FIXES[request.code];
  if (!options)
    throw new FixError(`no automatic fix for finding "${request.code}": apply the YAML shown with it`);
  const option = request.option ?? options[0]!.id;
  if (!options.some((o) => o.id === option)) {
    throw new FixError(`fix option "${option}" does not apply to finding "${request.code}"`);
  }
  const rollout = await getRollout(cluster, request.namespace, request.rollout);
  switch (option) {
    case 'bind-mesh':
      return { option, changes: await bindToMesh(cluster, rollout) };
    case 'inject-callers':
      return { option, changes: await injectCallers(cluster, request.callerNamespaces ?? []) };
    case 'pod-ratio':
      return { option, changes: await followWeightWithPods(cluster, rollout) };
  }
}

async function getRollout(cluster: Cluster, namespace: string, name: string): Promise<Rollout> {
  try {
    return await cluster.get('Rollout', namespace, name);
  } catch (err) {
    if (isNotFound(err)) throw new FixError(`Rollout ${namespace}/${name} not found`);
    throw err;
  }
}

/** Sends one write of a fix: a create, or a merge patch. */
async function send(cluster: Cluster, write: FixWrite): Promise<void> {
  const kind = write.target.kind as KindName;
  if (write.action === 'create')
    await cluster.create(kind, write.object as unknown as NewObject<VirtualService>);
  else await cluster.patch(kind, write.target.namespace, write.target.name, write.patch);
}

/** The FQDN in-mesh callers dial: the DestinationRule host (subset mode) or the stable Service (host-level). */
async function dialledFqdn(cluster: Cluster, rollout: Rollout): Promise<string> {
  const ns = rollout.metadata.namespace ?? 'default';
  const canary = rollout.spec.strategy.canary;
  const drRef = canary?.trafficRouting?.istio?.destinationRule;
  if (drRef) return resolveHost((await cluster.get('DestinationRule', ns, drRef.name)).spec.host, ns);
  if (canary?.stableService) return serviceFqdn(canary.stableService, ns);
  throw new FixError(`Rollout ${ns}/${rollout.metadata.name}: no destinationRule nor stableService to bind`);
}

async function bindToMesh(cluster: Cluster, rollout: Rollout): Promise<string[]> {
  const ns = rollout.metadata.namespace ?? 'default';
  const fqdn = await dialledFqdn(cluster, rollout);
  const targets = routingOf(rollout)?.virtualServices ?? [];
  const refs = targets.map((target) => target.ref);
  const changes: string[] = [];
  const nextRefs: IstioVirtualServiceRef[] = [];
  for (const { ref, namespace: vsNs, name } of targets) {
    const vs = await cluster.get('VirtualService', vsNs, name);
    nextRefs.push(ref);
    if (isMeshBound(vs) && !hasStarHost(vs)) {
      if (!(vs.spec.hosts ?? []).some((h) => resolveHost(h, vsNs) === fqdn)) {
        await send(cluster, addHostWrite(vs, fqdn));
        changes.push(`VirtualService/${vsNs}/${vs.metadata.name}: added host ${fqdn}`);
      }
    } else if (hasStarHost(vs)) {
      const meshVs = await createMeshVirtualService(cluster, vs, fqdn, refs);
      nextRefs.push({ ...ref, name: meshVs.metadata.name });
      changes.push(`VirtualService/${vsNs}/${meshVs.metadata.name}: created, bound to mesh for ${fqdn}`);
    } else {
      await send(cluster, bindToMeshWrite(vs, fqdn));
      changes.push(`VirtualService/${vsNs}/${vs.metadata.name}: added gateway mesh and host ${fqdn}`);
    }
  }
  if (nextRefs.length !== refs.length) {
    await send(cluster, virtualServicesWrite(rollout, nextRefs));
    changes.push(
      `Rollout/${ns}/${rollout.metadata.name}: trafficRouting.istio.virtualServices = ${nextRefs.map((r) => r.name).join(', ')}`,
    );
  }
  if (changes.length === 0)
    throw new FixError(`Rollout ${ns}/${rollout.metadata.name}: routing is already bound to the mesh`);
  return changes;
}

/** `hosts: ["*"]` must stay off a mesh-bound VirtualService: a second one carries the same routes for the mesh. */
async function createMeshVirtualService(
  cluster: Cluster,
  vs: VirtualService,
  fqdn: string,
  refs: IstioVirtualServiceRef[],
): Promise<VirtualService> {
  const vsNs = vs.metadata.namespace ?? 'default';
  const name = meshCopyName(vs);
  if (refs.some((r) => splitVirtualServiceRef(r.name, vsNs).name === name))
    throw new FixError(`VirtualService ${vsNs}/${name} is already listed`);
  const meshBound = (await cluster.list('VirtualService', { namespace: '' })).items.filter(
    (other) =>
      isMeshBound(other) &&
      (other.spec.hosts ?? []).some((h) => resolveHost(h, other.metadata.namespace ?? vsNs) === fqdn),
  );
  if (meshBound.length > 0) {
    const taken = meshBound.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).join(', ');
    throw new FixError(
      `${taken} already routes ${fqdn} for the mesh: list it under virtualServices instead (IST0109)`,
    );
  }
  await send(cluster, meshCopyWrite(vs, fqdn));
  return cluster.get('VirtualService', vsNs, name);
}

async function injectCallers(cluster: Cluster, namespaces: string[]): Promise<string[]> {
  const targets = [...new Set(namespaces.filter((ns) => ns !== '*' && ns !== ''))];
  if (targets.length === 0)
    throw new FixError('no caller namespace to inject: the plain callers are not declared');
  for (const write of injectionWrites(targets)) await send(cluster, write);
  return targets.map((ns) => `Namespace/${ns}: labelled istio-injection=enabled`);
}

async function followWeightWithPods(cluster: Cluster, rollout: Rollout): Promise<string[]> {
  const ns = rollout.metadata.namespace ?? 'default';
  const weights = (rollout.spec.strategy.canary?.steps ?? []).flatMap((s) =>
    s.setWeight !== undefined ? [s.setWeight] : [],
  );
  await send(cluster, podRatioWrite(rollout, weights));
  const replicas = podRatioReplicas(rollout, weights);
  return [`Rollout/${ns}/${rollout.metadata.name}: replicas ${replicas}, dynamicStableScale true`];
}
