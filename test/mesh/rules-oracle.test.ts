import { describe, expect, it } from 'vitest';
import type { MeshSnapshot } from '../../src/mesh/index.js';
import { FQDN, injected, NS, rollout, service, vs } from './fixtures.js';
import { run, world } from './helpers.js';

/** Rules refined after the differential test against Istio's own config generation (test/oracle, ADR 0040). */
const FIXED = rollout({ vsNames: ['istio-rollout-vsvc'] });
const weighted = (stable: number) => [
  { destination: { host: 'istio-rollout', subset: 'stable' }, weight: stable },
  { destination: { host: 'istio-rollout', subset: 'canary' }, weight: 100 - stable },
];
const pinnedFirst = (match: Record<string, unknown>) =>
  vs('istio-rollout-vsvc', {
    hosts: [FQDN],
    http: [
      { name: 'pinned', match: [match], route: weighted(100) },
      { name: 'primary', route: weighted(90) },
    ],
  });
const callers = [injected(NS), injected('frontend'), injected('shop')];

function shares(over: Partial<MeshSnapshot>) {
  return run(world({ namespaces: callers, ...over }, { ro: FIXED }));
}

describe('rules checked against Istio', () => {
  it('sourceNamespace pins only that namespace: frontend 0 %, others the weight', () => {
    const result = shares({ virtualServices: [pinnedFirst({ sourceNamespace: 'frontend' })] });
    expect(result.shares['mesh frontend']).toBe(0);
    expect(result.shares['mesh shop']).toBe(0.1);
    expect(result.codes['mesh frontend']).not.toContain('prediction-uncertain');
  });

  it('sourceNamespace for callers nobody declared: uncertain, no share', () => {
    const result = shares({ virtualServices: [pinnedFirst({ sourceNamespace: 'frontend' })] });
    expect(result.shares['mesh *']).toBeNull();
    expect(result.codes['mesh *']).toContain('prediction-uncertain');
  });

  it('sourceLabels before the catch-all: uncertain for the whole namespace', () => {
    const result = shares({ virtualServices: [pinnedFirst({ sourceLabels: { app: 'batch' } })] });
    expect(result.shares['mesh shop']).toBeNull();
    expect(result.codes['mesh shop']).toContain('prediction-uncertain');
    const finding = result.findings.find((f) => f.code === 'prediction-uncertain');
    expect(finding?.severity).toBe('warning');
    expect(finding?.message).toContain('sourceLabels app=batch');
  });

  it('a delegating default route: uncertain', () => {
    const root = vs('istio-rollout-vsvc', {
      hosts: [FQDN],
      http: [{ name: 'primary', delegate: { name: 'inner', namespace: NS } }],
    });
    const result = shares({ virtualServices: [root, vs('inner', { http: [{ route: weighted(90) }] })] });
    expect(result.codes['mesh shop']).toContain('prediction-uncertain');
    expect(result.shares['mesh shop']).toBeNull();
  });

  it('a Service exported away from the caller: the endpoint ratio, export-to', () => {
    const svc = service();
    svc.metadata.annotations = { 'networking.istio.io/exportTo': '.' };
    const result = shares({
      services: [svc],
      virtualServices: [vs('istio-rollout-vsvc', { hosts: [FQDN] })],
    });
    expect(result.shares['mesh shop']).toBe(0.5);
    expect(result.codes['mesh shop']).toContain('export-to');
    expect(result.shares[`mesh ${NS}`]).toBe(0.1);
  });

  it('a TCP Service port under a mesh VirtualService: uncertain', () => {
    const svc = service();
    svc.spec.ports = [{ name: 'tcp-db', port: 80 }];
    const result = shares({
      services: [svc],
      virtualServices: [vs('istio-rollout-vsvc', { hosts: [FQDN] })],
    });
    expect(result.codes['mesh shop']).toContain('prediction-uncertain');
  });

  it('a workload-scoped Sidecar in the caller namespace: uncertain there only', () => {
    const scoped = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar' as const,
      metadata: { name: 'batch', namespace: 'shop' },
      spec: { workloadSelector: { labels: { app: 'batch' } }, egress: [{ hosts: ['./*'] }] },
    };
    const result = shares({
      sidecars: [scoped],
      virtualServices: [vs('istio-rollout-vsvc', { hosts: [FQDN] })],
    });
    expect(result.codes['mesh shop']).toContain('prediction-uncertain');
    expect(result.shares['mesh frontend']).toBe(0.1);
  });
});

describe('VirtualServices Istio rejects or routes by name (checked against Istio)', () => {
  const GW = `${NS}/istio-rollout-gateway`;

  it('a VirtualService without any route is rejected: mesh callers get the endpoint ratio, its gateway 404', () => {
    const empty = vs('istio-rollout-vsvc', {
      hosts: [FQDN],
      gateways: ['istio-rollout-gateway', 'mesh'],
      http: [],
    });
    empty.spec.http = [];
    const result = shares({ virtualServices: [empty] });
    expect(result.shares['mesh shop']).toBe(0.5);
    expect(result.codes['mesh shop']).toEqual(['no-default-route']);
    expect(result.shares[`gateway ${GW}`]).toBeNull();
    const finding = result.findings.find((f) => f.code === 'no-default-route');
    expect(finding?.message).toContain('it has no http, tcp or tls route, so Istio rejects it');
  });

  it('a gateway VirtualService whose hosts overlap (`*` and the FQDN) is rejected: its gateway 404', () => {
    const overlapping = vs('istio-rollout-vsvc', { hosts: ['*', FQDN], gateways: ['istio-rollout-gateway'] });
    const result = shares({ virtualServices: [overlapping] });
    expect(result.shares[`gateway ${GW}`]).toBeNull();
    expect(result.codes[`gateway ${GW}`]).toEqual(['no-default-route']);
    expect(result.shares['mesh shop']).toBe(0.5);
  });

  it('a VirtualService for `name.ns` routes only callers who dial that name: uncertain when its share differs', () => {
    const alias = vs('alias', { hosts: [`istio-rollout.${NS}`] });
    const result = shares({ virtualServices: [vs('istio-rollout-vsvc', { hosts: [FQDN] }), alias] });
    expect(result.shares['mesh shop']).toBeNull();
    expect(result.codes['mesh shop']).toContain('prediction-uncertain');
    const finding = result.findings.find((f) => f.code === 'prediction-uncertain');
    expect(finding?.message).toContain(
      `callers dialling istio-rollout.${NS} are routed by another VirtualService`,
    );
  });

  it('a VirtualService for `name.ns` with the same share as the FQDN route: the share stands', () => {
    const alias = vs('alias', { hosts: [`istio-rollout.${NS}`], http: [{ route: weighted(90) }] });
    const result = shares({
      virtualServices: [vs('istio-rollout-vsvc', { hosts: [FQDN], http: [{ route: weighted(90) }] }), alias],
    });
    expect(result.shares['mesh shop']).toBe(0.1);
  });
});
