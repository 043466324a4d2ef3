/**
 * The one rule for what Istio's telemetry is asked about (ADR 0310), read by the controller's poller and by the CLI
 * and dashboard. The rows marked "controller differed" or "CLI differed" are where the two rules disagreed before.
 */
import { describe, expect, it } from 'vitest';
import { CANONICAL_REVISION_LABEL } from '../../src/api/labels.ts';
import type { CanaryStrategy, Rollout, RolloutStatus } from '../../src/api/rollout.ts';
import type { ReplicaSet } from '../../src/api/workloads.ts';
import { observedTarget, type ObservedTarget } from '../../src/plan/observed-target.ts';
import { revisionReplicaSet } from './revision-replica-set.ts';

const ISTIO_HOST = { virtualService: { name: 'vs' } };
const ISTIO_SUBSET = {
  virtualService: { name: 'vs' },
  destinationRule: { name: 'dr', canarySubsetName: 'canary', stableSubsetName: 'stable' },
};
const SERVICES = { stableService: 'web-stable', canaryService: 'web-canary' };
const PING_PONG = { pingPong: { pingService: 'web-ping', pongService: 'web-pong' } };
const IN_UPDATE: RolloutStatus = { currentPodHash: 'c1', stableRS: 's1' };

function rollout(canary: Partial<CanaryStrategy>, status: RolloutStatus, templateRevision?: string): Rollout {
  const labels = {
    app: 'web',
    ...(templateRevision ? { [CANONICAL_REVISION_LABEL]: templateRevision } : {}),
  };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels }, spec: { containers: [] } },
      strategy: { canary },
    },
    status,
  };
}

const replicaSet = (hash: string, revision?: string) => revisionReplicaSet(hash, revision);

const CONTROLLER_LABELLED = [replicaSet('c1', 'c1'), replicaSet('s1', 's1')];
const shop = (...names: string[]) => names.map((service) => ({ service, namespace: 'shop' }));
const measured = (services: { service: string; namespace: string }[], canaryRevision = 'c1') => ({
  canaryHash: 'c1',
  canaryRevision,
  services,
});
const SAME_REVISION =
  `canary and stable pods carry the same ${CANONICAL_REVISION_LABEL} "v1" (set on its pod template), ` +
  "so Istio's telemetry cannot tell them apart";
const NO_SERVICE = { canaryHash: 'c1', problem: 'no destination Service to measure' };

