/**
 * The pure rules of Argo's `job` metric provider (metricproviders/job/job.go): the Job a measurement creates (name
 * `<run uid>.<metric>.<n>`, the `analysisrun.argoproj.io/*` label and annotations, a controller ownerReference to the
 * run), how a Job's state becomes the measurement's phase, and when to look again.
 */
import type { AnalysisRun, Metric } from '../api/analysis.js';
import type { OwnerReference } from '../api/meta.js';
import type { Job, Pod } from '../api/workloads.js';
import { cloneJson } from '../util/json.js';

export const JOB_NAME_KEY = 'job-name';
export const JOB_NAMESPACE_KEY = 'job-namespace';
export const ANALYSIS_RUN_NAME_ANNOTATION = 'analysisrun.argoproj.io/name';
export const ANALYSIS_RUN_NAMESPACE_ANNOTATION = 'analysisrun.argoproj.io/namespace';
export const ANALYSIS_RUN_METRIC_ANNOTATION = 'analysisrun.argoproj.io/metric-name';
export const ANALYSIS_RUN_UID_LABEL = 'analysisrun.argoproj.io/uid';

/** Kubernetes' DNS label limit: the Job controller copies the Job's name into its pods' labels. */
const DNS_LABEL_LIMIT = 63;

/** Container waiting reasons a Job never recovers from: the measurement is Inconclusive (a person decides). */
const TERMINAL_WAITING_REASONS: ReadonlySet<string> = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
]);

/** `<uid>.<metric>.<measurements so far + 1>`, the metric name shortened to fit 63 characters (ADR 0141). */
export function metricJobName(run: AnalysisRun, metric: Metric): string {
  const uid = run.metadata.uid ?? '';
  const result = run.status?.metricResults?.find((r) => r.name === metric.name);
  const id = (result?.count ?? 0) + (result?.error ?? 0) + 1;
  const name = `${uid}.${metric.name}.${id}`;
  if (name.length <= DNS_LABEL_LIMIT) return name;
  const keep = Math.max(0, metric.name.length - (name.length - DNS_LABEL_LIMIT));
  // Argo cuts at the limit; a cut ending in '-' is not a valid name, so truesplit also drops trailing dashes.
  return `${uid}.${metric.name.slice(0, keep).replace(/-+$/, '')}.${id}`;
}

export function analysisRunOwnerReference(run: AnalysisRun): OwnerReference {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    name: run.metadata.name,
    uid: run.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The Job a measurement of `metric` creates in the run's namespace. */
export function buildMetricJob(run: AnalysisRun, metric: Metric): Job {
  const job = metric.provider.job;
  if (!job) throw new Error('metric has no job provider');
  const uid = run.metadata.uid ?? '';
  const spec = cloneJson(job.spec) as Job['spec'];
  const template = spec.template ?? {};
  spec.template = {
    ...template,
    metadata: {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [ANALYSIS_RUN_UID_LABEL]: uid },
    },
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: metricJobName(run, metric),
      namespace: run.metadata.namespace ?? '',
      labels: { ...job.metadata?.labels, [ANALYSIS_RUN_UID_LABEL]: uid },
      annotations: {
        ...job.metadata?.annotations,
        [ANALYSIS_RUN_NAME_ANNOTATION]: run.metadata.name,
        [ANALYSIS_RUN_NAMESPACE_ANNOTATION]: run.metadata.namespace ?? '',
        [ANALYSIS_RUN_METRIC_ANNOTATION]: metric.name,
      },
      ownerReferences: [analysisRunOwnerReference(run)],
    },
    spec,
  };
}

export type JobOutcome =
  { phase: 'Successful' | 'Failed' } | { phase: 'Inconclusive'; message: string } | { phase: 'Running' };

/** Complete ⇒ Successful, Failed ⇒ Failed (the last such condition wins, as in Argo); a pod stuck on an image ⇒ Inconclusive. */
export function jobOutcome(job: Job, pods: readonly Pod[]): JobOutcome {
  let phase: 'Successful' | 'Failed' | undefined;
  for (const condition of job.status?.conditions ?? []) {
    if (condition.type === 'Complete') phase = 'Successful';
    if (condition.type === 'Failed') phase = 'Failed';
  }
  if (phase) return { phase };
  for (const pod of pods) {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      const waiting = status.state?.waiting;
      if (waiting?.reason && TERMINAL_WAITING_REASONS.has(waiting.reason)) {
        const message = `Pod ${pod.metadata.name}, container ${status.name} has terminal error (${waiting.reason}): ${waiting.message ?? ''}`;
        return { phase: 'Inconclusive', message };
      }
    }
  }
  return { phase: 'Running' };
}

/** Argo's growing delay: look again after √(2 × seconds since the measurement started) seconds. */
export function jobResumeDelayMs(startedAtMs: number, nowMs: number): number {
  const elapsedSeconds = Math.max(0, (nowMs - startedAtMs) / 1000);
  return Math.sqrt(2 * elapsedSeconds) * 1000;
}
