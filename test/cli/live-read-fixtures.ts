/**
 * Live clusters for the read-only verbs: the broken-mesh and fixed-mesh examples seeded into the in-memory cluster,
 * with ReplicaSets, pods, VirtualService weights, DestinationRule subsets and Rollout status as the controller and
 * kube-controller-manager would leave them at a given moment.
 */
import { Readable } from 'node:stream';
import { loadManifests } from '../../src/manifests/loader.js';
import type { Rollout, RolloutStatus } from '../../src/api/rollout.js';
import type { ReplicaSet } from '../../src/api/workloads.js';
import type { LiveIo } from '../../src/cli/live/connect.js';
import { runCli } from '../../src/cli/run.js';
import { ManualClock } from '../../src/kube/clock.js';
import type { Cluster } from '../../src/kube/cluster.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { seedObjects } from '../../src/sandbox/seed.js';
import type { CliRun } from './harness.js';

export const NS = 'rollouts-demo-istio';
export const NAME = 'istio-rollout';
export const STABLE = '7c8b66fd64';
export const CANARY = '79c84d6b84';
const IMAGES: Record<string, string> = {
  [STABLE]: 'argoproj/rollouts-demo:blue',
  [CANARY]: 'argoproj/rollouts-demo:yellow',
};

export async function seededCluster(example: 'broken-mesh' | 'fixed-mesh'): Promise<MemoryCluster> {
  const cluster = new MemoryCluster({ clock: new ManualClock(Date.parse('2026-01-01T00:00:00Z')) });
  const { objects, errors } = await loadManifests([`examples/${example}`]);
  if (errors.length > 0) throw new Error(`examples/${example} does not load`);
  await seedObjects(
    cluster,
    objects.map((o) => o.object),
  );
  return cluster;
}

/** One ReplicaSet of the Rollout with `pods` ready pods (named by `suffixes`). */
async function addRevision(
  cluster: Cluster,
  rollout: Rollout,
  hash: string,
  revision: number,
  suffixes: readonly string[],
): Promise<void> {
  const labels = { app: NAME, 'rollouts-pod-template-hash': hash };
  const owner = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: NAME, controller: true };
  const rs = await cluster.create('ReplicaSet', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${NAME}-${hash}`,
      namespace: NS,
      labels,
      annotations: { 'rollout.argoproj.io/revision': String(revision) },
      ownerReferences: [{ ...owner, uid: rollout.metadata.uid ?? '' }],
    },
    spec: {
      replicas: suffixes.length,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: NAME, image: IMAGES[hash] ?? '' }] },
      },
    },
  });
  const ready = suffixes.length;
  await cluster.updateStatus('ReplicaSet', {
    ...rs,
    status: { replicas: ready, readyReplicas: ready, availableReplicas: ready },
  });
  for (const suffix of suffixes) await addPod(cluster, rs, labels, suffix);
}

async function addPod(
  cluster: Cluster,
  rs: ReplicaSet,
  labels: Record<string, string>,
  suffix: string,
): Promise<void> {
  const pod = await cluster.create('Pod', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs.metadata.name}-${suffix}`,
      namespace: NS,
      labels,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid ?? '' },
      ],
    },
    spec: { containers: [{ name: NAME, image: 'x' }] },
  });
  await cluster.updateStatus('Pod', {
    ...pod,
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

/** The controller's writes: route weights on every VirtualService, pod-template hashes on the subsets. */
async function routeTraffic(cluster: Cluster, canaryWeight: number, status: RolloutStatus): Promise<void> {
  const weights: Record<string, number> = { stable: 100 - canaryWeight, canary: canaryWeight };
  for (const vs of (await cluster.list('VirtualService', { namespace: NS })).items) {
    const http = (vs.spec.http ?? []).map((route) => ({
      ...route,
      route: (route.route ?? []).map((d) => ({ ...d, weight: weights[d.destination.subset ?? ''] ?? 0 })),
    }));
    await cluster.update('VirtualService', { ...vs, spec: { ...vs.spec, http } });
  }
  const hashes: Record<string, string> = {
    stable: status.stableRS ?? '',
    canary: status.currentPodHash ?? '',
  };
  const dr = await cluster.get('DestinationRule', NS, 'istio-rollout-destrule');
  const subsets = (dr.spec.subsets ?? []).map((s) => ({
    ...s,
    labels: { ...s.labels, 'rollouts-pod-template-hash': hashes[s.name] ?? '' },
  }));
  await cluster.update('DestinationRule', { ...dr, spec: { ...dr.spec, subsets } });
}

export interface Moment {
  stablePods: string[];
  canaryPods: string[];
  canaryWeight: number;
  status: RolloutStatus;
}

/** Paused at `pause: {}` (step 1) with the canary at 10 %. */
export function pausedAt10(stablePods: string[], canaryPods: string[]): Moment {
  const ready = stablePods.length + canaryPods.length;
  return {
    stablePods,
    canaryPods,
    canaryWeight: 10,
    status: {
      phase: 'Paused',
      message: 'CanaryPauseStep',
      currentStepIndex: 1,
      stableRS: STABLE,
      currentPodHash: CANARY,
      pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }],
      replicas: ready,
      updatedReplicas: canaryPods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      canary: {
        weights: {
          canary: { weight: 10, podTemplateHash: CANARY },
          stable: { weight: 90, podTemplateHash: STABLE },
        },
      },
    },
  };
}