const cases: {
  name: string;
  rollout: Rollout;
  ruleHost?: string;
  replicaSets?: ReplicaSet[];
  want: ObservedTarget | undefined;
}[] = [
  {
    name: 'host-level: the stable and canary Services, the canary hash',
    rollout: rollout({ ...SERVICES, trafficRouting: { istio: ISTIO_HOST } }, IN_UPDATE),
    want: measured(shop('web-stable', 'web-canary')),
  },
  {
    name: 'subset-level: the DestinationRule host, short',
    rollout: rollout({ trafficRouting: { istio: ISTIO_SUBSET } }, IN_UPDATE),
    ruleHost: 'web',
    want: measured(shop('web')),
  },
  {
    name: 'subset-level: the DestinationRule host as an FQDN of another namespace',
    rollout: rollout({ trafficRouting: { istio: ISTIO_SUBSET } }, IN_UPDATE),
    ruleHost: 'web.backend.svc.cluster.local',
    want: measured([{ service: 'web', namespace: 'backend' }]),
  },
  {
    name: 'subset-level with stable and canary Services, which the router weighs too (controller differed)',
    rollout: rollout({ ...SERVICES, trafficRouting: { istio: ISTIO_SUBSET } }, IN_UPDATE),
    ruleHost: 'web',
    want: measured(shop('web', 'web-stable', 'web-canary')),
  },
  {
    name: 'a DestinationRule host "name.namespace", which Istio takes literally: no Service (controller differed)',
    rollout: rollout({ trafficRouting: { istio: ISTIO_SUBSET } }, IN_UPDATE),
    ruleHost: 'web.shop',
    want: NO_SERVICE,
  },
  {
    name: 'a wildcard DestinationRule host: no Service',
    rollout: rollout({ trafficRouting: { istio: ISTIO_SUBSET } }, IN_UPDATE),
    ruleHost: '*.shop.svc.cluster.local',
    want: NO_SERVICE,
  },
  {
    name: 'the referenced DestinationRule is missing: no Service',
    rollout: rollout({ trafficRouting: { istio: ISTIO_SUBSET } }, IN_UPDATE),
    want: NO_SERVICE,
  },
  {
    name: 'ping-pong: both Services of the pair (controller differed)',
    rollout: rollout({ ...PING_PONG, trafficRouting: { istio: ISTIO_HOST } }, IN_UPDATE),
    want: measured(shop('web-ping', 'web-pong')),
  },
  {
    name: 'ping-pong, pong stable: the same pair',
    rollout: rollout(
      { ...PING_PONG, trafficRouting: { istio: ISTIO_HOST } },
      { ...IN_UPDATE, canary: { stablePingPong: 'pong' } },
    ),
    want: measured(shop('web-pong', 'web-ping')),
  },
  {
    name: 'ping-pong with stable and canary Services: those the router weighs, not the pair (CLI differed)',
    rollout: rollout({ ...SERVICES, ...PING_PONG, trafficRouting: { istio: ISTIO_HOST } }, IN_UPDATE),
    want: measured(shop('web-stable', 'web-canary')),
  },
  {
    name: 'fully promoted, canary = stable: nothing to measure (CLI differed)',
    rollout: rollout(
      { ...SERVICES, trafficRouting: { istio: ISTIO_HOST } },
      { currentPodHash: 's1', stableRS: 's1' },
    ),
    want: undefined,
  },
  {
    name: 'no stable revision yet: nothing to measure (CLI differed)',
    rollout: rollout({ ...SERVICES, trafficRouting: { istio: ISTIO_HOST } }, { currentPodHash: 'c1' }),
    want: undefined,
  },
  {
    name: 'no Istio routing: nothing to measure (CLI differed)',
    rollout: rollout({ ...SERVICES }, IN_UPDATE),
    want: undefined,
  },
  {
    name: "the user's own revision, different on each side: the canary's value (controller differed)",
    rollout: rollout({ ...SERVICES, trafficRouting: { istio: ISTIO_HOST } }, IN_UPDATE, 'v2'),
    replicaSets: [replicaSet('c1', 'v2'), replicaSet('s1', 'v1')],
    want: measured(shop('web-stable', 'web-canary'), 'v2'),
  },
  {
    name: "the user's own revision, the canary ReplicaSet not created yet: the template's value (controller differed)",
    rollout: rollout({ ...SERVICES, trafficRouting: { istio: ISTIO_HOST } }, IN_UPDATE, 'v2'),
    replicaSets: [replicaSet('s1', 's1')],
    want: measured(shop('web-stable', 'web-canary'), 'v2'),
  },
  {
    name: "the user's own revision, the same on both sides: why it cannot be measured",
    rollout: rollout({ ...SERVICES, trafficRouting: { istio: ISTIO_HOST } }, IN_UPDATE, 'v1'),
    replicaSets: [replicaSet('c1', 'v1'), replicaSet('s1', 'v1')],
    want: { canaryHash: 'c1', problem: SAME_REVISION },
  },
  {
    name: 'a stable ReplicaSet created before the label: the canary hash',
    rollout: rollout({ ...SERVICES, trafficRouting: { istio: ISTIO_HOST } }, IN_UPDATE),
    replicaSets: [replicaSet('c1', 'c1'), replicaSet('s1')],
    want: measured(shop('web-stable', 'web-canary')),
  },
];

describe('observedTarget', () => {
  it.each(cases)('$name', ({ rollout, ruleHost, replicaSets, want }) => {
    const destinationRuleHost = (namespace: string, name: string) =>
      namespace === 'shop' && name === 'dr' ? ruleHost : undefined;
    const sources = { destinationRuleHost, replicaSets: replicaSets ?? CONTROLLER_LABELLED };
    expect(observedTarget(rollout, sources)).toEqual(want);
  });
});
