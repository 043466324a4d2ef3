/** Objects of the seed scenario (spec/traffic-paths.md §4) at chosen moments, for the view tests. */
import type { AnalysisRun } from '../../src/api/analysis.js';
import type { Rollout } from '../../src/api/rollout.js';
import type { Pod, ReplicaSet } from '../../src/api/workloads.js';
import type { PathAnalysis } from '../../src/view/path-analysis.js';

const NS = 'rollouts-demo-istio';
const STABLE = '7c8b66fd64';
const CANARY = '79c84d6b84';

export function demoRollout(status: Rollout['status']): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'istio-rollout', namespace: NS, uid: 'r-1' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'istio-rollout' } },
      template: { spec: { containers: [{ name: 'istio-rollout', image: 'argoproj/rollouts-demo:yellow' }] } },
      strategy: {
        canary: {
          steps: [
            { setWeight: 10 },
            { pause: {} },
            { setWeight: 50 },
            { pause: { duration: '30s' } },
            { setCanaryScale: { replicas: 2 } },
          ],
        },
      },
    },
    ...(status ? { status } : {}),
  };
}

export function replicaSet(
  hash: string,
  revision: number,
  image: string,
  replicas: number,
  ready: number,
): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `istio-rollout-${hash}`,
      namespace: NS,
      labels: { app: 'istio-rollout', 'rollouts-pod-template-hash': hash },
      annotations: { 'rollout.argoproj.io/revision': String(revision) },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: 'istio-rollout',
          uid: 'r-1',
          controller: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { 'rollouts-pod-template-hash': hash } },
      template: { spec: { containers: [{ name: 'istio-rollout', image }] } },
    },
    status: { replicas, readyReplicas: ready, availableReplicas: ready },
  };
}

export function pod(hash: string, suffix: string, ready: boolean): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `istio-rollout-${hash}-${suffix}`,
      namespace: NS,
      labels: { 'rollouts-pod-template-hash': hash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `istio-rollout-${hash}`,
          uid: hash,
          controller: true,
        },
      ],
    },
    status: {
      phase: ready ? 'Running' : 'Pending',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

export const pausedStatus: Rollout['status'] = {
  phase: 'Paused',
  message: 'CanaryPauseStep',
  currentStepIndex: 1,
  stableRS: STABLE,
  currentPodHash: CANARY,
  canary: {
    weights: {
      canary: { weight: 10, podTemplateHash: CANARY },
      stable: { weight: 90, podTemplateHash: STABLE },
    },
  },
};

export const pausedObjects = {
  replicaSets: [
    replicaSet(STABLE, 1, 'argoproj/rollouts-demo:blue', 1, 1),
    replicaSet(CANARY, 2, 'argoproj/rollouts-demo:yellow', 1, 1),
  ],
  pods: [pod(STABLE, 'x7k2p', true), pod(CANARY, 'b9mzq', true)],
};

const meshBindingFix = `# add "mesh" to the gateways
spec:
  gateways: [istio-rollout-gateway, mesh]`;

/** The seed report at the pause step: gateway 10 %, mesh and plain 50 %. */
export const seedAnalysis: PathAnalysis = {
  paths: [
    {
      kind: 'gateway',
      from: `${NS}/istio-rollout-gateway`,
      canaryShare: 0.1,
      desiredShare: 0.1,
      followsWeight: true,
      findings: [],
    },
    {
      kind: 'mesh',
      from: NS,
      canaryShare: 0.5,
      desiredShare: 0.1,
      followsWeight: false,
      findings: ['mesh-binding'],
    },
    {
      kind: 'plain',
      from: 'legacy',
      canaryShare: 0.5,
      desiredShare: 0.1,
      followsWeight: false,
      findings: ['plain-callers'],
    },
    {
      kind: 'mesh',
      from: NS,
      variant: 'header x-canary: always',
      canaryShare: 1,
      desiredShare: 1,
      followsWeight: true,
      findings: [],
    },
  ],
  findings: [
    {
      code: 'mesh-binding',
      severity: 'error',
      message:
        'VirtualService/rollouts-demo-istio/istio-rollout-vsvc is not bound to the "mesh" gateway: desired 10%, effective 50%.',
      objects: [`VirtualService/${NS}/istio-rollout-vsvc`],
      fix: meshBindingFix,
      paths: [`mesh from ${NS}`],
    },
    {
      code: 'plain-callers',
      severity: 'warning',
      message: 'plain from legacy: desired 10% canary, effective 50% (1 canary of 2 ready pods).',
      objects: [`Rollout/${NS}/istio-rollout`],
      fix: 'kubectl label namespace legacy istio-injection=enabled --overwrite',
      paths: ['plain from legacy'],
    },
  ],
};

/** A path that fails outright (no healthy upstream). */
export const failingAnalysis: PathAnalysis = {
  paths: [
    {
      kind: 'mesh',
      from: NS,
      canaryShare: null,
      desiredShare: 0.1,
      followsWeight: false,
      findings: ['subset-missing'],
    },
  ],
  findings: [
    {
      code: 'subset-missing',
      severity: 'error',
      message: "subset 'canary' selects no ready pod",
      objects: [`DestinationRule/${NS}/istio-rollout-destrule`],
      fix: '',
      paths: [`mesh from ${NS}`],
    },
  ],
};

/** An AnalysisRun of the demo Rollout (owned by uid r-1 unless `owner` says otherwise), with metric counts. */
export function analysisRun(
  name: string,
  revision: number | undefined,
  status: AnalysisRun['status'],
  options: { created?: string; owner?: string } = {},
): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name,
      namespace: NS,
      creationTimestamp: options.created ?? '2026-05-04T10:00:00Z',
      ...(revision !== undefined
        ? { annotations: { 'rollout.argoproj.io/revision': String(revision) } }
        : {}),
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: 'istio-rollout',
          uid: options.owner ?? 'r-1',
          controller: true,
        },
      ],
    },
    spec: { metrics: [{ name: 'success-rate', provider: { web: { url: 'http://metrics' } } }] },
    ...(status ? { status } : {}),
  };
}
