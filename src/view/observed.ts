/**
 * The OBSERVED column of a live Rollout (ADR 0180, ADR 0270): where Istio's telemetry is, which Services and revision
 * to ask it about, and how the two `istio_requests_total` vectors become a share per model path. Pure: the CLI and
 * the dashboard send the queries (`analysis/providers/split-vectors.ts`) and hand the vectors back here.
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
  CANONICAL_REVISION_LABEL,
  OBSERVED_WINDOW_ANNOTATION,
  PATH_MIN_SAMPLES_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  PROMETHEUS_ADDRESS_ANNOTATION,
} from '../api/labels.js';
import { pingPongServices } from '../api/ping-pong.js';
import { parseServiceFqdn, resolveHost } from '../mesh/hosts.js';
import { observedShareOf, type ObservedPathShare } from '../mesh/observed-callers.js';
import {
  DEFAULT_MIN_SAMPLES,
  readCallerSplits,
  type LabelledSample,
  type SplitQueryTarget,
} from '../mesh/observed-split.js';
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
 * The Services whose requests reach the Rollout's pods (`destination_service_name`): the referenced
 * DestinationRule's host (subset-level canaries), the stable and canary Services (host-level), the ping-pong pair.
 * Each request carries one destination Service, so the vectors of several add up without counting twice.
 */
export function observedTargets(
  rollout: Rollout,
  objects: readonly KubeObject[],
): Omit<SplitQueryTarget, 'window'>[] {
  const namespace = rollout.metadata.namespace ?? 'default';
  const canary = rollout.spec.strategy.canary;
  const targets = new Map<string, Omit<SplitQueryTarget, 'window'>>();
  const add = (fqdn: string) => {
    const parsed = parseServiceFqdn(fqdn);
    if (parsed)
      targets.set(`${parsed.namespace}/${parsed.name}`, {
        service: parsed.name,
        namespace: parsed.namespace,
      });
  };
  const drName = canary?.trafficRouting?.istio?.destinationRule?.name;
  const dr = objects.find(
    (o): o is DestinationRule =>
      o.kind === 'DestinationRule' &&
      o.metadata.name === drName &&
      (o.metadata.namespace ?? 'default') === namespace,
  );
  if (dr) add(resolveHost(dr.spec.host, namespace));
  const pingPong = pingPongServices(rollout);
  for (const name of [canary?.stableService, canary?.canaryService, pingPong?.stable, pingPong?.canary]) {
    if (name) add(resolveHost(name, namespace));
  }
  return [...targets.values()];
}

/** The canary's `destination_canonical_revision`, or why there is none to ask about. */
export type CanaryRevision = { revision: string } | { revision: undefined; problem?: string };

/** The canary ReplicaSet's canonical revision: its template's label when set (a user's own), else its hash. */
export function canaryRevisionOf(rollout: Rollout, replicaSets: readonly ReplicaSet[]): CanaryRevision {
  const hash = rollout.status?.currentPodHash;
  if (!hash) return { revision: undefined };
  const revisionOf = (podHash: string) => {
    const rs = replicaSets.find((r) => r.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === podHash);
    return rs?.spec.template.metadata?.labels?.[CANONICAL_REVISION_LABEL] ?? podHash;
  };
  const revision = revisionOf(hash);
  const stable = rollout.status?.stableRS;
  if (stable && stable !== hash && revisionOf(stable) === revision) {
    return {
      revision: undefined,
      problem:
        `Rollout ${rollout.metadata.namespace ?? 'default'}/${rollout.metadata.name}: canary and stable pods carry the ` +
        `same ${CANONICAL_REVISION_LABEL} "${revision}" (set on its pod template), so Istio's telemetry cannot tell them apart`,
    };
  }
  return { revision };
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
