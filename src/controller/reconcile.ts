/**
 * reconcileRollout: observe (the caches, once) → planPass (pure) → execute (the one executor) → record (events),
 * level-based. The contract (controller-runtime's): NotFound → done; Conflict, AlreadyExists and other
 * errors → retry through the rate limiter; invalid spec → InvalidSpec condition, a Warning event and a 20 s requeue with no workload
 * writes; waiting → requeueAfter from the pass. ADR 0110.
 */
import type { Rollout } from '../api/rollout.js';
import type { Cluster } from '../kube/cluster.js';
import type { Clock } from '../kube/clock.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import { planPass, type PassResult } from '../plan/pass.js';
import type { PathTruth } from '../plan/paths.js';
import type { ObservedTelemetry } from '../plan/observation.js';
import type { RolloutEvent } from '../rollout/plan-types.js';
import type { EventRecorder } from './events.js';
import {
  applyAnalysisRunWrite,
  applyStatus,
  applyTrafficWrites,
  applyWorkloadAction,
  type ExecutionContext,
  type ExecutionReport,
} from './executor.js';
import { observeRollout, type ControllerCaches, type Observation } from './observe.js';
import { withRestartPods } from './observe-pods.js';
import type { Planning } from './planning.js';
import { splitKey } from './queue-keys.js';

export { INVALID_SPEC_REQUEUE_MS, invalidSpecStatus } from '../plan/invalid.js';
export { TRAFFIC_ERROR_REASON, TRAFFIC_FOLLOW_UP_MS } from '../plan/pass.js';

/** The path evaluation of a pass, with the wall time of the pass that produced it (for the histogram). */
export type TimedPathTruth = PathTruth & { seconds: number };

export interface ReconcileDeps {
  cluster: Cluster;
  caches: ControllerCaches;
  clock: Clock;
  recorder: EventRecorder;
  planning: Planning;
  /** Told each pass's events once they are recorded (notifications; must not block). */
  onEventsRecorded?: (rollout: Rollout, pass: PassResult) => void;
  /** The latest telemetry reading of a Rollout (`namespace/name`), taken by the telemetry poller. */
  telemetryOf?: (key: string) => ObservedTelemetry | undefined;
  /** Told the path evaluation of every valid pass (undefined: the Rollout has no Istio routing). */
  onPathTruth?: (rollout: Rollout, truth: TimedPathTruth | undefined) => void;
  /** Told each propagation wait that ended (ADR 0275). */
  onPropagationWait?: (rollout: Rollout, wait: NonNullable<PassResult['propagationWait']>) => void;
}

/** `written`: the watched objects this pass wrote, with the resourceVersions returned (write expectations). */
export type ReconcileOutcome = (
  | { kind: 'done'; requeueAfterMs?: number }
  | { kind: 'requeue'; reason: string }
  | { kind: 'retry'; error: Error }
) & { writes: string[]; written?: ExecutionReport['written'] };

export async function reconcileRollout(deps: ReconcileDeps, key: string): Promise<ReconcileOutcome> {
  const [namespace, name] = splitKey(key);
  const cached = withTelemetry(observeRollout(deps.caches, namespace, name), deps.telemetryOf?.(key));
  const report: ExecutionReport = { writes: [], written: [] };
  if (!cached || cached.rollout.metadata.deletionTimestamp) return { kind: 'done', writes: [] };
  try {
    const now = deps.clock.now();
    const observation = await withRestartPods(deps.cluster, cached, now);
    const started = performance.now();
    const pass = planPass(observation, now, deps.planning);
    if (!pass.invalid) {
      const seconds = (performance.now() - started) / 1000;
      deps.onPathTruth?.(observation.rollout, pass.paths ? { ...pass.paths, seconds } : undefined);
    }
    if (pass.propagationWait) deps.onPropagationWait?.(observation.rollout, pass.propagationWait);
    return await execute(deps, observation, pass, report);
  } catch (err) {
    return classify(err, report);
  }
}

function withTelemetry(
  observation: Observation | undefined,
  telemetry: ObservedTelemetry | undefined,
): Observation | undefined {
  return observation && telemetry ? { ...observation, telemetry } : observation;
}

function classify(err: unknown, report: ExecutionReport): ReconcileOutcome {
  const { writes, written } = report;
  if (isNotFound(err)) return { kind: 'done', writes, written };
  if (isConflict(err)) return { kind: 'requeue', reason: (err as Error).message, writes, written };
  return { kind: 'retry', error: err instanceof Error ? err : new Error(String(err)), writes, written };
}

/** The one executor's order: early workload writes, traffic, AnalysisRuns, late workload writes, status, events. */
async function execute(
  deps: ReconcileDeps,
  obs: Observation,
  pass: PassResult,
  report: ExecutionReport,
): Promise<ReconcileOutcome> {
  const { rollout } = obs;
  const ctx: ExecutionContext = {
    cluster: deps.cluster,
    rollout,
    replicaSets: obs.replicaSets,
    services: obs.services,
    ...(obs.analysis ? { analysisRuns: obs.analysis.runs } : {}),
  };
  for (const action of pass.writes.early) await applyWorkloadAction(ctx, action, report);
  await applyTrafficWrites(deps.cluster, pass.writes.traffic, report);
  for (const write of pass.writes.analysis) await applyAnalysisRunWrite(ctx, write, report);
  for (const action of pass.writes.late) await applyWorkloadAction(ctx, action, report);
  if (pass.status) await applyStatus(deps.cluster, rollout, pass.status, report);
  await recordAll(deps, rollout, pass.events);
  const { writes, written } = report;
  if (pass.events.length > 0) deps.onEventsRecorded?.(rollout, pass);
  if (pass.failure !== undefined) return { kind: 'retry', error: new Error(pass.failure), writes, written };
  const { requeueAfterMs } = pass;
  return { kind: 'done', ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}), writes, written };
}

async function recordAll(
  deps: ReconcileDeps,
  rollout: Rollout,
  events: readonly RolloutEvent[],
): Promise<void> {
  for (const event of events) await deps.recorder.record(rollout, event);
}
