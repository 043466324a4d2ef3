import { describe, expect, it } from 'vitest';
import { formatSampleValue, readPrometheusResponse } from '../../src/analysis/prometheus-result.js';

const ok = (data: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ status: 'success', data, ...extra });
const sample = (value: string, labels: Record<string, string> = {}) => ({
  metric: labels,
  value: [1700000000, value],
});

describe('readPrometheusResponse: results', () => {
  it.each([
    { name: 'scalar', body: ok({ resultType: 'scalar', result: [1, '0.5'] }), result: 0.5, value: '0.5' },
    {
      name: 'vector of two series',
      body: ok({
        resultType: 'vector',
        result: [sample('0.01', { version: 'v1' }), sample('0.2', { version: 'v2' })],
      }),
      result: [0.01, 0.2],
      value: '[0.01,0.2]',
    },
    { name: 'empty vector', body: ok({ resultType: 'vector', result: [] }), result: [], value: '[]' },
    {
      name: 'NaN stays NaN',
      body: ok({ resultType: 'vector', result: [sample('NaN')] }),
      result: [NaN],
      value: '[NaN]',
    },
    {
      name: 'infinities',
      body: ok({ resultType: 'vector', result: [sample('+Inf'), sample('-Inf')] }),
      result: [Infinity, -Infinity],
      value: '[+Inf,-Inf]',
    },
    {
      name: 'matrix flattened in series order',
      body: ok({
        resultType: 'matrix',
        result: [
          {
            metric: { a: '1' },
            values: [
              [1, '1'],
              [2, '2'],
            ],
          },
          { metric: { a: '2' }, values: [[1, '3']] },
        ],
      }),
      result: [1, 2, 3],
      value: '[1,2,3]',
    },
    { name: 'empty matrix', body: ok({ resultType: 'matrix', result: [] }), result: [], value: '[]' },
    {
      name: 'tiny and huge values written without exponent',
      body: ok({ resultType: 'vector', result: [sample('1e-7'), sample('1.5e21')] }),
      result: [1e-7, 1.5e21],
      value: '[0.0000001,1500000000000000000000]',
    },
  ])('$name', ({ body, result, value }) => {
    const reading = readPrometheusResponse(200, body);
    expect(reading.result).toEqual(result);
    expect(reading.value).toBe(value);
    expect(reading.warnings).toBeUndefined();
  });

  it('keeps warnings as Argo joins them', () => {
    const body = ok({ resultType: 'scalar', result: [1, '1'] }, { warnings: ['partial data', 'slow'] });
    expect(readPrometheusResponse(200, body).warnings).toBe('"partial data", "slow"');
  });
});

describe('readPrometheusResponse: errors with client_golang texts', () => {
  it.each([
    {
      name: 'PromQL parse error (400)',
      status: 400,
      body: JSON.stringify({
        status: 'error',
        errorType: 'bad_data',
        error: '1:5: parse error: unexpected "}"',
      }),
      error: 'bad_data: 1:5: parse error: unexpected "}"',
    },
    {
      name: 'execution error (422)',
      status: 422,
      body: JSON.stringify({
        status: 'error',
        errorType: 'execution',
        error: 'many-to-many matching not allowed',
      }),
      error: 'execution: many-to-many matching not allowed',
    },
    { name: '400 without a JSON body', status: 400, body: 'nope', error: 'client_error: client error: 400' },
    {
      name: '400 claiming success',
      status: 400,
      body: ok({ resultType: 'scalar', result: [1, '1'] }),
      error: 'bad_response: inconsistent body for response code',
    },
    { name: '503', status: 503, body: 'overloaded', error: 'server_error: server error: 503' },
    { name: '404', status: 404, body: 'not found', error: 'client_error: client error: 404' },
    { name: '302', status: 302, body: '', error: 'bad_response: bad response code 302' },
    { name: '200 not JSON', status: 200, body: '<html>', error: 'bad_response: Unexpected token' },
    {
      name: '200 with error status',
      status: 200,
      body: JSON.stringify({ status: 'error', errorType: 'timeout', error: 'query timed out' }),
      error: 'timeout: query timed out',
    },
    {
      name: 'string result',
      status: 200,
      body: ok({ resultType: 'string', result: [1, 'x'] }),
      error: 'Prometheus metric type not supported',
    },
  ])('$name', ({ status, body, error }) => {
    expect(() => readPrometheusResponse(status, body)).toThrow(error);
  });
});

describe('formatSampleValue (Go FormatFloat f, -1)', () => {
  it.each([
    { value: 0, text: '0' },
    { value: -0, text: '-0' },
    { value: 0.1, text: '0.1' },
    { value: 1 / 3, text: '0.3333333333333333' },
    { value: 123456789, text: '123456789' },
    { value: 2.5e-10, text: '0.00000000025' },
    { value: -1.25e-8, text: '-0.0000000125' },
    { value: 1e21, text: '1000000000000000000000' },
    { value: 1.2345e22, text: '12345000000000000000000' },
    { value: NaN, text: 'NaN' },
  ])('$value → $text', ({ value, text }) => {
    expect(formatSampleValue(value)).toBe(text);
  });
});
