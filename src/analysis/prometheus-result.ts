/**
 * Reading Prometheus' HTTP API response the way Argo's prometheus provider does through client_golang: the error
 * texts (`bad_data: …`, `server_error: server error: 503`), a scalar as a number, a vector or a matrix as a flat array
 * of numbers (one per sample, in the order Prometheus returned them), an empty vector as `[]` (the conditions then
 * decide: Argo reports "no data returned" only when a condition cannot be evaluated on it), NaN kept as NaN. The stored
 * `value` is Go's `model.SampleValue.String()`: `0.5`, `[0.5,NaN]`, `+Inf`, never an exponent.
 */
export interface PrometheusReading {
  /** What the conditions see as `result`. */
  result: number | number[];
  /** The text stored as the measurement's value. */
  value: string;
  /** Prometheus' warnings, joined as Argo stores them in the measurement's metadata (`"w1", "w2"`). */
  warnings?: string;
}

/** Thrown for every response Argo turns into a measurement Error; the message is the measurement's. */
export class PrometheusResponseError extends Error {}

/** Interprets one response of `/api/v1/query` or `/api/v1/query_range`. */
export function readPrometheusResponse(status: number, body: string): PrometheusReading {
  const envelope = envelopeOf(status, body);
  const data = envelope.data as { resultType?: unknown; result?: unknown } | undefined;
  const reading = readingOf(data?.resultType, data?.result);
  const warnings = Array.isArray(envelope.warnings) ? envelope.warnings.map(String) : [];
  return warnings.length > 0 ? { ...reading, warnings: warnings.map((w) => `"${w}"`).join(', ') } : reading;
}

interface Envelope {
  status?: unknown;
  data?: unknown;
  errorType?: unknown;
  error?: unknown;
  warnings?: unknown;
}

function envelopeOf(status: number, body: string): Envelope {
  const apiError = status === 400 || status === 422;
  if (Math.floor(status / 100) !== 2 && !apiError) throw new PrometheusResponseError(httpErrorText(status));
  let envelope: Envelope;
  try {
    envelope = JSON.parse(body) as Envelope;
  } catch (err) {
    if (apiError) throw new PrometheusResponseError(httpErrorText(status));
    throw new PrometheusResponseError(`bad_response: ${(err as Error).message}`);
  }
  if (apiError && envelope.status === 'success') {
    throw new PrometheusResponseError('bad_response: inconsistent body for response code');
  }
  if (apiError || envelope.status === 'error') {
    const type =
      typeof envelope.errorType === 'string' && envelope.errorType ? envelope.errorType : 'client_error';
    const message =
      typeof envelope.error === 'string' && envelope.error ? envelope.error : `client error: ${status}`;
    throw new PrometheusResponseError(`${type}: ${message}`);
  }
  return envelope;
}

function httpErrorText(status: number): string {
  const family = Math.floor(status / 100);
  if (family === 4) return `client_error: client error: ${status}`;
  if (family === 5) return `server_error: server error: ${status}`;
  return `bad_response: bad response code ${status}`;
}

function readingOf(resultType: unknown, result: unknown): PrometheusReading {
  if (resultType === 'scalar' && Array.isArray(result)) {
    const value = parseSampleValue(result[1]);
    return { result: value, value: formatSampleValue(value) };
  }
  if (resultType === 'vector' && Array.isArray(result)) {
    return arrayReading(result.map((series) => parseSampleValue(pairOf(series, 'value')[1])));
  }
  if (resultType === 'matrix' && Array.isArray(result)) {
    return arrayReading(
      result.flatMap((series) => valuesOf(series).map((pair) => parseSampleValue(pair[1]))),
    );
  }
  throw new PrometheusResponseError('Prometheus metric type not supported');
}

function arrayReading(values: number[]): PrometheusReading {
  return { result: values, value: `[${values.map(formatSampleValue).join(',')}]` };
}

function pairOf(series: unknown, key: 'value'): unknown[] {
  const pair = (series as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(pair)) throw new PrometheusResponseError(`bad_response: sample without a ${key}`);
  return pair;
}

function valuesOf(series: unknown): unknown[][] {
  const values = (series as { values?: unknown } | null)?.values;
  if (values === undefined) return [];
  if (!Array.isArray(values) || !values.every(Array.isArray)) {
    throw new PrometheusResponseError('bad_response: series without values');
  }
  return values as unknown[][];
}

/** Prometheus sends sample values as strings: `"0.5"`, `"NaN"`, `"+Inf"`, `"-Inf"`. */
export function parseSampleValue(raw: unknown): number {
  if (typeof raw !== 'string') throw new PrometheusResponseError(`bad_response: sample value ${String(raw)}`);
  const lower = raw.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  const value = Number(raw);
  if (raw.trim() === '' || Number.isNaN(value)) {
    throw new PrometheusResponseError(`bad_response: sample value ${JSON.stringify(raw)} is not a number`);
  }
  return value;
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest digits, no exponent; `NaN`, `+Inf`, `-Inf`. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Object.is(value, -0)) return '-0';
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = '', lead = '', fraction = '', exponent = '0'] = match;
  const digits = lead + fraction;
  const point = 1 + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** An instant-query vector with each series' labels (the `truesplit` provider groups by them); errors as above. */
export function readPrometheusVector(
  status: number,
  body: string,
): { labels: Record<string, string>; value: number }[] {
  const data = envelopeOf(status, body).data as { resultType?: unknown; result?: unknown } | undefined;
  if (data?.resultType !== 'vector' || !Array.isArray(data.result)) {
    throw new PrometheusResponseError(`bad_response: expected a vector, got ${String(data?.resultType)}`);
  }
  return data.result.map((series) => ({
    labels: { ...((series as { metric?: Record<string, string> }).metric ?? {}) },
    value: parseSampleValue(pairOf(series, 'value')[1]),
  }));
}
