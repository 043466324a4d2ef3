/** Running the mutating verbs in-process against the in-memory cluster, and seeding it. */
import { Readable } from 'node:stream';
import type { Rollout, RolloutStatus } from '../../src/api/rollout.js';
import type { ReplicaSet } from '../../src/api/workloads.js';
import type { KubeTarget, LiveIo } from '../../src/cli/live/connect.js';
import { runCli } from '../../src/cli/run.js';
import type { Cluster } from '../../src/kube/cluster.js';

export const NS = 'shop';
export const NOW = Date.UTC(2026, 4, 4, 10, 0, 0, 250);
const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '1m' } }];

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  targets: KubeTarget[];
}

/** `truesplit ARGV` in-process against `cluster` (or failing to connect with it), output captured. */
export async function truesplit(cluster: Cluster | Error, argv: string[], isTTY = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const targets: KubeTarget[] = [];
  const io: LiveIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from([]),
    isTTY,
    env: {},
    now: () => NOW,
    connect: (target) => {
      targets.push(target);
      if (cluster instanceof Error) throw cluster;
      return { cluster, defaultNamespace: NS };
    },
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr, targets };
}

function rolloutManifest(name: string, namespace = NS): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'app', image: `${name}:2` },
            { name: 'proxy', image: 'proxy:1' },
          ],
        },
      },
      strategy: { canary: { steps: STEPS } },
    },
  };
}

/** A Rollout with the given status (written through /status, as the controller would). */
export async function seedRollout(
  cluster: Cluster,
  name: string,
  status: RolloutStatus,
  namespace = NS,
): Promise<Rollout> {
  await cluster.create('Rollout', rolloutManifest(name, namespace));
  return cluster.patch('Rollout', namespace, name, { status }, { subresource: 'status' });
}

/** A container as the API server returns it in a ReplicaSet's template: with Kubernetes defaults filled in. */
export function defaultedContainer(name: string, image: string): { name: string; image: string } {
  const container = {
    name,
    image,
    terminationMessagePath: '/dev/termination-log',
    imagePullPolicy: 'IfNotPresent',
  };
  return container;
}

/** A ReplicaSet owned by `owner`, annotated with `revision`, its template as the API server returns it. */
export async function seedReplicaSet(
  cluster: Cluster,
  owner: Rollout,
  revision: number,
  image: string,
): Promise<void> {
  const hash = `h${revision}`;
  await cluster.create('ReplicaSet', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${owner.metadata.name}-${hash}`,
      namespace: NS,
      labels: { app: owner.metadata.name, 'rollouts-pod-template-hash': hash },
      annotations: { 'rollout.argoproj.io/revision': String(revision) },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: owner.metadata.name,
          uid: owner.metadata.uid ?? '',
          controller: true,
        },
      ],
    },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: owner.metadata.name, 'rollouts-pod-template-hash': hash } },
      template: {
        metadata: { labels: { app: owner.metadata.name, 'rollouts-pod-template-hash': hash } },
        spec: {
          containers: [defaultedContainer('app', image), { name: 'proxy', image: 'proxy:1' }],
          restartPolicy: 'Always',
        },
      },
    },
  } satisfies ReplicaSet);
}
