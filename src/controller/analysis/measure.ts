/**
 * The measuring of one reconcile: secret arguments read (at measurement time, from the API server), the due
 * metrics resolved with every argument and measured through their providers in parallel, in-flight measurements
 * resumed or terminated, and each answer turned into a Measurement by the pure rules. Secret values are redacted
 * from every text that reaches status; a provider that throws is an Error measurement, never a pass.
 */
import type { AnalysisRun, AnalysisRunStatus, Measurement, Metric } from '../../api/analysis.js';
import type { ConditionEvaluator } from '../../analysis/condition-port.js';
import { measurementFromProvider } from '../../analysis/measurement-phase.js';
import { isCompleted } from '../../analysis/metric-rules.js';
import type { ProviderMeasurement } from '../../analysis/provider.js';
import { resolveMetricArgs } from '../../analysis/run-args.js';
import { recordMeasurement, type AnalysisRunPlan } from '../../analysis/run-plan.js';
import { formatTime } from '../../util/time.js';
import { providerFor, type ProviderRegistry } from './provider-registry.js';
import { redact, type SecretReader } from './secrets.js';

export interface MeasureDeps {
  providers: ProviderRegistry;
  evaluate: ConditionEvaluator;
  secrets: SecretReader;
  now: () => number;
  signal?: AbortSignal;
  /** Told what failed without failing the reconcile (a provider's garbage collection, as Argo logs it). */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

type Task = { kind: 'measure' | 'resume' | 'terminate'; metric: Metric; inFlight?: Measurement };

/** Argument values with secrets read; `secrets` lists the values to redact. */
async function argValues(
  run: AnalysisRun,
  reader: SecretReader,
): Promise<{ values: Map<string, string | undefined>; secrets: string[] }> {
  const values = new Map<string, string | undefined>();
  const secrets: string[] = [];
  for (const arg of run.spec.args ?? []) {
    const ref = arg.valueFrom?.secretKeyRef;
    if (!ref) {
      values.set(arg.name, arg.value);
      continue;
    }
    const secret = await reader.read(run.metadata.namespace ?? '', ref.name, ref.key);
    secrets.push(secret);
    values.set(arg.name, secret);
  }
  return { values, secrets };
}

function tasksOf(run: AnalysisRun, plan: AnalysisRunPlan): Task[] {
  const inFlight = (name: string) => {
    const ms = run.status?.metricResults?.find((r) => r.name === name)?.measurements ?? [];
    return ms[ms.length - 1];
  };
  const spec = (name: string) => run.spec.metrics.find((m) => m.name === name);
  const tasks: Task[] = [];
  for (const [kind, names] of [
    ['measure', plan.measure],
    ['resume', plan.resume],
    ['terminate', plan.terminateRunning],
  ] as const) {
    for (const name of names) {
      const metric = spec(name);
      const last = kind === 'measure' ? undefined : inFlight(name);
      if (metric) tasks.push({ kind, metric, ...(last ? { inFlight: last } : {}) });
    }
  }
  return tasks;
}

async function ask(
  task: Task,
  run: AnalysisRun,
  metric: Metric,
  deps: MeasureDeps,
): Promise<ProviderMeasurement> {
  const chosen = providerFor(metric, deps.providers);
  if (!chosen.ok) return { phase: 'Error', message: chosen.error };
  const request = { run, metric, now: new Date(deps.now()), ...(deps.signal ? { signal: deps.signal } : {}) };
  const { provider } = chosen;
  try {
    if (task.kind === 'measure' || !task.inFlight) return await provider.run(request);
    if (task.kind === 'resume')
      return provider.resume
        ? await provider.resume(request, task.inFlight)
        : { phase: 'Error', message: `provider ${provider.type} cannot resume a measurement` };
    const ended = provider.terminate
      ? await provider.terminate(request, task.inFlight)
      : { phase: 'Successful' as const };
    // A terminated measurement is over: only a Failed or Error answer is kept as such (Argo: "Metric Terminated").
    return ended.phase === 'Failed' || ended.phase === 'Error'
      ? ended
      : { ...ended, phase: 'Successful', message: 'Metric Terminated' };
  } catch (err) {
    return { phase: 'Error', message: (err as Error).message };
  }
}

function redacted(m: Measurement, secrets: readonly string[]): Measurement {
  if (secrets.length === 0) return m;
  const out: Measurement = { ...m };
  if (out.message !== undefined) out.message = redact(out.message, secrets);
  if (out.value !== undefined) out.value = redact(out.value, secrets);
  if (out.metadata)
    out.metadata = Object.fromEntries(Object.entries(out.metadata).map(([k, v]) => [k, redact(v, secrets)]));
  return out;
}

export interface TakenMeasurements {
  /** The status with the measurements recorded. */
  status: AnalysisRunStatus;
  /** When each measurement that finished in this pass ended, to the millisecond (status keeps whole seconds). */
  finishedAtMs: Map<string, number>;
}

/** Measures everything the plan says is due and records the measurements in the status. */
export async function takeMeasurements(
  run: AnalysisRun,
  plan: AnalysisRunPlan,
  deps: MeasureDeps,
): Promise<TakenMeasurements> {
  const { values, secrets } = await argValues(run, deps.secrets);
  const taken = await Promise.all(
    tasksOf(run, plan).map(async (task): Promise<[string, Measurement, number]> => {
      const startedAt = task.inFlight?.startedAt ?? formatTime(deps.now());
      const resolved = resolveMetricArgs(task.metric, values);
      const answer: ProviderMeasurement = resolved.ok
        ? await ask(task, run, resolved.metric, deps)
        : { phase: 'Error', message: resolved.error };
      const metric = resolved.ok ? resolved.metric : task.metric;
      const answeredAt = deps.now();
      const m = measurementFromProvider(metric, answer, deps.evaluate, {
        startedAt,
        now: formatTime(answeredAt),
      });
      return [task.metric.name, redacted(m, secrets), answeredAt];
    }),
  );
  let status: AnalysisRunStatus = {
    ...run.status,
    metricResults: run.status?.metricResults ?? [],
  };
  const finishedAtMs = new Map<string, number>();
  for (const [name, m, answeredAt] of taken) {
    status = recordMeasurement(status, name, m, answeredAt, { dryRun: plan.dryRun.has(name) });
    if (isCompleted(m.phase)) finishedAtMs.set(name, answeredAt);
  }
  return { status, finishedAtMs };
}

/**
 * Argo's garbageCollectMeasurements: each metric whose measurements were trimmed to its retention limit
 * (`measurementRetention`, default 10) has its provider told so, with the limit kept; the job provider deletes the
 * run's older Jobs. A failure is a warning, as in Argo: the measurements are already recorded.
 */
export async function collectTrimmed(
  deps: MeasureDeps,
  run: AnalysisRun,
  measured: AnalysisRunStatus,
  kept: AnalysisRunStatus,
): Promise<void> {
  for (const metric of run.spec.metrics) {
    const count = (status: AnalysisRunStatus) =>
      status.metricResults?.find((r) => r.name === metric.name)?.measurements?.length ?? 0;
    const limit = count(kept);
    if (count(measured) <= limit) continue;
    const chosen = providerFor(metric, deps.providers);
    if (!chosen.ok || !chosen.provider.garbageCollect) continue;
    try {
      await chosen.provider.garbageCollect({ run, metric, now: new Date(deps.now()) }, limit);
    } catch (err) {
      deps.warn?.('measurement garbage collection failed', {
        analysisRun: `${run.metadata.namespace ?? ''}/${run.metadata.name}`,
        metric: metric.name,
        err: (err as Error).message,
      });
    }
  }
}
