/**
 * The test side's view of the cluster, through @kubernetes/client-node: typed reads of Rollouts, ReplicaSets,
 * VirtualServices and DestinationRules, and the writes a user or `kubectl argo rollouts` makes (apply, set image,
 * promote, abort, retry) — each the same request Argo's CLI sends.
 */
import * as k8s from '@kubernetes/client-node';
import type { DestinationRule, VirtualService } from '../../src/api/istio.ts';
import type { Rollout } from '../../src/api/rollout.ts';
import type { ReplicaSet, Service } from '../../src/api/workloads.ts';

const ROLLOUTS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts' } as const;
const VIRTUAL_SERVICES = { group: 'networking.istio.io', version: 'v1', plural: 'virtualservices' } as const;
const DESTINATION_RULES = {
  group: 'networking.istio.io',
  version: 'v1',
  plural: 'destinationrules',
} as const;

const mergePatch = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export class E2eClient {
  readonly kc: k8s.KubeConfig;
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  readonly custom: k8s.CustomObjectsApi;
  readonly coordination: k8s.CoordinationV1Api;
  readonly rbac: k8s.RbacAuthorizationV1Api;

  constructor(kubeconfigPath: string) {
    this.kc = new k8s.KubeConfig();
    this.kc.loadFromFile(kubeconfigPath);
    this.core = this.kc.makeApiClient(k8s.CoreV1Api);
    this.apps = this.kc.makeApiClient(k8s.AppsV1Api);
    this.custom = this.kc.makeApiClient(k8s.CustomObjectsApi);
    this.coordination = this.kc.makeApiClient(k8s.CoordinationV1Api);
    this.rbac = this.kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  }

  async createNamespace(name: string): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name } } });
  }

  /** Creates every object of a fixture, in order (Services and routing before the Rollout). */
  async createAll(objects: readonly { kind: string; metadata: { namespace?: string } }[]): Promise<void> {
    const client = k8s.KubernetesObjectApi.makeApiClient(this.kc);
    for (const object of objects) await client.create(object);
  }

  async rollout(namespace: string, name: string): Promise<Rollout> {
    return (await this.custom.getNamespacedCustomObject({ ...ROLLOUTS, namespace, name })) as Rollout;
  }

  async virtualService(namespace: string, name: string): Promise<VirtualService> {
    return (await this.custom.getNamespacedCustomObject({
      ...VIRTUAL_SERVICES,
      namespace,
      name,
    })) as VirtualService;
  }

  async destinationRule(namespace: string, name: string): Promise<DestinationRule> {
    return (await this.custom.getNamespacedCustomObject({
      ...DESTINATION_RULES,
      namespace,
      name,
    })) as DestinationRule;
  }

  async replaceVirtualService(vs: VirtualService): Promise<VirtualService> {
    const { namespace = '', name } = vs.metadata;
    return (await this.custom.replaceNamespacedCustomObject({
      ...VIRTUAL_SERVICES,
      namespace,
      name,
      body: vs,
    })) as VirtualService;
  }

  async service(namespace: string, name: string): Promise<Service> {
    return (await this.core.readNamespacedService({ namespace, name })) as unknown as Service;
  }

  /** The Rollout's ReplicaSets (owner reference by name), oldest first. */
  async replicaSets(namespace: string, rolloutName: string): Promise<ReplicaSet[]> {
    const list = await this.apps.listNamespacedReplicaSet({ namespace });
    const owned = list.items.filter((rs) =>
      (rs.metadata?.ownerReferences ?? []).some((o) => o.kind === 'Rollout' && o.name === rolloutName),
    );
    owned.sort((a, b) => revision(a) - revision(b));
    return owned as unknown as ReplicaSet[];
  }

  async patchRolloutSpec(namespace: string, name: string, spec: Record<string, unknown>): Promise<void> {
    await this.custom.patchNamespacedCustomObject(
      { ...ROLLOUTS, namespace, name, body: { spec } },
      mergePatch(),
    );
  }

  async patchRolloutStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void> {
    await this.custom.patchNamespacedCustomObjectStatus(
      { ...ROLLOUTS, namespace, name, body: { status } },
      mergePatch(),
    );
  }

  /** `kubectl argo rollouts set image`: a new pod template, hence a new revision. */
  async setImage(namespace: string, name: string, image: string): Promise<void> {
    const current = await this.rollout(namespace, name);
    const containers = (current.spec.template?.spec?.containers ?? []).map((c, i) =>
      i === 0 ? { ...c, image } : c,
    );
    await this.patchRolloutSpec(namespace, name, { template: { spec: { containers } } });
  }

  /** `kubectl argo rollouts promote`: unpause the spec, clear the pause conditions on /status. */
  async promote(namespace: string, name: string): Promise<void> {
    await this.patchRolloutSpec(namespace, name, { paused: false });
    await this.patchRolloutStatus(namespace, name, { pauseConditions: null });
  }

  /** `kubectl argo rollouts abort`. */
  async abort(namespace: string, name: string): Promise<void> {
    await this.patchRolloutStatus(namespace, name, { abort: true });
  }

  /** `kubectl argo rollouts retry rollout`. */
  async retry(namespace: string, name: string): Promise<void> {
    await this.patchRolloutStatus(namespace, name, { abort: false });
  }
}

function revision(rs: k8s.V1ReplicaSet): number {
  return Number(rs.metadata?.annotations?.['rollout.argoproj.io/revision'] ?? 0);
}
