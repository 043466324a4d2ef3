/**
 * The `prometheus` metric provider, as Argo's (metricproviders/prometheus/prometheus.go over client_golang): an instant
 * query at `now`, or a range query when `rangeQuery` is set (`start`/`end` time expressions, `step` a Go duration);
 * POST form first, GET when the server answers 403/405/501; `timeout` seconds (default 30); `insecure` skips TLS
 * verification; `headers` are sent as given; `authentication.basicAuth` is sent as Basic auth. `sigv4` and `oauth2`
 * are not implemented: a metric using them measures Error naming the field, never an unauthenticated query. With no
 * `address`, the provider's default address (Argo's ARGO_ROLLOUTS_PROMETHEUS_ADDRESS) is used.
 */
import type { HeaderPair, PrometheusMetric } from '../../api/analysis.js';
import { parseGoDuration } from '../duration.js';
import { PrometheusResponseError, readPrometheusResponse } from '../prometheus-result.js';
import type { MeasureRequest, MetricProviderPort, ProviderMeasurement } from '../provider.js';
import { redactMeasurement, sensitiveValues } from '../redact.js';
import { evalTimeExpression } from '../time-expression.js';
import { HttpCallError, sendHttp, type HttpCall, type HttpReply } from './http-client.js';

export interface PrometheusProviderOptions {
  /** Used when a metric has no `address` (Argo reads it from ARGO_ROLLOUTS_PROMETHEUS_ADDRESS). */
  defaultAddress?: string;
}

/** Argo's default query timeout. */
const DEFAULT_TIMEOUT_SECONDS = 30;

/** Argo's metric-result metadata key for the query after argument substitution. */
export const RESOLVED_PROMETHEUS_QUERY = 'ResolvedPrometheusQuery';

/** A query that cannot be sent as configured: the measurement is an Error with this message. */
export class MeasurementError extends Error {}

export function createPrometheusProvider(options: PrometheusProviderOptions = {}): MetricProviderPort {
  return {
    type: 'prometheus',
    async run(request) {
      const config = request.metric.provider.prometheus;
      const sensitive = sensitiveValues(credentialHeaders(config), request.secrets);
      return redactMeasurement(await measure(config, request, options), sensitive);
    },
    metricMetadata(request) {
      const query = request.metric.provider.prometheus?.query;
      if (!query) return undefined;
      const sensitive = sensitiveValues([], request.secrets);
      return redactMeasurement({ metadata: { [RESOLVED_PROMETHEUS_QUERY]: query } }, sensitive).metadata;
    },
  };
}

async function measure(
  config: PrometheusMetric | undefined,
  request: MeasureRequest,
  options: PrometheusProviderOptions,
): Promise<ProviderMeasurement> {
  try {
    if (!config) throw new MeasurementError('metric has no prometheus provider');
    const reply = await queryPrometheus(queryOf(config, request, options));
    const reading = readPrometheusResponse(reply.status, reply.body);
    return {
      result: reading.result,
      value: reading.value,
      ...(reading.warnings ? { metadata: { warnings: reading.warnings } } : {}),
    };
  } catch (err) {
    return queryErrorMeasurement(err);
  }
}

/**
 * A query that could not be made or answered (not configured, Prometheus's error, the HTTP exchange failed) is an
 * Error measurement with its message; anything else is a bug and is rethrown.
 */
export function queryErrorMeasurement(err: unknown): ProviderMeasurement {
  if (
    err instanceof MeasurementError ||
    err instanceof PrometheusResponseError ||
    err instanceof HttpCallError
  ) {
    return { phase: 'Error', message: err.message };
  }
  throw err;
}

/** One query to a Prometheus HTTP API. */
export interface PrometheusQuery {
  address: string;
  /** `query_range` when set, else an instant `query`. */
  range: boolean;
  /** The form: `query` with `time`, or `start`, `end` and `step`. */
  params: URLSearchParams;
  headers: Record<string, string>;
  timeoutMs: number;
  insecure: boolean;
  signal?: AbortSignal;
}

