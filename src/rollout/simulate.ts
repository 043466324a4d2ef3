/**
 * `simulateRollout`: the steps of an update to a new revision, as the planner would drive them when pods become
 * available at once and every pause is promoted. Pure: the clock is simulated.
 *
 * Entry i is the steady state once step i has been reached with its effects applied: a copy of the simulation is
 * held right after step i (an untimed pause follows it) and reconciled until quiescent, so effects that land one
 * reconcile later (the stable ReplicaSet shrinking under `dynamicStableScale`) are part of the entry (ADR 0100).
 *
 * `spec.paused` is lifted like any pause. A step truesplit holds as unsupported (compat-hold.ts) is reached, recorded
 * (phase Paused, `UnsupportedStep`) and then skipped as `truesplit promote` would (`promote --full` past the last
 * step); a Rollout held as a whole has no entries (ADR 0120).
 */
import type { CanaryStep, Rollout, RolloutStatus } from '../api/rollout.js';
import type { ReplicaSet } from '../api/workloads.js';
import type { TrafficIntent } from './intent.js';
import { compatIssues } from '../api/compat-rules.js';
import { UNSUPPORTED_CONDITION } from './compat-hold.js';
import { planRollout } from './planner.js';
import type { RolloutPlan } from './plan-types.js';
import { computeStepsHash } from './hash.js';
import { applyPlan, makePodsAvailable, makeService, snapshotOf, type SimCluster } from './sim-cluster.js';
import { parseTime } from '../util/time.js';
import { pauseDurationSeconds } from './steps.js';
import { cloneJson } from '../util/json.js';

export interface SimulatedStep {
  /** Step index; `steps.length` for the final, fully promoted entry. */
  index: number;
  /** The step as written; null for the final entry. */
  step: CanaryStep | null;
  canaryWeight: number;
  stableWeight: number;
  /** Pods of the previous stable and of the new revision (the new revision counts as stable in the final entry). */
  replicas: { stable: number; canary: number };
  traffic?: TrafficIntent;
  /**
   * The status in that steady state. Step progress (`currentStepIndex`, `currentStepHash`, pause conditions, phase,
   * message, conditions) is as it was when the step was reached, so the hold used to find the steady state never shows.
   */
  status: RolloutStatus;
}

export interface SimulateOptions {
  /** The stable ReplicaSet to update from (the Rollout's template is then the new revision). */
  previousStable?: ReplicaSet;
  /** Start of the simulated clock, epoch ms (default 2026-01-01T00:00:00Z). */
  now?: number;
  /** Reconcile passes before giving up (default: `reconcileBudget(rollout)`). */
  maxIterations?: number;
}

/** The simulation needed more reconcile passes than its budget: the Rollout is too large to simulate. */
export class SimulationLimitError extends Error {
  override name = 'SimulationLimitError';
}

/** Reconciles a simulation may need: a base, a few per step (each is reached, then settled) and per replica. */
const BASE_RECONCILES = 1000;
const RECONCILES_PER_STEP = 20;
const RECONCILES_PER_REPLICA = 4;
/** Whatever the Rollout, at most this many passes (a few seconds): beyond, the simulation stops with an error. */
export const MAX_RECONCILES = 50_000;

/** The reconcile budget for simulating `rollout`: it grows with its steps and replicas, up to `MAX_RECONCILES`. */
export function reconcileBudget(rollout: Rollout): number {
  const steps = rollout.spec?.strategy?.canary?.steps;
  const stepCount = Array.isArray(steps) ? steps.length : 0;
  const replicas = rollout.spec?.replicas;
  const replicaCount = typeof replicas === 'number' && Number.isFinite(replicas) ? Math.max(0, replicas) : 1;
  const budget =
    BASE_RECONCILES + RECONCILES_PER_STEP * (stepCount + 1) + RECONCILES_PER_REPLICA * replicaCount;
  return Math.min(budget, MAX_RECONCILES);
}

const DEFAULT_START = Date.UTC(2026, 0, 1);
const SIMULATED_ANNOTATION = 'truesplit.io/simulated-revision';

interface Run {
  cluster: SimCluster;
  now: number;
  iterations: number;
  maxIterations: number;
}

function isConverged(cluster: SimCluster): boolean {
  const s = cluster.rollout.status;
  const healthy = s?.conditions?.some((c) => c.type === 'Healthy' && c.status === 'True') ?? false;
  return healthy && s?.phase === 'Healthy' && Boolean(s.stableRS) && s.stableRS === s.currentPodHash;
}

/** Reconcile until a pass changes nothing, so the final entry shows the steady state. */
function settle(run: Run, plan: RolloutPlan): RolloutPlan {
  let last = plan;
  for (let quiet = false; !quiet;) {
    const before = JSON.stringify(run.cluster.rollout.status);
    last = pass(run);
    quiet = last.actions.length === 0 && JSON.stringify(run.cluster.rollout.status) === before;
    run.now += 1000;
  }
  return last;
}

