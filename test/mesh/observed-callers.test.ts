import { describe, expect, it } from 'vitest';
import { observedShareOf, type ModelPathRef } from '../../src/mesh/observed-callers.js';
import { readCallerSplits, type LabelledSample } from '../../src/mesh/observed-split.js';

const CANARY = 'c4n4ry';
const STABLE = 'st4b1e';

function source(ns: string, workload: string, revision: string, value: number, code = '200'): LabelledSample {
  return {
    labels: {
      source_workload_namespace: ns,
      source_workload: workload,
      destination_canonical_revision: revision,
      response_code: code,
    },
    value,
  };
}

const results = {
  source: [
    source('istio-system', 'istio-ingressgateway', CANARY, 10),
    source('istio-system', 'istio-ingressgateway', STABLE, 90),
    source('edge', 'edge-gateway', CANARY, 5),
    source('edge', 'edge-gateway', STABLE, 5),
    source('frontend', 'web', CANARY, 25),
    source('frontend', 'web', STABLE, 25, '503'),
    source('batch', 'report', CANARY, 1),
    source('batch', 'report', STABLE, 3),
    source('jobs', 'cron', STABLE, 4),
  ],
  destination: [
    { labels: { source_workload: 'unknown', destination_canonical_revision: CANARY }, value: 30 },
    { labels: { source_workload: 'unknown', destination_canonical_revision: STABLE }, value: 10 },
    // A caller with a proxy, also reported by the destination: counted once, at its source.
    { labels: { source_workload: 'web', destination_canonical_revision: CANARY }, value: 25 },
  ],
};
const callers = readCallerSplits(results, { canaryRevision: CANARY });

describe('readCallerSplits', () => {
  it('reads one caller per gateway workload, sidecar namespace, and the callers without a sidecar', () => {
    expect(callers.map((c) => [c.path, c.from, c.canaryRequests, c.totalRequests])).toEqual([
      ['gateway', 'edge/edge-gateway', 5, 10],
      ['gateway', 'istio-system/istio-ingressgateway', 10, 100],
      ['mesh', 'batch', 1, 4],
      ['mesh', 'frontend', 25, 50],
      ['mesh', 'jobs', 0, 4],
      ['plain', '*', 30, 40],
    ]);
  });
});

describe('observedShareOf', () => {
  const twoGateways: ModelPathRef[] = [
    { kind: 'gateway', from: 'istio-system/public' },
    { kind: 'gateway', from: 'edge/partners' },
    { kind: 'mesh', from: 'frontend' },
    { kind: 'mesh', from: '*' },
    { kind: 'mesh', from: 'frontend', variant: 'header x-canary: always' },
    { kind: 'plain', from: 'frontend' },
    { kind: 'plain', from: '*' },
    { kind: 'ambient', from: 'mesh-free' },
  ];
  const cases: { name: string; path: ModelPathRef; model?: ModelPathRef[]; want: unknown }[] = [
    {
      name: 'a gateway path counts the gateway workloads of its Gateway namespace',
      path: { kind: 'gateway', from: 'istio-system/public' },
      want: {
        share: 0.1,
        canaryRequests: 10,
        totalRequests: 100,
        callers: ['istio-system/istio-ingressgateway'],
      },
    },
    {
      name: 'the only gateway path counts every gateway workload, wherever its Gateway object lives',
      path: { kind: 'gateway', from: 'apps/shop-gw' },
      model: [{ kind: 'gateway', from: 'apps/shop-gw' }],
      want: {
        share: 15 / 110,
        canaryRequests: 15,
        totalRequests: 110,
        callers: ['edge/edge-gateway', 'istio-system/istio-ingressgateway'],
      },
    },
    {
      name: 'a mesh path counts its namespace',
      path: { kind: 'mesh', from: 'frontend' },
      want: { share: 0.5, canaryRequests: 25, totalRequests: 50, callers: ['frontend'] },
    },
    {
      name: 'mesh * counts the namespaces no other mesh path names, with too few requests for a share',
      path: { kind: 'mesh', from: '*' },
      want: { share: undefined, canaryRequests: 1, totalRequests: 8, callers: ['batch', 'jobs'] },
    },
    {
      name: 'every plain path gets the callers without a sidecar (their namespace is unknown)',
      path: { kind: 'plain', from: 'frontend' },
      want: { share: 0.75, canaryRequests: 30, totalRequests: 40, callers: ['*'] },
    },
    { name: 'a header variant is not told apart', path: twoGateways[4]!, want: undefined },
    { name: 'ambient callers are not read', path: { kind: 'ambient', from: 'mesh-free' }, want: undefined },
    {
      name: 'a gateway whose namespace sent nothing',
      path: { kind: 'gateway', from: 'other/gw' },
      want: undefined,
    },
  ];
  it.each(cases)('$name', ({ path, model, want }) => {
    expect(observedShareOf(path, callers, model ?? twoGateways, 20)).toEqual(want);
  });
});