/** Sends a query as client_golang does (POST form; GET on 403/405/501); the reply as the server gave it. */
export function queryPrometheus(query: PrometheusQuery): Promise<HttpReply> {
  const endpoint = query.range ? 'query_range' : 'query';
  return sendWithGetFallback({
    method: 'POST',
    url: `${query.address.replace(/\/+$/, '')}/api/v1/${endpoint}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...query.headers },
    body: query.params.toString(),
    timeoutMs: query.timeoutMs,
    insecure: query.insecure,
    ...(query.signal ? { signal: query.signal } : {}),
  });
}

function queryOf(
  config: PrometheusMetric,
  request: MeasureRequest,
  options: PrometheusProviderOptions,
): PrometheusQuery {
  const address = addressOf(config, options);
  const timeout = config.timeout ?? DEFAULT_TIMEOUT_SECONDS;
  if (timeout < 0) throw new MeasurementError('prometheus timeout should not be negative');
  return {
    address,
    range: config.rangeQuery !== undefined,
    params: queryParams(config, request.now),
    headers: headersOf(config),
    // A zero timeout in Argo's Go context expires at once; a floor of 1 ms keeps that meaning.
    timeoutMs: Math.max(1, timeout * 1000),
    insecure: config.insecure === true,
    ...(request.signal ? { signal: request.signal } : {}),
  };
}

function addressOf(config: PrometheusMetric, options: PrometheusProviderOptions): string {
  const address = config.address || options.defaultAddress || '';
  if (address === '') throw new MeasurementError('prometheus address is not configured');
  let parsed: URL | undefined;
  try {
    parsed = new URL(address);
  } catch {
    parsed = undefined;
  }
  if (!parsed?.protocol || !parsed.host)
    throw new MeasurementError('prometheus address is not is url format');
  return address;
}

function queryParams(config: PrometheusMetric, now: Date): URLSearchParams {
  const params = new URLSearchParams({ query: config.query });
  const range = config.rangeQuery;
  if (!range) {
    params.set('time', unixSeconds(now));
    return params;
  }
  params.set('start', unixSeconds(rangeTime('start', range.start ?? '', now)));
  params.set('end', unixSeconds(rangeTime('end', range.end ?? '', now)));
  let stepMs: number;
  try {
    stepMs = parseGoDuration(range.step ?? '');
  } catch (err) {
    throw new MeasurementError(`failed to parse rangeQuery.step as duration: ${(err as Error).message}`);
  }
  params.set('step', String(stepMs / 1000));
  return params;
}

function rangeTime(field: 'start' | 'end', expression: string, now: Date): Date {
  try {
    return evalTimeExpression(expression, now);
  } catch (err) {
    throw new MeasurementError(`failed to parse rangeQuery.${field} as time: ${(err as Error).message}`);
  }
}

function unixSeconds(time: Date): string {
  return String(time.getTime() / 1000);
}

/** The headers sent: the metric's own, then Basic auth from `authentication.basicAuth`. */
function headersOf(config: PrometheusMetric): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, value } of config.headers ?? []) headers[key] = value;
  const basic = basicAuthOf(config);
  if (basic)
    headers.Authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
  return headers;
}

/** Every header value and credential that must not reach status, for redaction. */
function credentialHeaders(config: PrometheusMetric | undefined): HeaderPair[] {
  const pairs = [...(config?.headers ?? [])];
  const { username, password } = (config?.authentication?.basicAuth ?? {}) as {
    username?: unknown;
    password?: unknown;
  };
  if (typeof password === 'string') {
    pairs.push({ key: 'password', value: password });
    const token = Buffer.from(`${typeof username === 'string' ? username : ''}:${password}`).toString(
      'base64',
    );
    pairs.push({ key: 'Authorization', value: token });
  }
  return pairs;
}

function basicAuthOf(config: PrometheusMetric): { username: string; password: string } | undefined {
  const authentication = config.authentication ?? {};
  for (const [field, value] of Object.entries(authentication)) {
    if (field === 'basicAuth' || isEmpty(value)) continue;
    throw new MeasurementError(`prometheus authentication.${field} is not supported by truesplit`);
  }
  const basic = (authentication.basicAuth ?? {}) as { username?: string; password?: string };
  const { username = '', password = '' } = basic;
  if (username === '' && password === '') return undefined;
  if (username === '')
    throw new MeasurementError('missing mandatory parameter in metric for basic auth setup: username');
  if (password === '')
    throw new MeasurementError('missing mandatory parameter in metric for basic auth setup: password');
  return { username, password };
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (typeof value !== 'object') return false;
  return Object.values(value).every(isEmpty);
}

/** client_golang's DoGetFallback: POST the form; on 403, 405 or 501 send the same query as a GET. */
async function sendWithGetFallback(call: HttpCall): Promise<HttpReply> {
  const reply = await sendHttp(call);
  if (reply.status !== 403 && reply.status !== 405 && reply.status !== 501) return reply;
  const { body = '', headers, ...rest } = call;
  const { 'Content-Type': _contentType, ...getHeaders } = headers;
  return sendHttp({ ...rest, method: 'GET', url: `${call.url}?${body}`, headers: getHeaders });
}
