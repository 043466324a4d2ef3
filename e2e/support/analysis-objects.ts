/**
 * Reading what analysis leaves in the cluster: the AnalysisRuns a Rollout owns, one run by name, the Kubernetes Events
 * of an object, and waits on them whose timeout shows a compact picture of the runs (phase, message, measurements).
 *
 * API
 * - `rolloutRuns(admin, ns, rollout)` → the runs whose controlling owner is the Rollout `rollout`, oldest first.
 * - `analysisRun(admin, ns, name)` → one run (throws when absent).
 * - `waitForRun(admin, ns, name, what, done, timeoutMs?)`, `waitForRolloutRuns(admin, ns, rollout, what, done, …)`.
 * - `runPicture(run)`: `{name, phase, message, terminate, metrics: {name: "Phase c=2 ✔1 ✖1 ?0 ⚠0 [Successful 0, …]"}}`.
 * - `objectEvents(admin, ns, kind, name)` → `"Type/Reason: message"` for each Event about that object, oldest first.
 * - `analysisPaths.analysisRuns(ns)`: the collection path for an `ObjectHistory` of runs.
 * - `recordNamespace(admin, ns)`: histories (history.ts) of the namespace's VirtualServices, Rollouts, ReplicaSets
 *   and AnalysisRuns, started before the test acts; `stop()` ends the watches.
 */
import type { AnalysisRun, Measurement } from '../../src/api/analysis.ts';
import type { VirtualService } from '../../src/api/istio.ts';
import type { Rollout } from '../../src/api/rollout.ts';
import type { ReplicaSet } from '../../src/api/workloads.ts';
import { ObjectHistory, paths } from './history.ts';
import type { E2eClient } from './kube.ts';
import { waitFor } from './wait-for.ts';

const ANALYSIS_RUNS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'analysisruns' } as const;

export const analysisPaths = {
  analysisRuns: (ns: string) => `/apis/argoproj.io/v1alpha1/namespaces/${ns}/analysisruns`,
};

export async function analysisRun(admin: E2eClient, namespace: string, name: string): Promise<AnalysisRun> {
  return (await admin.custom.getNamespacedCustomObject({
    ...ANALYSIS_RUNS,
    namespace,
    name,
  })) as AnalysisRun;
}

export async function rolloutRuns(
  admin: E2eClient,
  namespace: string,
  rollout: string,
): Promise<AnalysisRun[]> {
  const list = (await admin.custom.listNamespacedCustomObject({ ...ANALYSIS_RUNS, namespace })) as {
    items: AnalysisRun[];
  };
  const owned = list.items.filter((run) =>
    (run.metadata.ownerReferences ?? []).some(
      (o) => o.kind === 'Rollout' && o.name === rollout && o.controller === true,
    ),
  );
  const created = (run: AnalysisRun) => run.metadata.creationTimestamp ?? '';
  return owned.sort(
    (a, b) => created(a).localeCompare(created(b)) || a.metadata.name.localeCompare(b.metadata.name),
  );
}

function measurementText(m: Measurement): string {
  return `${m.phase}${m.value !== undefined ? ` ${m.value}` : ''}${m.message ? ` (${m.message})` : ''}`;
}

/** A run as a failure message shows it. */
export function runPicture(run: AnalysisRun): Record<string, unknown> {
  const metrics: Record<string, string> = {};
  for (const r of run.status?.metricResults ?? []) {
    const counts = `c=${r.count ?? 0} ✔${r.successful ?? 0} ✖${r.failed ?? 0} ?${r.inconclusive ?? 0} ⚠${r.error ?? 0}`;
    metrics[r.name] = `${r.phase} ${counts} [${(r.measurements ?? []).map(measurementText).join(', ')}]`;
  }
  return {
    name: run.metadata.name,
    phase: run.status?.phase,
    message: run.status?.message,
    terminate: run.spec.terminate,
    metrics,
  };
}

export async function waitForRun(
  admin: E2eClient,
  namespace: string,
  name: string,
  what: string,
  done: (run: AnalysisRun) => boolean,
  timeoutMs = 60_000,
): Promise<AnalysisRun> {
  return waitFor(
    `AnalysisRun ${namespace}/${name}: ${what}`,
    () => analysisRun(admin, namespace, name),
    done,
    {
      timeoutMs,
      intervalMs: 100,
      describe: runPicture,
    },
  );
}

export async function waitForRolloutRuns(
  admin: E2eClient,
  namespace: string,
  rollout: string,
  what: string,
  done: (runs: AnalysisRun[]) => boolean,
  timeoutMs = 60_000,
): Promise<AnalysisRun[]> {
  return waitFor(
    `AnalysisRuns of ${namespace}/${rollout}: ${what}`,
    () => rolloutRuns(admin, namespace, rollout),
    done,
    { timeoutMs, intervalMs: 100, describe: (runs) => runs.map(runPicture) },
  );
}

/** The Events about one object as `Type/Reason: message`, oldest first. */
export async function objectEvents(
  admin: E2eClient,
  namespace: string,
  kind: string,
  name: string,
): Promise<string[]> {
  const list = await admin.core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
  });
  const time = (e: (typeof list.items)[number]) =>
    String(e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '');
  return [...list.items]
    .sort((a, b) => time(a).localeCompare(time(b)))
    .map((e) => `${e.type}/${e.reason}: ${e.message}`);
}

/** Waits until the object's Events include each of `expected` (exact `Type/Reason: message` lines). */
export async function waitForEvents(
  admin: E2eClient,
  namespace: string,
  kind: string,
  name: string,
  expected: readonly string[],
  timeoutMs = 20_000,
): Promise<string[]> {
  return waitFor(
    `Events of ${kind} ${namespace}/${name} to include ${JSON.stringify(expected)}`,
    () => objectEvents(admin, namespace, kind, name),
    (events) => expected.every((e) => events.includes(e)),
    { timeoutMs },
  );
}

/** Every version of the namespace's VirtualServices, Rollouts, ReplicaSets and AnalysisRuns, from one etcd. */
export interface NamespaceHistory {
  virtualServices: ObjectHistory<VirtualService>;
  rollouts: ObjectHistory<Rollout>;
  replicaSets: ObjectHistory<ReplicaSet>;
  analysisRuns: ObjectHistory<AnalysisRun>;
  stop(): void;
}

export async function recordNamespace(admin: E2eClient, namespace: string): Promise<NamespaceHistory> {
  const history = {
    virtualServices: new ObjectHistory<VirtualService>(admin.kc, paths.virtualServices(namespace)),
    rollouts: new ObjectHistory<Rollout>(admin.kc, paths.rollouts(namespace)),
    replicaSets: new ObjectHistory<ReplicaSet>(admin.kc, paths.replicaSets(namespace)),
    analysisRuns: new ObjectHistory<AnalysisRun>(admin.kc, analysisPaths.analysisRuns(namespace)),
  };
  const all = Object.values(history);
  await Promise.all(all.map((h) => h.start()));
  return { ...history, stop: () => all.forEach((h) => h.stop()) };
}
