/**
 * The `truesplit` metric provider: the canary's error rate or share for one caller path (gateway, in-mesh sidecar,
 * plain caller without a sidecar, or any), from Istio's standard `istio_requests_total` in Prometheus (ADR 0182).
 * The queries and their reading are the pure `mesh/observed-split` module's; this file does the HTTP (two instant
 * queries sent by the prometheus provider's query function) and turns the path's figures into a measurement: `result` is a
 * number (conditions read `result < 0.05`), too few requests is an Error saying "insufficient data".
 */
import type { TrueSplitMetric } from '../../api/analysis.js';
import {
  combinePaths,
  DEFAULT_MIN_SAMPLES,
  readPathSplits,
  SplitWindowError,
  type PathSplit,
} from '../../mesh/observed-split.js';
import { querySplitVectors } from './split-vectors.js';
import { formatSampleValue } from '../prometheus-result.js';
import type { MeasureRequest, MetricProviderPort, ProviderMeasurement } from '../provider.js';
import { MeasurementError, queryErrorMeasurement } from './prometheus.js';

export interface TrueSplitProviderOptions {
  /** Used when a metric has no `address`. */
  defaultAddress?: string;
}

const PATHS = ['gateway', 'mesh', 'plain', 'any'] as const;
const MEASURES = ['errorRate', 'canaryShare'] as const;
const TIMEOUT_MS = 30_000;

export function createTrueSplitProvider(options: TrueSplitProviderOptions = {}): MetricProviderPort {
  return {
    type: 'truesplit',
    async run(request) {
      try {
        return await measure(request, options);
      } catch (err) {
        return queryErrorMeasurement(err);
      }
    },
  };
}

async function measure(
  request: MeasureRequest,
  options: TrueSplitProviderOptions,
): Promise<ProviderMeasurement> {
  const config = checkedConfig(request.metric.provider.truesplit);
  const address = (config.address || options.defaultAddress || '').replace(/\/+$/, '');
  if (!address) throw new MeasurementError('truesplit address is not configured');
  const namespace = config.namespace || request.run.metadata.namespace || 'default';
  const window = config.window ?? '1m';
  const minSamples = minSamplesOf(config.minSamples);
  let vectors;
  try {
    vectors = await querySplitVectors({
      address,
      service: config.service,
      namespace,
      window,
      now: request.now,
      timeoutMs: TIMEOUT_MS,
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (err) {
    if (err instanceof SplitWindowError) throw new MeasurementError(`truesplit ${err.message}`);
    throw err;
  }
  const splits = readPathSplits(vectors, {
    canaryRevision: config.canaryRevision,
    minSamples,
    ...(config.gatewayWorkloads ? { gatewayWorkloads: config.gatewayWorkloads } : {}),
  });
  const split: Omit<PathSplit, 'path'> =
    config.path === 'any' ? combinePaths(splits, minSamples) : splits.find((s) => s.path === config.path)!;
  return measurementOf(split, config, `${config.service}.${namespace}`, window, minSamples);
}

function measurementOf(
  split: Omit<PathSplit, 'path'>,
  config: TrueSplitMetric,
  target: string,
  window: string,
  minSamples: number,
): ProviderMeasurement {
  const callers = config.path === 'any' ? 'all callers' : `${config.path} callers`;
  const errorRate = config.measure === 'errorRate';
  const value = errorRate ? split.canaryErrorRate : split.share;
  const metadata = {
    canaryRequests: requestCount(split.canaryRequests),
    totalRequests: requestCount(split.totalRequests),
    canaryErrors: requestCount(split.canaryErrors),
  };
  if (value === undefined) {
    const counted = errorRate ? split.canaryRequests : split.totalRequests;
    const what = errorRate ? `requests from ${callers} reached the canary` : `requests from ${callers}`;
    return {
      phase: 'Error',
      message:
        `insufficient data: ${requestCount(counted)} ${what} of ${target} in the last ${window}, ` +
        `fewer than minSamples ${minSamples}`,
      metadata,
    };
  }
  return { result: value, value: formatSampleValue(value), metadata };
}

/** `increase()` extrapolates to the window's edges; requests are shown whole. */
function requestCount(requests: number): string {
  return String(Math.round(requests));
}

function checkedConfig(config: TrueSplitMetric | undefined): TrueSplitMetric {
  if (!config) throw new MeasurementError('metric has no truesplit provider');
  if (!config.service) throw new MeasurementError('truesplit.service is required');
  if (!config.canaryRevision) throw new MeasurementError('truesplit.canaryRevision is required');
  if (!(PATHS as readonly string[]).includes(config.path)) {
    throw new MeasurementError(
      `truesplit.path ${JSON.stringify(config.path)} is not one of ${PATHS.join(', ')}`,
    );
  }
  if (!(MEASURES as readonly string[]).includes(config.measure)) {
    throw new MeasurementError(
      `truesplit.measure ${JSON.stringify(config.measure)} is not one of ${MEASURES.join(', ')}`,
    );
  }
  return config;
}

function minSamplesOf(raw: number | string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_MIN_SAMPLES;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new MeasurementError(`truesplit.minSamples ${JSON.stringify(raw)} is not a positive integer`);
  }
  return value;
}
