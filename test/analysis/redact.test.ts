import { describe, expect, it } from 'vitest';
import { displayUrl, redactMeasurement, redactText, sensitiveValues } from '../../src/analysis/redact.js';

describe('sensitiveValues', () => {
  it.each([
    {
      name: 'a bearer token: the whole value and the token',
      headers: [{ key: 'Authorization', value: 'Bearer tok-123456' }],
      secrets: [],
      values: ['Bearer tok-123456', 'tok-123456'],
    },
    {
      name: 'payload headers are not secrets',
      headers: [
        { key: 'Content-Type', value: 'application/json' },
        { key: 'accept', value: 'application/json' },
      ],
      secrets: [],
      values: [],
    },
    {
      name: 'values shorter than 4 characters are left alone',
      headers: [{ key: 'X-Shard', value: '12' }],
      secrets: [],
      values: [],
    },
    {
      name: 'secret args always count, longest first',
      headers: [{ key: 'X-Api-Key', value: 'key-abcdef' }],
      secrets: ['pw', ''],
      values: ['key-abcdef', 'pw'],
    },
  ])('$name', ({ headers, secrets, values }) => {
    expect(sensitiveValues(headers, secrets)).toEqual(values);
  });
});

describe('redaction', () => {
  it('replaces every occurrence in message, value and metadata, and leaves other fields', () => {
    const sensitive = sensitiveValues([{ key: 'Authorization', value: 'Bearer abcd1234' }], ['hunter2']);
    const measurement = {
      phase: 'Error' as const,
      message: 'denied: Bearer abcd1234 (token abcd1234), password hunter2',
      value: '["abcd1234"]',
      metadata: { query: 'x{p="hunter2"}' },
      result: ['abcd1234'],
    };
    expect(redactMeasurement(measurement, sensitive)).toEqual({
      phase: 'Error',
      message: 'denied: ***** (token *****), password *****',
      value: '["*****"]',
      metadata: { query: 'x{p="*****"}' },
      result: ['abcd1234'],
    });
    expect(redactText('nothing here', sensitive)).toBe('nothing here');
  });

  it.each([
    {
      url: 'https://user:pw@metrics.example.com:8443/api/v1?key=abc',
      shown: 'https://metrics.example.com:8443/api/v1?…',
    },
    { url: 'http://prometheus:9090', shown: 'http://prometheus:9090/' },
    { url: 'not a url', shown: '(invalid URL)' },
  ])('displayUrl($url)', ({ url, shown }) => {
    expect(displayUrl(url)).toBe(shown);
  });
});
