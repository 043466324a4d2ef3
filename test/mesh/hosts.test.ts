import { describe, expect, it } from 'vitest';
import type { Pod, ReplicaSet, Sidecar } from '../../src/api/index.js';
import {
  isExportedTo,
  matchHost,
  namespaceDataplane,
  resolveGatewayRef,
  resolveHost,
  sidecarImports,
  snapshotFromObjects,
} from '../../src/mesh/index.js';

const FQDN = 'reviews.a.svc.cluster.local';

describe('Istio naming rules', () => {
  it.each([
    { host: 'reviews', ns: 'a', out: FQDN },
    { host: 'reviews', ns: 'b', out: 'reviews.b.svc.cluster.local' },
    { host: 'reviews.a', ns: 'b', out: 'reviews.a' },
    { host: FQDN, ns: 'b', out: FQDN },
    { host: '*', ns: 'b', out: '*' },
  ])('resolveHost($host in $ns) = $out', ({ host, ns, out }) => expect(resolveHost(host, ns)).toBe(out));

  it.each([
    { pattern: FQDN, match: 'exact' },
    { pattern: '*.a.svc.cluster.local', match: 'wildcard' },
    { pattern: '*.svc.cluster.local', match: 'wildcard' },
    { pattern: '*.b.svc.cluster.local', match: undefined },
    { pattern: 'reviews.a', match: undefined },
  ])('matchHost($pattern) = $match', ({ pattern, match }) => expect(matchHost(pattern, FQDN)).toBe(match));

  it.each([
    { ref: 'gw', out: 'a/gw' },
    { ref: 'b/gw', out: 'b/gw' },
    { ref: 'gw.c.svc.cluster.local', out: 'c/gw' },
    { ref: 'mesh', out: 'mesh' },
  ])('resolveGatewayRef($ref) = $out', ({ ref, out }) => expect(resolveGatewayRef(ref, 'a')).toBe(out));

  it.each([
    { exportTo: undefined, caller: 'x', visible: true },
    { exportTo: ['.'], caller: 'a', visible: true },
    { exportTo: ['.'], caller: 'x', visible: false },
    { exportTo: ['x', 'y'], caller: 'y', visible: true },
    { exportTo: ['~'], caller: 'a', visible: false },
    { exportTo: ['x'], caller: '*', visible: false },
    { exportTo: ['*'], caller: '*', visible: true },
  ])('exportTo $exportTo seen from $caller: $visible', ({ exportTo, caller, visible }) =>
    expect(isExportedTo(exportTo, 'a', caller)).toBe(visible),
  );

  const sidecar = (hosts: string[]): Sidecar => ({
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'Sidecar',
    metadata: { name: 'default', namespace: 'c' },
    spec: { egress: [{ hosts }] },
  });
  it.each([
    { hosts: ['./*'], caller: 'c', imports: false },
    { hosts: ['./*'], caller: 'a', imports: true },
    { hosts: ['a/*'], caller: 'c', imports: true },
    { hosts: [`*/${FQDN}`], caller: 'c', imports: true },
    { hosts: ['*/*.b.svc.cluster.local'], caller: 'c', imports: false },
    { hosts: ['~/*'], caller: 'c', imports: false },
    { hosts: ['reviews'], caller: 'c', imports: false },
  ])('Sidecar $hosts for a caller in $caller imports: $imports', ({ hosts, caller, imports }) =>
    expect(sidecarImports(sidecar(hosts), caller, 'a', FQDN)).toBe(imports),
  );

  it.each([
    { labels: { 'istio-injection': 'enabled' }, mode: 'sidecar' },
    { labels: { 'istio.io/rev': 'canary' }, mode: 'sidecar' },
    { labels: { 'istio.io/rev': 'canary', 'istio-injection': 'disabled' }, mode: 'none' },
    { labels: { 'istio.io/dataplane-mode': 'ambient' }, mode: 'ambient' },
    { labels: { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' }, mode: 'sidecar' },
    { labels: {}, mode: 'none' },
  ])('namespace $labels is $mode', ({ labels, mode }) => expect(namespaceDataplane(labels)).toBe(mode));
});

describe('snapshotFromObjects', () => {
  const pod = (name: string, ready: boolean, annotations: Record<string, string> = {}): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'a', labels: { app: 'x', 'rollouts-pod-template-hash': 'h1' }, annotations },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
  const ns = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'a', labels: { 'istio-injection': 'enabled' } },
  };

  it('collapses live pods into groups by labels and sidecar', () => {
    const snap = snapshotFromObjects([
      ns,
      pod('p1', true),
      pod('p2', false),
      pod('p3', true, { 'sidecar.istio.io/inject': 'false' }),
    ]);
    expect(snap.endpoints).toEqual([
      {
        namespace: 'a',
        labels: { app: 'x', 'rollouts-pod-template-hash': 'h1' },
        ready: 1,
        total: 2,
        sidecar: true,
      },
      {
        namespace: 'a',
        labels: { app: 'x', 'rollouts-pod-template-hash': 'h1' },
        ready: 1,
        total: 1,
        sidecar: false,
      },
    ]);
  });

  it('builds groups from ReplicaSets when no pod is given', () => {
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'x-h1', namespace: 'a' },
      spec: { replicas: 3, selector: {}, template: { metadata: { labels: { app: 'x' } } } },
      status: { readyReplicas: 2 },
    };
    expect(snapshotFromObjects([ns, rs]).endpoints).toEqual([
      { namespace: 'a', labels: { app: 'x' }, ready: 2, total: 3, sidecar: true },
    ]);
  });
});
