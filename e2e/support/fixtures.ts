/**
 * Manifests for the e2e scenarios: a subset-level Istio canary (one Service, a DestinationRule with canary/stable
 * subsets) and a host-level one (canary and stable Services). Pods carry the pod-ready helper's delay annotation so
 * readiness takes a realistic, short time.
 */
import type { DestinationRule, VirtualService } from '../../src/api/istio.ts';
import type { CanaryStep, CanaryStrategy, Rollout } from '../../src/api/rollout.ts';
import type { Service } from '../../src/api/workloads.ts';

export const READY_DELAY_ANNOTATION = 'e2e.truesplit.io/ready-delay-ms';
export const NEVER_READY_ANNOTATION = 'e2e.truesplit.io/never-ready';

export interface AppOptions {
  namespace: string;
  name: string;
  replicas: number;
  steps: CanaryStep[];
  image?: string;
  readyDelayMs?: number;
  /** extra canary strategy fields (abortScaleDownDelaySeconds, scaleDownDelaySeconds, …) */
  canary?: Partial<CanaryStrategy>;
}

export interface Fixture {
  rollout: Rollout;
  objects: (Service | VirtualService | DestinationRule | Rollout)[];
}

function rolloutFor(o: AppOptions, canary: CanaryStrategy): Rollout {
  const labels = { app: o.name };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: o.name, namespace: o.namespace },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: { [READY_DELAY_ANNOTATION]: String(o.readyDelayMs ?? 300) } },
        spec: { containers: [{ name: 'app', image: o.image ?? `registry.example/${o.name}:1` }] },
      },
      strategy: { canary: { scaleDownDelaySeconds: 2, ...canary, steps: o.steps, ...o.canary } },
    },
  };
}

function service(namespace: string, name: string, app: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

/** A VirtualService with the weighted route `primary` plus a user-owned route and fields the controller must keep. */
function virtualService(
  o: AppOptions,
  stable: { host: string; subset?: string },
  canary: { host: string; subset?: string },
): VirtualService {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: o.name, namespace: o.namespace, labels: { team: 'payments' } },
    spec: {
      hosts: [o.name],
      gateways: ['mesh'],
      http: [
        {
          name: 'health',
          match: [{ uri: { prefix: '/healthz' } }],
          route: [
            {
              destination: { host: stable.host, ...(stable.subset ? { subset: stable.subset } : {}) },
              weight: 100,
            },
          ],
        },
        {
          name: 'primary',
          retries: { attempts: 3, perTryTimeout: '2s' },
          timeout: '10s',
          route: [
            { destination: { ...stable, port: { number: 80 } }, weight: 100 },
            { destination: { ...canary, port: { number: 80 } }, weight: 0 },
          ],
        },
      ],
    },
  };
}

/** Subset-level canary: Service `<name>`, DestinationRule `<name>` with subsets canary/stable, VS route `primary`. */
export function subsetCanary(o: AppOptions): Fixture {
  const rollout = rolloutFor(o, {
    trafficRouting: {
      istio: {
        virtualService: { name: o.name, routes: ['primary'] },
        destinationRule: { name: o.name, canarySubsetName: 'canary', stableSubsetName: 'stable' },
      },
    },
  });
  const host = o.name;
  const dr: DestinationRule = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: o.name, namespace: o.namespace },
    spec: {
      host,
      trafficPolicy: { connectionPool: { tcp: { maxConnections: 100 } } },
      subsets: [
        { name: 'canary', labels: { app: o.name } },
        { name: 'stable', labels: { app: o.name } },
        { name: 'legacy', labels: { app: o.name, track: 'legacy' } },
      ],
    },
  };
  const vs = virtualService(o, { host, subset: 'stable' }, { host, subset: 'canary' });
  return { rollout, objects: [service(o.namespace, o.name, o.name), dr, vs, rollout] };
}

/** Host-level canary: Services `<name>-stable` and `<name>-canary` whose selectors the controller switches. */
export function hostCanary(o: AppOptions): Fixture {
  const stableName = `${o.name}-stable`;
  const canaryName = `${o.name}-canary`;
  const rollout = rolloutFor(o, {
    stableService: stableName,
    canaryService: canaryName,
    trafficRouting: { istio: { virtualService: { name: o.name, routes: ['primary'] } } },
  });
  const vs = virtualService(o, { host: stableName }, { host: canaryName });
  return {
    rollout,
    objects: [
      service(o.namespace, stableName, o.name),
      service(o.namespace, canaryName, o.name),
      vs,
      rollout,
    ],
  };
}

/** Ping-pong canary: Services `<name>-ping` and `<name>-pong` take turns as stable and canary (ADR 0220). */
export function pingPongCanary(o: AppOptions): Fixture {
  const ping = `${o.name}-ping`;
  const pong = `${o.name}-pong`;
  const rollout = rolloutFor(o, {
    pingPong: { pingService: ping, pongService: pong },
    trafficRouting: { istio: { virtualService: { name: o.name, routes: ['primary'] } } },
  });
  const vs = virtualService(o, { host: ping }, { host: pong });
  return {
    rollout,
    objects: [service(o.namespace, ping, o.name), service(o.namespace, pong, o.name), vs, rollout],
  };
}

/** The route named `name` as `{destination label: weight}`; label = subset, else host. */
export function routeWeights(vs: VirtualService, name = 'primary'): Record<string, number> {
  const route = vs.spec.http?.find((r) => r.name === name);
  if (!route) throw new Error(`VirtualService ${vs.metadata.name}: no http route named ${name}`);
  const weights: Record<string, number> = {};
  for (const d of route.route ?? []) weights[d.destination.subset ?? d.destination.host] = d.weight ?? 0;
  return weights;
}
