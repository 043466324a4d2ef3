/** planPass on an observation of the demo held by the path gate: pure, and the router runs once per pass. */
import { describe, expect, it } from 'vitest';
import { PATH_GATE_ANNOTATION } from '../../src/api/labels.js';
import type { KubeObject } from '../../src/api/meta.js';
import { observeRollout, type CacheReader } from '../../src/controller/observe.js';
import type { KindMap, KindName } from '../../src/kube/cluster.js';
import { planPass } from '../../src/plan/pass.js';
import { defaultPlanning, type Planning } from '../../src/plan/planning.js';
import { DEMO_NAMESPACE as NS, DEMO_ROLLOUT as NAME } from '../../src/sandbox/demo.js';
import { startCanary, startDemo } from '../controller/path-harness.js';

const KINDS = [
  'Rollout',
  'ReplicaSet',
  'Service',
  'VirtualService',
  'DestinationRule',
  'Namespace',
  'Gateway',
  'Sidecar',
  'PeerAuthentication',
] as const;

async function heldObservation() {
  const h = await startDemo({ [PATH_GATE_ANNOTATION]: 'enforce' });
  await startCanary(h);
  await h.advance(5_000);
  const objects: KubeObject[] = [];
  for (const kind of KINDS) objects.push(...(await h.cluster.list(kind)).items);
  const cacheOf = <K extends KindName>(kind: K): CacheReader<K> => {
    const ofKind = objects.filter((o) => o.kind === kind) as KindMap[K][];
    return {
      get: (namespace, name) =>
        ofKind.find((o) => o.metadata.name === name && (o.metadata.namespace ?? '') === namespace),
      list: (namespace, filter) =>
        ofKind.filter((o) => (!namespace || o.metadata.namespace === namespace) && (!filter || filter(o))),
    };
  };
  const caches = {
    rollouts: cacheOf('Rollout'),
    replicaSets: cacheOf('ReplicaSet'),
    services: cacheOf('Service'),
    virtualServices: cacheOf('VirtualService'),
    destinationRules: cacheOf('DestinationRule'),
    namespaces: cacheOf('Namespace'),
    gateways: cacheOf('Gateway'),
    sidecars: cacheOf('Sidecar'),
    peerAuthentications: cacheOf('PeerAuthentication'),
  };
  return { observation: observeRollout(caches, NS, NAME)!, now: h.clock.now() };
}

function countingPlanning(): { planning: Planning; routed: () => number } {
  let calls = 0;
  const planning: Planning = {
    ...defaultPlanning,
    routerFor: (rollout) => {
      const router = defaultPlanning.routerFor(rollout);
      if (!router) return undefined;
      return {
        ...router,
        plan: (input) => {
          calls++;
          return router.plan(input);
        },
      };
    },
  };
  return { planning, routed: () => calls };
}

describe('planPass', () => {
  it('holds the step at the path gate and routes traffic once', async () => {
    const { observation, now } = await heldObservation();
    const { planning, routed } = countingPlanning();
    const result = planPass(observation, now, planning);
    expect(result.paths?.gate.blocked).toBe(true);
    expect(result.status?.pauseConditions?.map((c) => c.reason)).toEqual(['PathGate']);
    expect(result.status?.currentStepIndex).toBe(0);
    expect(routed()).toBe(1);
  });

  it('is a function of the observation and now: the same input gives the same result', async () => {
    const { observation, now } = await heldObservation();
    const frozen = JSON.stringify(observation);
    expect(planPass(observation, now)).toEqual(planPass(observation, now));
    expect(JSON.stringify(observation)).toBe(frozen);
  });
});
