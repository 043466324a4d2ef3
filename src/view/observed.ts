/**
 * The OBSERVED column of a live Rollout (ADR 0180, ADR 0270): where Istio's telemetry is, which Services and revision
 * to ask it about (the controller's rule, ADR 0310), and how the two `istio_requests_total` vectors become a share per
 * model path. Pure: the CLI and the dashboard send the queries (`analysis/providers/split-vectors.ts`) and hand the
 * vectors back here.
 *
 * The Prometheus address comes from the command's `--prometheus` flag, else `TRUESPLIT_PROMETHEUS_ADDRESS`, else the
 * Rollout's `truesplit.io/prometheus-address` annotation (what the controller reads too); the window and the
 * minimum sample size from `truesplit.io/observed-window` (default 1m) and `truesplit.io/path-min-samples` (20).
 */
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import type { DestinationRule } from '../api/istio.js';
import type { ReplicaSet } from '../api/workloads.js';
import {
  OBSERVED_WINDOW_ANNOTATION,
  PATH_MIN_SAMPLES_ANNOTATION,
  PROMETHEUS_ADDRESS_ANNOTATION,
} from '../api/labels.js';
import { observedShareOf, type ObservedPathShare } from '../mesh/observed-callers.js';
import { DEFAULT_MIN_SAMPLES, readCallerSplits, type LabelledSample } from '../mesh/observed-split.js';
import { observedTarget, type ObservedTarget } from '../plan/observed-target.js';
import type { AnalyzedPath } from './path-analysis.js';
import { pathId, type ObservedShare } from './rollout-view.js';

export const DEFAULT_OBSERVED_WINDOW = '1m';
/** The environment variable naming the Prometheus address when no flag does. */
export const PROMETHEUS_ADDRESS_ENV = 'TRUESPLIT_PROMETHEUS_ADDRESS';

export interface ObservedSettings {
  /** Prometheus base URL. */
  address: string;
  origin: 'flag' | 'environment' | 'annotation';
  window: string;
  minSamples: number;
}

/** Settings, undefined when no address is configured; `problems` name annotations that were ignored. */
export interface ObservedSettingsResult {
  settings: ObservedSettings | undefined;
  problems: string[];
}

const PROMQL_DURATION = /^\d+(ms|s|m|h|d|w|y)$/;

/** The flag wins over the environment, which wins over the Rollout's annotation. */
export function observedSettings(
  rollout: Rollout,
  given: { flag?: string | undefined; env?: string | undefined },
): ObservedSettingsResult {
  const annotations = rollout.metadata.annotations ?? {};
  const candidates = [
    ['flag', given.flag],
    ['environment', given.env],
    ['annotation', annotations[PROMETHEUS_ADDRESS_ANNOTATION]],
  ] as const;
  const chosen = candidates.find(([, value]) => value !== undefined && value.trim() !== '');
  if (!chosen) return { settings: undefined, problems: [] };
  const problems: string[] = [];
  const where = `Rollout ${rollout.metadata.namespace ?? 'default'}/${rollout.metadata.name}`;
  let window = annotations[OBSERVED_WINDOW_ANNOTATION]?.trim() || DEFAULT_OBSERVED_WINDOW;
  if (!PROMQL_DURATION.test(window)) {
    problems.push(
      `${where}: annotation ${OBSERVED_WINDOW_ANNOTATION}: ${JSON.stringify(window)} is not a PromQL duration such as 1m; using ${DEFAULT_OBSERVED_WINDOW}`,
    );
    window = DEFAULT_OBSERVED_WINDOW;
  }
  const rawMin = annotations[PATH_MIN_SAMPLES_ANNOTATION]?.trim();
  let minSamples = rawMin ? Number(rawMin) : DEFAULT_MIN_SAMPLES;
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    problems.push(
      `${where}: annotation ${PATH_MIN_SAMPLES_ANNOTATION}: ${JSON.stringify(rawMin)} is not a positive integer; using ${DEFAULT_MIN_SAMPLES}`,
    );
    minSamples = DEFAULT_MIN_SAMPLES;
  }
  return {
    settings: { address: chosen[1]!.trim(), origin: chosen[0], window, minSamples },
    problems,
  };
}

/**
 * The observed-split target (`plan/observed-target.ts`, the controller's rule too) over the objects a live read
 * holds: the referenced DestinationRule is looked up among `objects`.
 */
export function observedTargetIn(
  rollout: Rollout,
  replicaSets: readonly ReplicaSet[],
  objects: readonly KubeObject[],
): ObservedTarget | undefined {
  const destinationRuleHost = (namespace: string, name: string) =>
    objects.find(
      (o): o is DestinationRule =>
        o.kind === 'DestinationRule' &&
        o.metadata.name === name &&
        (o.metadata.namespace ?? 'default') === namespace,
    )?.spec.host;
  return observedTarget(rollout, { destinationRuleHost, replicaSets });
}

/** What each model path was observed to get, by path id; paths no caller of the telemetry stands for are absent. */
export function observedPathShares(
  paths: readonly AnalyzedPath[],
  vectors: { source: readonly LabelledSample[]; destination: readonly LabelledSample[] },
  reading: { canaryRevision: string; minSamples: number },
): Map<string, ObservedPathShare> {
  const callers = readCallerSplits(vectors, { canaryRevision: reading.canaryRevision });
  const shares = new Map<string, ObservedPathShare>();
  for (const path of paths) {
    const observed = observedShareOf(path, callers, paths, reading.minSamples);
    if (observed) shares.set(pathId(path), observed);
  }
  return shares;
}

/** The view's unit: a percentage with one decimal (null below the minimum sample size), requests whole. */
export function observedShareView(observed: ObservedPathShare): ObservedShare {
  return {
    share: observed.share === undefined ? null : Math.round(observed.share * 1000) / 10,
    requests: Math.round(observed.totalRequests),
  };
}
