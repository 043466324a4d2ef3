/** Puts the sandbox's starting objects into the memory cluster: the demo, or the user's manifests. */
import { InputError } from '../manifests/errors.js';
import { formatLoadError, loadManifests } from '../manifests/loader.js';
import type { KubeObject } from '../api/meta.js';
import { RESOURCE_KINDS, type Cluster, type KindName, type NewObject } from '../kube/cluster.js';
import { demoObjects, type DemoAnalysis } from './demo.js';

export interface SeedResult {
  created: string[];
  /** Objects of kinds the sandbox does not model, skipped. */
  skipped: string[];
}

const isKindName = (kind: string): kind is KindName => Object.hasOwn(RESOURCE_KINDS, kind);

/** Strips what the API server owns, so exported manifests (`kubectl get -o yaml`) load too. */
function asNewObject(object: KubeObject): NewObject<KubeObject> {
  const {
    uid: _u,
    resourceVersion: _r,
    generation: _g,
    creationTimestamp: _c,
    ...metadata
  } = object.metadata;
  const { status: _status, ...rest } = object as KubeObject & { status?: unknown };
  return { ...rest, metadata };
}

/** Creates objects in order: namespaces first (missing ones created without labels), then everything else. */
export async function seedObjects(cluster: Cluster, objects: readonly KubeObject[]): Promise<SeedResult> {
  const result: SeedResult = { created: [], skipped: [] };
  const known = objects.filter((o) => isKindName(o.kind));
  for (const o of objects) if (!isKindName(o.kind)) result.skipped.push(`${o.kind}/${o.metadata.name}`);
  const declared = new Set(known.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const needed = new Set(known.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : [])));
  const implicit = [...needed]
    .filter((ns) => !declared.has(ns))
    .map((name): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  const ordered = [
    ...known.filter((o) => o.kind === 'Namespace'),
    ...implicit,
    ...known.filter((o) => o.kind !== 'Namespace'),
  ];
  for (const object of ordered) {
    const kind = object.kind as KindName;
    await cluster.create(kind, asNewObject(object) as never);
    const ns = object.metadata.namespace ? `${object.metadata.namespace}/` : '';
    result.created.push(`${kind}/${ns}${object.metadata.name}`);
  }
  return result;
}

export async function seedDemo(cluster: Cluster, analysis?: DemoAnalysis): Promise<SeedResult> {
  return seedObjects(
    cluster,
    demoObjects(analysis).map((d) => d.object as KubeObject),
  );
}

/** Loads every manifest under `dir` (recursive); any read or parse error fails with all of them listed. */
export async function seedFromDirectory(cluster: Cluster, dir: string): Promise<SeedResult> {
  const { objects, errors } = await loadManifests([dir]);
  if (errors.length > 0)
    throw new InputError(`cannot load ${dir}:\n${errors.map(formatLoadError).join('\n')}`);
  if (objects.length === 0) throw new InputError(`${dir}: no manifests found (.yaml, .yml, .json)`);
  return seedObjects(
    cluster,
    objects.map((o) => o.object),
  );
}
