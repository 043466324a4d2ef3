/**
 * The two instant queries of the observed split (ADR 0180), sent to a Prometheus HTTP API with the prometheus
 * provider's client, and their vectors. Shared by the `truesplit` metric provider, the controller's observed split
 * and the CLI's and dashboard's OBSERVED column, so every one of them asks Prometheus the same thing.
 */
import { readPrometheusVector } from '../prometheus-result.js';
import { queryPrometheus } from './prometheus.js';
import { buildSplitQueries, type LabelledSample, type SplitQueryTarget } from '../../mesh/observed-split.js';

export interface SplitVectorsRequest extends SplitQueryTarget {
  /** The Prometheus base URL (`http://prometheus.istio-system:9090`). */
  address: string;
  /** The evaluation time of both instant queries. */
  now: Date;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface SplitVectors {
  source: LabelledSample[];
  destination: LabelledSample[];
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Both vectors; throws with Prometheus' own message when a query fails or the reply is not a vector. */
export async function querySplitVectors(request: SplitVectorsRequest): Promise<SplitVectors> {
  const queries = buildSplitQueries(request);
  const [source, destination] = await Promise.all(
    [queries.source, queries.destination].map((query) => instantVector(request, query)),
  );
  return { source: source ?? [], destination: destination ?? [] };
}

async function instantVector(request: SplitVectorsRequest, query: string): Promise<LabelledSample[]> {
  const reply = await queryPrometheus({
    address: request.address.replace(/\/+$/, ''),
    range: false,
    params: new URLSearchParams({ query, time: String(request.now.getTime() / 1000) }),
    headers: {},
    timeoutMs: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    insecure: false,
    ...(request.signal ? { signal: request.signal } : {}),
  });
  return readPrometheusVector(reply.status, reply.body);
}
