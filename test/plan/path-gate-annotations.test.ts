import { describe, expect, it } from 'vitest';
import { readPathGateAnnotations } from '../../src/api/path-gate-annotations.ts';

const key = (name: string) => `truesplit.io/${name}`;
const field = (name: string) => `metadata.annotations["truesplit.io/${name}"]`;

describe('observed-split annotations', () => {
  it('defaults: predicted, 1m, 20 requests, no address', () => {
    const s = readPathGateAnnotations({});
    expect([s.source, s.observedWindow, s.minSamples, s.prometheusAddress, s.problems]).toEqual([
      'predicted',
      '1m',
      20,
      undefined,
      [],
    ]);
  });

  it('reads every value', () => {
    const s = readPathGateAnnotations({
      [key('path-gate-source')]: 'both',
      [key('observed-window')]: '30s',
      [key('path-min-samples')]: '0',
      [key('prometheus-address')]: 'http://prometheus.istio-system:9090',
    });
    expect([s.source, s.observedWindow, s.minSamples, s.prometheusAddress]).toEqual([
      'both',
      '30s',
      0,
      'http://prometheus.istio-system:9090',
    ]);
  });

  it.each([
    {
      name: 'path-gate-source',
      value: 'telemetry',
      message: '"telemetry" is not "predicted", "observed" or "both"',
    },
    {
      name: 'observed-window',
      value: '1 minute',
      message: '"1 minute" is not a PromQL duration such as 30s or 1m',
    },
    { name: 'observed-window', value: '0s', message: '"0s" is not a PromQL duration such as 30s or 1m' },
    { name: 'path-min-samples', value: '-3', message: '"-3" is not a whole number of requests (0 or more)' },
    {
      name: 'path-min-samples',
      value: '2.5',
      message: '"2.5" is not a whole number of requests (0 or more)',
    },
    {
      name: 'prometheus-address',
      value: 'prometheus:9090',
      message: '"prometheus:9090" is not an http:// or https:// URL',
    },
  ])('$name: $value is a problem naming the field, the default applies', ({ name, value, message }) => {
    const s = readPathGateAnnotations({ [key(name)]: value });
    expect(s.problems).toEqual([{ field: field(name), message }]);
    expect([s.source, s.observedWindow, s.minSamples, s.prometheusAddress]).toEqual([
      'predicted',
      '1m',
      20,
      undefined,
    ]);
  });
});
