/**
 * The hosts one Rollout's traffic paths can reach (ADR 0320): what the model may look up while it judges the Rollout,
 * named by first DNS label (the scope's unit, `hostLabel`). It starts from the Services the Rollout names or dials
 * and grows through the VirtualServices of those hosts: their other hosts and their routes' destinations, until
 * nothing new is reached. Everything outside the reach is never read by the model, so leaving it out of the model's
 * input changes no result, and a change to it does not make the Rollout's paths be judged again.
 */
import type { VirtualService } from '../api/istio.js';
import { isPingPongService, pingPongServices } from '../api/ping-pong.js';
import type { Rollout } from '../api/rollout.js';
import type { Service } from '../api/workloads.js';

/** `*` for a wildcard host (`*`, `*.example.com`), else its first DNS label. */
export function hostLabel(host: string): string {
  return host.startsWith('*') ? '*' : (host.split('.')[0] ?? '');
}

/** Whether a host label may name one of `labels` (the same first DNS label, or a wildcard). */
export function concernsAny(labels: ReadonlySet<string>, label: string): boolean {
  return label === '*' || labels.has(label);
}

/**
 * Without a named Service, the Service in-cluster callers dial: the first Service of the Rollout's namespace whose
 * selector matches its pod labels (never one of the ping-pong pair: their selectors follow the roles).
 */
export function selectingService(services: readonly Service[], rollout: Rollout): Service | undefined {
  const ns = rollout.metadata.namespace ?? 'default';
  const labels = rollout.spec.template?.metadata?.labels ?? {};
  return services.find((svc) => {
    const selector = svc.spec.selector ?? {};
    const keys = Object.keys(selector);
    return (
      (svc.metadata.namespace ?? 'default') === ns &&
      !isPingPongService(rollout, svc.metadata.name) &&
      keys.length > 0 &&
      keys.every((k) => labels[k] === selector[k])
    );
  });
}

/** Whether the Rollout names the Service its callers dial; without one, `selectingService` picks it. */
export function namesItsService(rollout: Rollout): boolean {
  const canary = rollout.spec.strategy.canary;
  return canary?.stableService !== undefined || canary?.canaryService !== undefined;
}

/**
 * Where the reach starts: the Rollout's own name (the Service dialled when nothing else is), its canary, stable and
 * ping-pong Services, the Service that selects its pods when it names none, and the host of its DestinationRule.
 */
export function seedLabels(
  rollout: Rollout,
  localServices: () => readonly Service[],
  destinationRuleHost: string | undefined,
): Set<string> {
  const canary = rollout.spec.strategy.canary;
  const labels = new Set<string>([rollout.metadata.name]);
  const pair = pingPongServices(rollout);
  for (const name of [canary?.stableService, canary?.canaryService, pair?.stable, pair?.canary]) {
    if (name) labels.add(name);
  }
  if (!namesItsService(rollout)) {
    const selecting = selectingService(localServices(), rollout);
    if (selecting) labels.add(selecting.metadata.name);
  }
  if (destinationRuleHost !== undefined) labels.add(hostLabel(destinationRuleHost));
  return labels;
}

/** The host labels a VirtualService leads to: its own hosts and every route's destination (HTTP, TCP, TLS). */
const labelsMemo = new WeakMap<VirtualService, readonly string[]>();

export function virtualServiceLabels(vs: VirtualService): readonly string[] {
  let labels = labelsMemo.get(vs);
  if (!labels) {
    const hosts = [...(vs.spec.hosts ?? [])];
    for (const routes of [vs.spec.http, vs.spec.tcp, vs.spec.tls]) {
      for (const route of routes ?? []) {
        for (const destination of route.route ?? []) hosts.push(destination.destination.host);
      }
    }
    labels = [...new Set(hosts.map(hostLabel))];
    if (Object.isFrozen(vs)) labelsMemo.set(vs, labels);
  }
  return labels;
}

/**
 * The reach from `seeds`: `routing(labels)` gives the VirtualServices the model may read for those labels — the ones
 * the Rollout names, and the mesh-bound ones that concern some of the labels (sidecars match them by host; one bound
 * only to gateways is read only when the Rollout names it). Their hosts and destinations join the labels until none
 * is new. Returns the labels and the last VirtualServices.
 */
export function reach(
  seeds: ReadonlySet<string>,
  routing: (labels: ReadonlySet<string>) => readonly VirtualService[],
): { labels: ReadonlySet<string>; virtualServices: readonly VirtualService[] } {
  const labels = new Set(seeds);
  for (;;) {
    const virtualServices = routing(labels);
    const before = labels.size;
    for (const vs of virtualServices) for (const label of virtualServiceLabels(vs)) labels.add(label);
    if (labels.size === before) return { labels, virtualServices };
  }
}
