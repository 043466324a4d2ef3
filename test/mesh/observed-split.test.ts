import { describe, expect, it } from 'vitest';
import {
  buildSplitQueries,
  combinePaths,
  readPathSplits,
  type LabelledSample,
} from '../../src/mesh/observed-split.js';

const CANARY = '7c9f8d';
const STABLE = '5b6a4e';

function sample(
  workload: string,
  revision: string,
  value: number,
  code = '200',
  ns = 'shop',
): LabelledSample {
  return {
    labels: {
      source_workload: workload,
      source_workload_namespace: ns,
      destination_canonical_revision: revision,
      response_code: code,
    },
    value,
  };
}

describe('buildSplitQueries', () => {
  it('sums increase() by caller and revision: source reports, and destination reports of unknown callers', () => {
    const queries = buildSplitQueries({ service: 'shop', namespace: 'prod', window: '2m' });
    const by =
      'sum by (source_workload_namespace, source_workload, destination_canonical_revision, response_code)';
    expect(queries.source).toBe(
      `${by} (increase(istio_requests_total{reporter="source",destination_service_name="shop",` +
        `destination_service_namespace="prod"}[2m]))`,
    );
    expect(queries.destination).toBe(
      `${by} (increase(istio_requests_total{reporter="destination",source_workload="unknown",` +
        `destination_service_name="shop",destination_service_namespace="prod"}[2m]))`,
    );
  });

  it('escapes label values', () => {
    expect(buildSplitQueries({ service: 'a"b\\c', namespace: 'n', window: '1m' }).source).toContain(
      'destination_service_name="a\\"b\\\\c"',
    );
  });

  it.each(['1 m', '', '1m) or vector(1', '5'])('rejects the window %j', (window) => {
    expect(() => buildSplitQueries({ service: 's', namespace: 'n', window })).toThrow(/PromQL duration/);
  });
});

describe('readPathSplits', () => {
  const source = [
    sample('istio-ingressgateway', CANARY, 10, '200', 'istio-system'),
    sample('istio-ingressgateway', STABLE, 90, '200', 'istio-system'),
    sample('frontend', CANARY, 40),
    sample('frontend', CANARY, 10, '503'),
    sample('frontend', STABLE, 50),
  ];
  const destination = [
    sample('unknown', CANARY, 3),
    sample('unknown', STABLE, 27),
    // A caller with a proxy is counted from its source report only.
    sample('frontend', CANARY, 50),
  ];
  const splits = readPathSplits({ source, destination }, { canaryRevision: CANARY, minSamples: 20 });

  it.each([
    { path: 'gateway', canary: 10, total: 100, share: 0.1, errors: 0, errorRate: undefined },
    { path: 'mesh', canary: 50, total: 100, share: 0.5, errors: 10, errorRate: 0.2 },
    { path: 'plain', canary: 3, total: 30, share: 0.1, errors: 0, errorRate: undefined },
  ])('$path: $canary of $total to the canary', ({ path, canary, total, share, errors, errorRate }) => {
    const split = splits.find((s) => s.path === path);
    expect(split).toEqual({
      path,
      canaryRequests: canary,
      totalRequests: total,
      share,
      canaryErrors: errors,
      canaryErrorRate: errorRate,
    });
  });

  it('below minSamples a share is undefined (insufficient data)', () => {
    const few = readPathSplits(
      { source: [sample('frontend', CANARY, 5), sample('frontend', STABLE, 14)], destination: [] },
      { canaryRevision: CANARY, minSamples: 20 },
    );
    expect(few.find((s) => s.path === 'mesh')?.share).toBeUndefined();
    expect(few.find((s) => s.path === 'gateway')).toMatchObject({ totalRequests: 0, share: undefined });
  });

  it('a custom gateway pattern decides which source workloads are gateways', () => {
    const custom = readPathSplits(
      {
        source: [sample('edge-proxy', CANARY, 30), sample('istio-ingressgateway', CANARY, 30)],
        destination: [],
      },
      { canaryRevision: CANARY, minSamples: 1, gatewayWorkloads: 'edge-.*' },
    );
    expect(custom.map((s) => [s.path, s.totalRequests])).toEqual([
      ['gateway', 30],
      ['mesh', 30],
      ['plain', 0],
    ]);
  });

  it('NaN increases count as zero', () => {
    const split = readPathSplits(
      { source: [sample('frontend', CANARY, NaN), sample('frontend', STABLE, 30)], destination: [] },
      { canaryRevision: CANARY, minSamples: 1 },
    );
    expect(split.find((s) => s.path === 'mesh')?.share).toBe(0);
  });

  it('combinePaths adds every path', () => {
    expect(combinePaths(splits, 20)).toEqual({
      canaryRequests: 63,
      totalRequests: 230,
      share: 63 / 230,
      canaryErrors: 10,
      canaryErrorRate: 10 / 63,
    });
  });
});
