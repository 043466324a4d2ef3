/**
 * Planner cost per reconcile: 10,000 Rollout snapshots taken at every stage of simulated rollouts (host-level,
 * subset-level, basic canary, dynamic stable scale), each planned once; prints the median and p99 per call.
 */
import type { CanaryStrategy, Rollout } from '../src/api/rollout.js';
import { planRollout } from '../src/rollout/planner.js';
import type { RolloutSnapshot } from '../src/rollout/plan-types.js';
import { applyPlan, makePodsAvailable, snapshotOf, type SimCluster } from '../src/rollout/sim-cluster.js';
import { simulateRollout } from '../src/rollout/simulate.js';
import { percentile, printFigures } from './stats.js';

const STEPS = [
  { setWeight: 10 },
  { pause: {} },
  { setWeight: 50 },
  { pause: { duration: '30s' } },
  { setWeight: 80 },
];

function benchRollout(name: string, canary: Partial<CanaryStrategy>, replicas: number): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace: 'bench', uid: `uid-${name}`, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: `${name}:1` }] },
      },
      strategy: { canary: { steps: STEPS, ...canary } },
    },
  };
}

const SHAPES: [string, Partial<CanaryStrategy>, number][] = [
  [
    'host',
    { canaryService: 'c', stableService: 's', trafficRouting: { istio: { virtualService: { name: 'vs' } } } },
    10,
  ],
  [
    'subset',
    {
      trafficRouting: {
        istio: {
          virtualService: { name: 'vs' },
          destinationRule: { name: 'dr', canarySubsetName: 'canary', stableSubsetName: 'stable' },
        },
      },
      dynamicStableScale: true,
    },
    5,
  ],
  ['basic', {}, 10],
];

/** Drive one rollout from a fresh update to completion, recording the snapshot before every pass. */
function collectSnapshots(rollout: Rollout): RolloutSnapshot[] {
  const steps = simulateRollout(rollout);
  const final = steps[steps.length - 1];
  if (!final) throw new Error('simulation produced no steps');
  const cluster: SimCluster = { rollout: structuredClone(rollout), replicaSets: [], services: [] };
  const snapshots: RolloutSnapshot[] = [];
  let now = Date.UTC(2026, 0, 1);
  for (let pass = 0; pass < 60; pass++) {
    const snapshot = snapshotOf(cluster);
    snapshots.push(snapshot);
    const plan = planRollout(snapshot, now);
    applyPlan(cluster, plan);
    makePodsAvailable(cluster);
    cluster.rollout.status = { ...plan.status, pauseConditions: [] };
    cluster.rollout.spec.paused = false;
    now += 31_000;
  }
  return snapshots;
}

export function benchPlanner(count = 10_000): void {
  const pool = SHAPES.flatMap(([name, canary, replicas]) =>
    collectSnapshots(benchRollout(name, canary, replicas)),
  );
  const snapshots = Array.from({ length: count }, (_, i) => pool[i % pool.length]!);
  const now = Date.UTC(2026, 0, 2);
  for (const s of snapshots.slice(0, 2000)) planRollout(s, now); // warm-up
  const samples: number[] = [];
  const start = performance.now();
  for (const s of snapshots) {
    const t = performance.now();
    planRollout(s, now);
    samples.push(performance.now() - t);
  }
  const total = performance.now() - start;
  samples.sort((a, b) => a - b);
  printFigures('Planner: cost per reconcile', [
    { name: 'snapshots planned', value: String(count) },
    {
      name: 'median per reconcile',
      value: `${(percentile(samples, 50) * 1000).toFixed(1)} µs`,
      goal: '≤ 50 µs',
    },
    { name: 'p99 per reconcile', value: `${(percentile(samples, 99) * 1000).toFixed(1)} µs` },
    { name: 'mean per reconcile', value: `${((total / count) * 1000).toFixed(1)} µs` },
  ]);
}

export function benchSimulate(count = 1000): void {
  const rollouts = Array.from({ length: count }, (_, i) => {
    const [name, canary, replicas] = SHAPES[i % SHAPES.length]!;
    return benchRollout(`${name}-${i}`, canary, replicas);
  });
  const start = performance.now();
  let entries = 0;
  for (const r of rollouts) entries += simulateRollout(r).length;
  const wall = performance.now() - start;
  printFigures(`simulate: ${count} Rollouts`, [
    { name: 'rollouts simulated', value: String(count) },
    { name: 'step entries produced', value: String(entries) },
    { name: 'wall time', value: `${wall.toFixed(0)} ms` },
  ]);
}