/** One reconcile: plan, apply, let pods come up. */
function pass(run: Run): RolloutPlan {
  run.iterations++;
  if (run.iterations > run.maxIterations) {
    const name = run.cluster.rollout.metadata?.name ?? '';
    throw new SimulationLimitError(
      `Rollout ${name}: simulation did not converge within ${run.maxIterations} reconciles`,
    );
  }
  const plan = planRollout(snapshotOf(run.cluster), run.now);
  applyPlan(run.cluster, plan);
  makePodsAvailable(run.cluster);
  return plan;
}

function isHeld(status: RolloutStatus | undefined): boolean {
  return status?.conditions?.some((c) => c.type === UNSUPPORTED_CONDITION && c.status === 'True') ?? false;
}

/**
 * Promote like the CLI: clear pause conditions (a timed pause is waited out instead); a step held as unsupported,
 * with no pause to clear, is skipped.
 */
function promotePauses(run: Run, steps: CanaryStep[]): void {
  const status = run.cluster.rollout.status;
  if (status && isHeld(status) && !status.pauseConditions?.length) {
    status.currentStepIndex = Math.min((status.currentStepIndex ?? 0) + 1, steps.length);
    return;
  }
  const condition = status?.pauseConditions?.find((c) => c.reason === 'CanaryPauseStep');
  if (!status || !condition) return;
  const seconds = pauseDurationSeconds(steps[status.currentStepIndex ?? 0]?.pause?.duration);
  const started = parseTime(condition.startTime);
  if (seconds !== undefined && started !== undefined) {
    run.now = Math.max(run.now, started + seconds * 1000 + 1000);
    return;
  }
  delete status.pauseConditions;
  run.cluster.rollout.spec.paused = false;
}

/** Advance the clock when nothing changed and the planner asked to be called later. */
function advanceClock(run: Run, plan: RolloutPlan, before: string): void {
  const idle = plan.actions.length === 0 && JSON.stringify(run.cluster.rollout.status) === before;
  if (idle) run.now += plan.requeueAfterMs ?? 1000;
  else run.now += 1000;
}

function entryFor(
  run: Run,
  index: number,
  step: CanaryStep | null,
  plan: RolloutPlan,
  stableHash: string,
): SimulatedStep {
  const { rollout, replicaSets } = run.cluster;
  const status = cloneJson(rollout.status ?? {});
  const replicasOf = (hash: string | undefined): number =>
    replicaSets.find((rs) => rs.metadata.labels?.['rollouts-pod-template-hash'] === hash)?.spec.replicas ?? 0;
  const canaryPods = step === null ? 0 : replicasOf(status.currentPodHash);
  const stablePods = step === null ? replicasOf(status.currentPodHash) : replicasOf(stableHash);
  let canaryWeight = status.canary?.weights?.canary?.weight;
  if (canaryWeight === undefined) {
    canaryWeight =
      canaryPods + stablePods === 0 ? 0 : Math.round((100 * canaryPods) / (canaryPods + stablePods));
  }
  if (step === null) canaryWeight = 0;
  const entry: SimulatedStep = {
    index,
    step,
    canaryWeight,
    stableWeight: 100 - canaryWeight,
    replicas: { stable: stablePods, canary: canaryPods },
    status,
  };
  if (plan.traffic) entry.traffic = cloneJson(plan.traffic);
  return entry;
}

function initialCluster(rollout: Rollout, opts: SimulateOptions): SimCluster {
  const r = cloneJson(rollout);
  r.metadata = { ...r.metadata, generation: r.metadata?.generation ?? 1 };
  delete r.spec.paused;
  const canary = r.spec?.strategy?.canary;
  const pingPong = canary?.pingPong;
  const services = [
    canary?.stableService,
    canary?.canaryService,
    pingPong?.pingService,
    pingPong?.pongService,
  ]
    .filter((n): n is string => Boolean(n))
    .map((name) => makeService(name, r.metadata.namespace, r.spec?.selector?.matchLabels ?? {}));
  const replicaSets = opts.previousStable ? [cloneJson(opts.previousStable)] : [];
  return { rollout: r, replicaSets, services };
}

