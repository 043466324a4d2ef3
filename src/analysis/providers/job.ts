/**
 * The `job` metric provider, as Argo's (metricproviders/job/job.go) over truesplit's Cluster port: `run` creates the
 * Job (owned by the AnalysisRun, so it goes when the run goes) and returns `Running` with the Job named in `metadata`
 * and `resumeAt` = now; `resume` reads the Job (Complete ⇒ Successful, Failed ⇒ Failed, a pod stuck pulling its image
 * ⇒ Inconclusive, else Running again after a growing delay); `terminate` deletes the Job (Inconclusive, which the
 * controller reports as "Metric Terminated"); `garbageCollect` deletes the run's oldest Jobs beyond the retention
 * limit. Jobs live in the run's namespace (Argo's separate job namespace and kubeconfig are not offered).
 */
import type { Measurement } from '../../api/analysis.js';
import type { Job } from '../../api/workloads.js';
import type { Cluster } from '../../kube/cluster.js';
import { isAlreadyExists, isNotFound } from '../../kube/errors.js';
import { formatTime, parseTime } from '../../util/time.js';
import {
  ANALYSIS_RUN_METRIC_ANNOTATION,
  ANALYSIS_RUN_UID_LABEL,
  buildMetricJob,
  JOB_NAME_KEY,
  JOB_NAMESPACE_KEY,
  jobOutcome,
  jobResumeDelayMs,
} from '../job-measurement.js';
import type { MeasureRequest, MetricProviderPort, ProviderMeasurement } from '../provider.js';
import { redactMeasurement, sensitiveValues } from '../redact.js';

export interface JobProviderDeps {
  cluster: Cluster;
}

export function createJobProvider({ cluster }: JobProviderDeps): MetricProviderPort {
  const guard = async (request: MeasureRequest, step: () => Promise<ProviderMeasurement>) => {
    let measurement: ProviderMeasurement;
    try {
      measurement = await step();
    } catch (err) {
      measurement = { phase: 'Error', message: (err as Error).message };
    }
    return redactMeasurement(measurement, sensitiveValues([], request.secrets));
  };
  return {
    type: 'job',
    run: (request) => guard(request, () => createJob(cluster, request)),
    resume: (request, measurement) => guard(request, () => readJob(cluster, request, measurement)),
    terminate: (request, measurement) => guard(request, () => deleteJob(cluster, request, measurement)),
    garbageCollect: (request, limit) => deleteOldJobs(cluster, request, limit),
  };
}

async function createJob(
  cluster: Cluster,
  { run, metric, now }: MeasureRequest,
): Promise<ProviderMeasurement> {
  if (!run.metadata.uid) throw new Error(`AnalysisRun ${run.metadata.name} has no uid yet`);
  const job = buildMetricJob(run, metric);
  const namespace = job.metadata.namespace ?? '';
  let created: Job;
  try {
    created = await cluster.create('Job', job);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    // A retry after a lost response: the Job is ours when the run is its controller.
    created = await cluster.get('Job', namespace, job.metadata.name);
    const owner = created.metadata.ownerReferences?.find((ref) => ref.controller);
    if (owner?.uid !== run.metadata.uid) throw err;
  }
  return {
    phase: 'Running',
    metadata: {
      [JOB_NAME_KEY]: created.metadata.name,
      [JOB_NAMESPACE_KEY]: created.metadata.namespace ?? namespace,
    },
    resumeAt: formatTime(now.getTime()),
  };
}

function jobRef(request: MeasureRequest, measurement: Measurement): { namespace: string; name: string } {
  const name = measurement.metadata?.[JOB_NAME_KEY];
  if (!name) throw new Error('job metadata reference missing');
  return {
    namespace: measurement.metadata?.[JOB_NAMESPACE_KEY] || request.run.metadata.namespace || '',
    name,
  };
}

async function readJob(
  cluster: Cluster,
  request: MeasureRequest,
  measurement: Measurement,
): Promise<ProviderMeasurement> {
  const { namespace, name } = jobRef(request, measurement);
  const job = await cluster.get('Job', namespace, name);
  const selector = job.spec.selector;
  const pods = selector ? (await cluster.list('Pod', { namespace, labelSelector: selector })).items : [];
  const outcome = jobOutcome(job, pods);
  const metadata = { ...measurement.metadata };
  if (outcome.phase !== 'Running') return { ...outcome, metadata };
  const nowMs = request.now.getTime();
  const startedMs = parseTime(measurement.startedAt) ?? nowMs;
  return { phase: 'Running', metadata, resumeAt: formatTime(nowMs + jobResumeDelayMs(startedMs, nowMs)) };
}

async function deleteJob(
  cluster: Cluster,
  request: MeasureRequest,
  measurement: Measurement,
): Promise<ProviderMeasurement> {
  const { namespace, name } = jobRef(request, measurement);
  try {
    await cluster.delete('Job', namespace, name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return { phase: 'Inconclusive', metadata: { ...measurement.metadata } };
}

/** The run's Jobs of this metric beyond `limit`, oldest first (Argo counts every Job of the run; see ADR 0141). */
async function deleteOldJobs(
  cluster: Cluster,
  { run, metric }: MeasureRequest,
  limit: number,
): Promise<void> {
  const uid = run.metadata.uid;
  if (!uid) return;
  const { items } = await cluster.list('Job', {
    namespace: run.metadata.namespace ?? '',
    labelSelector: { matchLabels: { [ANALYSIS_RUN_UID_LABEL]: uid } },
  });
  const oldestFirst = items
    .filter((job) => job.metadata.annotations?.[ANALYSIS_RUN_METRIC_ANNOTATION] === metric.name)
    .sort(
      (a, b) =>
        (parseTime(a.metadata.creationTimestamp) ?? 0) - (parseTime(b.metadata.creationTimestamp) ?? 0),
    );
  for (const job of oldestFirst.slice(0, Math.max(0, oldestFirst.length - limit))) {
    try {
      await cluster.delete('Job', job.metadata.namespace ?? '', job.metadata.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