/** Every step done: the canary is the new stable, the old ReplicaSet scaled to zero. */
export function healthyStatus(pods: number): RolloutStatus {
  return {
    phase: 'Healthy',
    message: '',
    currentStepIndex: 2,
    stableRS: CANARY,
    currentPodHash: CANARY,
    replicas: pods,
    updatedReplicas: pods,
    readyReplicas: pods,
    availableReplicas: pods,
    canary: {
      weights: {
        canary: { weight: 0, podTemplateHash: CANARY },
        stable: { weight: 100, podTemplateHash: CANARY },
      },
    },
  };
}

/** Writes the Rollout status as observed for its current generation. */
export async function setRolloutStatus(cluster: Cluster, status: RolloutStatus): Promise<Rollout> {
  const rollout = await cluster.get('Rollout', NS, NAME);
  const observedGeneration = String(rollout.metadata.generation ?? 1);
  return cluster.updateStatus('Rollout', { ...rollout, status: { ...status, observedGeneration } });
}

/** A seeded example at a moment: the template moved to the canary image, ReplicaSets, pods, traffic, status. */
export async function clusterAt(
  example: 'broken-mesh' | 'fixed-mesh',
  moment: Moment,
): Promise<MemoryCluster> {
  const cluster = await seededCluster(example);
  const rollout = await cluster.patch('Rollout', NS, NAME, {
    spec: { template: { spec: { containers: [{ name: NAME, image: IMAGES[CANARY] }] } } },
  });
  await addRevision(cluster, rollout, STABLE, 1, moment.stablePods);
  await addRevision(cluster, rollout, CANARY, 2, moment.canaryPods);
  await routeTraffic(cluster, moment.canaryWeight, moment.status);
  await setRolloutStatus(cluster, moment.status);
  return cluster;
}

export interface LiveRunOptions {
  isTTY?: boolean;
  env?: Record<string, string>;
  /** The kubeconfig context's namespace. */
  defaultNamespace?: string;
  signal?: AbortSignal;
  /** Called on every stdout write (a watch test reacts to the first render). */
  onStdout?: (text: string) => void;
}

/** Runs the CLI in-process against `cluster` (undefined: the real kubeconfig loader). */
export async function runLive(
  argv: string[],
  cluster: Cluster | undefined,
  options: LiveRunOptions = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: LiveIo = {
    stdout: {
      write: (text: string) => {
        stdout += text;
        options.onStdout?.(text);
      },
    },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from([]),
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    ...(cluster ? { connect: () => ({ cluster, defaultNamespace: options.defaultNamespace ?? NS }) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