/** Deploy the pre-update template and run to Healthy, so the update starts from a real stable ReplicaSet. */
function deployStable(run: Run): void {
  const target = run.cluster.rollout;
  const template = cloneJson(target.spec.template ?? {});
  const annotations = { ...(template.metadata?.annotations ?? {}) };
  delete annotations[SIMULATED_ANNOTATION];
  target.spec.template = { ...template, metadata: { ...(template.metadata ?? {}), annotations } };
  delete target.status;
  while (!isConverged(run.cluster)) advanceClock(run, pass(run), '');
  const next = cloneJson(template);
  next.metadata = { ...(next.metadata ?? {}), annotations: { ...annotations, [SIMULATED_ANNOTATION]: '2' } };
  target.spec.template = next;
  target.metadata.generation = (target.metadata.generation ?? 1) + 1;
}

function seedFromPreviousStable(run: Run, stable: ReplicaSet): void {
  const hash = stable.metadata.labels?.['rollouts-pod-template-hash'] ?? '';
  makePodsAvailable(run.cluster);
  const status: RolloutStatus = { stableRS: hash, currentPodHash: hash };
  const steps = run.cluster.rollout.spec.strategy?.canary?.steps ?? [];
  if (steps.length > 0) status.currentStepIndex = steps.length;
  run.cluster.rollout.status = status;
}

/** Simulate an update; one entry per step (state once reached) plus the fully promoted final entry. */
export function simulateRollout(rollout: Rollout, opts: SimulateOptions = {}): SimulatedStep[] {
  if (compatIssues(rollout).some((issue) => issue.hold === 'rollout')) return [];
  const run: Run = {
    cluster: initialCluster(rollout, opts),
    now: opts.now ?? DEFAULT_START,
    iterations: 0,
    maxIterations: opts.maxIterations ?? reconcileBudget(rollout),
  };
  if (opts.previousStable) seedFromPreviousStable(run, opts.previousStable);
  else deployStable(run);
  const stableHash = run.cluster.rollout.status?.stableRS ?? '';
  const steps = run.cluster.rollout.spec.strategy?.canary?.steps ?? [];
  const entries: SimulatedStep[] = [];
  let plan = pass(run);
  while (!isConverged(run.cluster)) {
    const before = JSON.stringify(run.cluster.rollout.status);
    plan = pass(run);
    recordReachedStep(run, plan, steps, stableHash, entries, before);
    promotePauses(run, steps);
    advanceClock(run, plan, before);
  }
  plan = settle(run, plan);
  entries.push(entryFor(run, steps.length, null, plan, stableHash));
  return entries;
}

/** Record step i when it completes (index moves past it) or, for a pause, when the pause begins. */
function recordReachedStep(
  run: Run,
  plan: RolloutPlan,
  steps: CanaryStep[],
  stableHash: string,
  entries: SimulatedStep[],
  before: string,
): void {
  const prev = JSON.parse(before) as RolloutStatus | undefined;
  const status = run.cluster.rollout.status;
  const from = prev?.currentStepIndex ?? 0;
  const to = status?.currentStepIndex ?? 0;
  const pausedHere =
    ((status?.pauseConditions?.length ?? 0) > 0 && !(prev?.pauseConditions?.length ?? 0)) || isHeld(status); // each held step once (entries are deduplicated by index)
  const reached = pausedHere ? to : to > from ? from : undefined;
  if (reached === undefined || reached >= steps.length || entries.some((e) => e.index === reached)) return;
  entries.push(steadyEntry(run, reached, steps, stableHash));
}

/** Step progress as recorded when a step is reached; the rest of the status comes from the steady state. */
const STEP_PROGRESS_FIELDS = [
  'currentStepIndex',
  'currentStepHash',
  'pauseConditions',
  'controllerPause',
  'phase',
  'message',
  'conditions',
] as const;

/**
 * The entry for step `index`, just reached: in a copy whose steps stop after it with an untimed pause (steps hash
 * updated so the planner sees no change of steps), reconcile until quiescent. The copy's passes count against the
 * iteration budget; the main simulation and its clock go on untouched.
 */
function steadyEntry(run: Run, index: number, steps: CanaryStep[], stableHash: string): SimulatedStep {
  const reachedStatus = cloneJson(run.cluster.rollout.status ?? {});
  const held: Run = { ...run, cluster: cloneJson(run.cluster) };
  const canary = held.cluster.rollout.spec.strategy?.canary;
  if (canary) {
    canary.steps = [...steps.slice(0, index + 1), { pause: {} }];
    if (held.cluster.rollout.status)
      held.cluster.rollout.status.currentStepHash = computeStepsHash(canary.steps);
  }
  const plan = settle(held, pass(held));
  run.iterations = held.iterations;
  const entry = entryFor(held, index, steps[index] ?? null, plan, stableHash);
  const status: Record<string, unknown> = entry.status as Record<string, unknown>;
  const reached: Record<string, unknown> = reachedStatus as Record<string, unknown>;
  for (const field of STEP_PROGRESS_FIELDS) {
    if (reached[field] === undefined) delete status[field];
    else status[field] = reached[field];
  }
  return entry;
}
