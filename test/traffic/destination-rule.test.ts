import { describe, expect, it } from 'vitest';
import type { ReplicaSet } from '../../src/api/index.js';
import { hashSwitchBlocker, stripManagedHashes, updateHashes } from '../../src/traffic/istio/index.js';
import { destinationRule, expectUpdated, rollout, subsetRollout, SUBSET_DR_REF } from './fixtures.js';

const HASH = 'rollouts-pod-template-hash';
const MANAGED = 'argo-rollouts.argoproj.io/managed-by-rollouts';
const ro = subsetRollout();

describe('updateHashes', () => {
  it('§5.27 DR with trafficPolicy and per-subset extras → hashes set, labels and extras kept, managed-by added', () => {
    const dr = destinationRule([
      {
        name: 'stable',
        labels: { version: 'v3' },
        trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } },
      },
      {
        name: 'canary',
        labels: { version: 'v3' },
        trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } },
      },
      { name: 'unrelated', labels: { track: 'shadow' } },
    ]);
    dr.spec.trafficPolicy = { tls: { mode: 'ISTIO_MUTUAL' } };
    const out = expectUpdated(updateHashes(dr, ro, 'abc123', 'def456'));
    expect(out.spec.subsets).toEqual([
      {
        name: 'stable',
        labels: { version: 'v3', [HASH]: 'def456' },
        trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } },
      },
      {
        name: 'canary',
        labels: { version: 'v3', [HASH]: 'abc123' },
        trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } },
      },
      { name: 'unrelated', labels: { track: 'shadow' } },
    ]);
    expect(out.spec.trafficPolicy).toEqual(dr.spec.trafficPolicy);
    expect(out.metadata.annotations).toEqual({ [MANAGED]: 'guestbook' });
    expect(dr.spec.subsets?.[0]?.labels).toEqual({ version: 'v3' });
  });

  it('§5.28 bare DR: one update, then unchanged once correct', () => {
    const out = expectUpdated(updateHashes(destinationRule(), ro, 'abc123', 'def456'));
    expect(updateHashes(out, ro, 'abc123', 'def456')).toEqual({ kind: 'unchanged' });
  });

  it('§3.5 an empty hash removes the label from that subset', () => {
    const dr = destinationRule([
      { name: 'stable', labels: { [HASH]: 'def456' } },
      { name: 'canary', labels: { [HASH]: 'abc123' } },
    ]);
    const out = expectUpdated(updateHashes(dr, ro, '', 'def456'));
    expect(out.spec.subsets?.[1]).toEqual({ name: 'canary', labels: {} });
  });

  it('§5.29 experiment subsets appended per Service, second appended, removal drops its subset', () => {
    const e1 = { serviceName: 'exp-1', weight: 10, podTemplateHash: 'e111' };
    const e2 = { serviceName: 'exp-2', weight: 10, podTemplateHash: 'e222' };
    const one = expectUpdated(updateHashes(destinationRule(), ro, 'abc', 'def', [e1]));
    expect(one.spec.subsets?.map((s) => s.name)).toEqual(['stable', 'canary', 'exp-1']);
    expect(one.spec.subsets?.[2]?.labels).toEqual({ [HASH]: 'e111' });
    const two = expectUpdated(updateHashes(one, ro, 'abc', 'def', [e1, e2]));
    expect(two.spec.subsets?.map((s) => s.name)).toEqual(['stable', 'canary', 'exp-1', 'exp-2']);
    const back = expectUpdated(updateHashes(two, ro, 'abc', 'def', [e2]));
    expect(back.spec.subsets?.map((s) => s.name)).toEqual(['stable', 'canary', 'exp-2']);
  });

  it('a canary or stable subset missing from the DR is an error naming the subset', () => {
    const result = updateHashes(destinationRule([{ name: 'stable' }]), ro, 'a', 'b');
    expect(result).toEqual({
      kind: 'error',
      error: {
        reason: 'SubsetNotFound',
        object: 'DestinationRule/default/guestbook-dr',
        message: "Canary subset 'canary' is not defined in DestinationRule 'guestbook-dr'",
        field: 'spec.subsets',
      },
    });
  });
});

describe('stripManagedHashes', () => {
  it('controller cleanup: DR no longer referenced → hash labels and managed-by removed, other data kept', () => {
    const managed = expectUpdated(
      updateHashes(
        destinationRule([{ name: 'stable', labels: { v: '1' } }, { name: 'canary' }]),
        ro,
        'a',
        'b',
      ),
    );
    managed.metadata.annotations = { ...managed.metadata.annotations, keep: 'me' };
    const out = expectUpdated(stripManagedHashes(managed));
    expect(out.spec.subsets).toEqual([
      { name: 'stable', labels: { v: '1' } },
      { name: 'canary', labels: {} },
    ]);
    expect(out.metadata.annotations).toEqual({ keep: 'me' });
    expect(stripManagedHashes(out)).toEqual({ kind: 'unchanged' });
  });
});

describe('hashSwitchBlocker (the DR switch delay decision)', () => {
  const rs = (name: string, hash: string, replicas: number, available: number): ReplicaSet => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', labels: { [HASH]: hash } },
    spec: { replicas, selector: {}, template: {} },
    status: { availableReplicas: available },
  });
  const noServices = subsetRollout();
  const withServices = rollout({ virtualService: { name: 'vsvc' }, destinationRule: SUBSET_DR_REF });

  it.each([
    [
      '§5.41/§5.45 unavailable canary delays and names the RS',
      noServices,
      [rs('ro-abc123', 'abc123', 1, 0)],
      false,
      'ro-abc123',
    ],
    ['§5.45 unavailable stable delays', noServices, [rs('ro-def456', 'def456', 2, 1)], false, 'ro-def456'],
    [
      '§5.44/§5.45 unrelated unavailable RS is ignored',
      noServices,
      [rs('ro-old', 'old999', 1, 0), rs('ro-abc123', 'abc123', 1, 1)],
      false,
      undefined,
    ],
    ['§5.45 RS scaled to 0 is ignored', noServices, [rs('ro-abc123', 'abc123', 0, 0)], false, undefined],
    [
      '§5.45 never delays when canary/stable Services are set',
      withServices,
      [rs('ro-abc123', 'abc123', 1, 0)],
      false,
      undefined,
    ],
    [
      '§5.44 abort: unavailable canary ignored',
      noServices,
      [rs('ro-abc123', 'abc123', 1, 0), rs('ro-def456', 'def456', 1, 1)],
      true,
      undefined,
    ],
    [
      '§5.42 all available → no delay',
      noServices,
      [rs('ro-abc123', 'abc123', 1, 1), rs('ro-def456', 'def456', 1, 1)],
      false,
      undefined,
    ],
  ])('%s', (_n, ro2, replicaSets, abort, expected) => {
    expect(hashSwitchBlocker(ro2, replicaSets, 'abc123', 'def456', abort)).toBe(expected);
  });

  it('§5.44 aborted rollout with an empty canary hash only needs the stable RS', () => {
    expect(
      hashSwitchBlocker(noServices, [rs('ro-def456', 'def456', 1, 1)], '', 'def456', true),
    ).toBeUndefined();
  });
});
