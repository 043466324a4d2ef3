/**
 * The `web` metric provider, as Argo's (metricproviders/webmetric/webmetric.go): one request (`method` GET by default,
 * POST or PUT with `body` or `jsonBody`), `headers` as given, `timeoutSeconds` (10 when unset or ≤ 0), `insecure`
 * skipping TLS verification. A non-2xx status is an Error; a JSON response is narrowed by `jsonPath` (Kubernetes
 * JSONPath, `{$}` by default) and its first value is `result` (numbers stay numbers), stored as its JSON text; a body
 * that is not JSON is `result` as a string. `authentication.oauth2` is not implemented: an Error naming it.
 */
import type { WebMetric } from '../../api/analysis.js';
import { compileJsonPath, type JsonPath } from '../jsonpath.js';
import type { MeasureRequest, MetricProviderPort, ProviderMeasurement } from '../provider.js';
import { redactMeasurement, sensitiveValues } from '../redact.js';
import { HttpCallError, sendHttp, type HttpCall } from './http-client.js';

const DEFAULT_TIMEOUT_SECONDS = 10;
const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT']);

class MeasurementError extends Error {}

export function createWebProvider(): MetricProviderPort {
  return {
    type: 'web',
    async run(request) {
      const config = request.metric.provider.web;
      const sensitive = sensitiveValues(config?.headers, request.secrets);
      return redactMeasurement(await measure(config, request), sensitive);
    },
  };
}

async function measure(config: WebMetric | undefined, request: MeasureRequest): Promise<ProviderMeasurement> {
  try {
    if (!config) throw new MeasurementError('metric has no web provider');
    const jsonPath = jsonPathOf(config);
    const reply = await sendHttp(buildCall(config, request));
    if (reply.status < 200 || reply.status >= 300) {
      throw new MeasurementError(`received non 2xx response code: ${reply.status}`);
    }
    return readBody(reply.body, jsonPath);
  } catch (err) {
    if (err instanceof MeasurementError || err instanceof HttpCallError)
      return { phase: 'Error', message: err.message };
    throw err;
  }
}

function jsonPathOf(config: WebMetric): JsonPath {
  try {
    return compileJsonPath(config.jsonPath || '{$}');
  } catch (err) {
    throw new MeasurementError((err as Error).message);
  }
}

function buildCall(config: WebMetric, request: MeasureRequest): HttpCall {
  for (const [field, value] of Object.entries(config.authentication ?? {})) {
    if (
      value !== undefined &&
      value !== null &&
      !(typeof value === 'object' && Object.keys(value).length === 0)
    ) {
      throw new MeasurementError(`web authentication.${field} is not supported by truesplit`);
    }
  }
  const method = config.method || 'GET';
  if (!METHODS.has(method)) throw new MeasurementError(`web method ${method} is not one of GET, POST, PUT`);
  const hasJsonBody = config.jsonBody !== undefined && config.jsonBody !== null;
  if (config.body && hasJsonBody) {
    throw new MeasurementError('use either Body or JSONBody; both cannot exists for WebMetric payload');
  }
  if ((config.body || hasJsonBody) && method === 'GET') {
    throw new MeasurementError('Body/JSONBody can only be used with POST or PUT WebMetric Method types');
  }
  const headers: Record<string, string> = {};
  for (const { key, value } of config.headers ?? []) headers[key] = value;
  if (hasJsonBody) headers['Content-Type'] = 'application/json';
  const body = hasJsonBody ? JSON.stringify(config.jsonBody) : config.body || undefined;
  const seconds =
    config.timeoutSeconds && config.timeoutSeconds > 0 ? config.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
  return {
    method,
    url: config.url,
    headers,
    ...(body !== undefined ? { body } : {}),
    timeoutMs: seconds * 1000,
    insecure: config.insecure === true,
    ...(request.signal ? { signal: request.signal } : {}),
  };
}

function readBody(body: string, jsonPath: JsonPath): ProviderMeasurement {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { result: body, value: body };
  }
  let found: { value: unknown } | undefined;
  try {
    found = jsonPath.first(data);
  } catch (err) {
    throw new MeasurementError(`Could not find JSONPath in body: ${(err as Error).message}`);
  }
  if (!found) throw new MeasurementError('result of web metric produced no value');
  return { result: found.value, value: JSON.stringify(found.value) };
}
