/**
 * Reading a live Rollout's observed split from Prometheus (ADR 0180, ADR 0270): the settings of `view/observed.ts`,
 * the target of `plan/observed-target.ts` (ADR 0310), the two queries of `split-vectors.ts` per target Service, the
 * share per model path. A query that fails is one warning naming the address and Prometheus' message; the caller
 * shows everything else unchanged.
 * Used by `get rollout`, `analyze --live` and the dashboard.
 */
import type { KubeObject } from '../../api/meta.js';
import type { Rollout } from '../../api/rollout.js';
import type { ReplicaSet } from '../../api/workloads.js';
import { querySplitVectors } from '../../analysis/providers/split-vectors.js';
import type { ObservedPathShare } from '../../mesh/observed-callers.js';
import type { LabelledSample } from '../../mesh/observed-split.js';
import type { AnalyzedPath } from '../../view/path-analysis.js';
import {
  observedPathShares,
  observedSettings,
  observedTargetIn,
  PROMETHEUS_ADDRESS_ENV,
} from '../../view/observed.js';

/** Where the address may come from besides the Rollout's annotation. */
export interface ObservedSource {
  /** `--prometheus`. */
  flag?: string | undefined;
  /** The process environment (`TRUESPLIT_PROMETHEUS_ADDRESS`). */
  env: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
  timeoutMs?: number;
}

export interface ObservedReading {
  /** By path id; empty when nothing is configured, nothing was sent, or the query failed. */
  shares: Map<string, ObservedPathShare>;
  /** One line each: ignored annotations, a revision telemetry cannot tell apart, a failed query. */
  warnings: string[];
  /** The Prometheus asked, when one is configured. */
  address?: string;
}

export interface ObservedInput {
  rollout: Rollout;
  /** The Rollout's ReplicaSets (for a canonical revision the user set). */
  replicaSets: readonly ReplicaSet[];
  /** The mesh objects (the DestinationRule names the Service queried). */
  objects: readonly KubeObject[];
  paths: readonly AnalyzedPath[];
}

const QUERY_TIMEOUT_MS = 10_000;

export async function readObservedShares(
  input: ObservedInput,
  source: ObservedSource,
): Promise<ObservedReading> {
  const { rollout } = input;
  const { settings, problems } = observedSettings(rollout, {
    flag: source.flag,
    env: source.env[PROMETHEUS_ADDRESS_ENV],
  });
  const empty = new Map<string, ObservedPathShare>();
  if (!settings) return { shares: empty, warnings: problems };
  const target = observedTargetIn(rollout, input.replicaSets, input.objects);
  const found = { address: settings.address };
  if (!target || 'problem' in target) {
    const where = `Rollout ${rollout.metadata.namespace ?? 'default'}/${rollout.metadata.name}`;
    const why = target ? [`${where}: ${target.problem}`] : [];
    return { shares: empty, warnings: [...problems, ...why], ...found };
  }
  const now = source.now?.() ?? new Date();
  try {
    const replies = await Promise.all(
      target.services.map((service) =>
        querySplitVectors({
          ...service,
          address: settings.address,
          window: settings.window,
          now,
          timeoutMs: source.timeoutMs ?? QUERY_TIMEOUT_MS,
        }),
      ),
    );
    const vectors = {
      source: replies.flatMap((r): LabelledSample[] => r.source),
      destination: replies.flatMap((r): LabelledSample[] => r.destination),
    };
    const reading = { canaryRevision: target.canaryRevision, minSamples: settings.minSamples };
    return { shares: observedPathShares(input.paths, vectors, reading), warnings: problems, ...found };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      shares: empty,
      warnings: [...problems, `observed shares unavailable: Prometheus at ${settings.address}: ${message}`],
      ...found,
    };
  }
}
