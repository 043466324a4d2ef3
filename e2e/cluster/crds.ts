/**
 * Installs CustomResourceDefinitions from YAML files with a plain create
 * (an update when the CRD already exists) and waits until each is
 * Established. No client-side apply: the Istio DestinationRule CRD is larger
 * than the 256 KiB last-applied-configuration annotation allows.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeAccess } from './kube-http.ts';
import { kubeCall, kubeRequest, waitFor } from './kube-http.ts';

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string; resourceVersion?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

/** Every CRD document in the *.yaml / *.yml files of `dir` (sorted by file name). */
export function readCrds(dir: string): Crd[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const crds: Crd[] = [];
  for (const file of files) {
    const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      const obj = doc.toJS({ maxAliasCount: -1 }) as Crd | null;
      if (obj?.kind === 'CustomResourceDefinition') crds.push(obj);
    }
  }
  return crds;
}

async function createOrUpdate(access: KubeAccess, crd: Crd): Promise<void> {
  const created = await kubeCall(access, 'POST', CRD_PATH, { body: crd, allow: [409] });
  if (created.status !== 409) return;
  const path = `${CRD_PATH}/${crd.metadata.name}`;
  const current = (await kubeCall(access, 'GET', path)).body as Crd;
  const body = { ...crd, metadata: { ...crd.metadata, resourceVersion: current.metadata.resourceVersion } };
  await kubeCall(access, 'PUT', path, { body });
}

function isEstablished(crd: Crd): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

/** Creates the CRDs found in `dirs` and waits until all are Established. Returns their names. */
export async function installCrds(access: KubeAccess, dirs: string[], timeoutMs = 60_000): Promise<string[]> {
  const crds = dirs.flatMap(readCrds);
  for (const crd of crds) await createOrUpdate(access, crd);
  for (const crd of crds) {
    const path = `${CRD_PATH}/${crd.metadata.name}`;
    await waitFor(
      `CRD ${crd.metadata.name} Established`,
      timeoutMs,
      async () => {
        const res = await kubeRequest(access, 'GET', path);
        return res.status === 200 && isEstablished(res.body as Crd) ? true : undefined;
      },
      100,
    );
  }
  return crds.map((c) => c.metadata.name);
}
