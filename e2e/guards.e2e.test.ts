/**
 * What the controller must refuse or repair: an invalid Rollout (InvalidSpec naming the field, nothing created), a
 * foreign edit of the managed weights (restored, user-owned routes and fields untouched), and the controller's own
 * privileges (the shipped RBAC only, never cluster admin).
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualService } from '../src/api/istio.ts';
import type { Rollout } from '../src/api/rollout.ts';
import type { AppRefs } from './support/app-state.ts';
import { waitForApp } from './support/app-state.ts';
import type { ControllerProcess } from './support/controller-process.ts';
import type { E2eEnvironment } from './support/environment.ts';
import { startEnvironment } from './support/environment.ts';
import { routeWeights, subsetCanary } from './support/fixtures.ts';
import { sleep } from './support/wait-for.ts';

const ns = 'guards';
let env: E2eEnvironment;
let controller: ControllerProcess;

beforeAll(async () => {
  env = await startEnvironment();
  await env.admin.createNamespace(ns);
  controller = await env.startController('controller');
});

afterAll(async () => {
  await env?.stop();
});

const STEPS = [{ setWeight: 25 }, { pause: {} }];

interface InvalidCase {
  name: string;
  breakIt: (r: Rollout) => void;
  field: string;
}

const invalidCases: InvalidCase[] = [
  {
    name: 'setweight-out-of-range',
    breakIt: (r) => (r.spec.strategy.canary!.steps = [{ setWeight: 25 }, { pause: {} }, { setWeight: 150 }]),
    field: 'spec.strategy.canary.steps[2].setWeight',
  },
  {
    name: 'unknown-route',
    breakIt: (r) => (r.spec.strategy.canary!.trafficRouting!.istio!.virtualService!.routes = ['nope']),
    field: 'nope',
  },
];

describe('invalid Rollout', () => {
  it.each(invalidCases)(
    '$name → InvalidSpec naming $field, no ReplicaSets',
    async ({ name, breakIt, field }) => {
      const fixture = subsetCanary({ namespace: ns, name, replicas: 1, steps: STEPS });
      breakIt(fixture.rollout);
      await env.admin.createAll(fixture.objects);
      const app: AppRefs = { namespace: ns, name, destinationRule: name };
      const s = await waitForApp(
        env.admin,
        app,
        'InvalidSpec',
        (s) => s.conditions['InvalidSpec'] === 'True/InvalidSpec',
        20_000,
      );
      expect(s.conditionMessages['InvalidSpec']).toContain(field);
      expect(s.phase).toBe('Degraded');
      expect(s.message).toMatch(/^InvalidSpec: /);
      await sleep(1_500); // a controller that creates anyway would have done so by now
      expect(await env.admin.replicaSets(ns, name)).toEqual([]);
      const events = await env.admin.core.listNamespacedEvent({
        namespace: ns,
        fieldSelector: `involvedObject.name=${name}`,
      });
      expect(events.items.map((e) => `${e.type}/${e.reason}`)).toContain('Warning/InvalidSpec');
    },
  );

  it('fixing the spec clears InvalidSpec and creates the first revision', async () => {
    const name = invalidCases[0]!.name;
    await env.admin.patchRolloutSpec(ns, name, { strategy: { canary: { steps: STEPS } } });
    const app: AppRefs = { namespace: ns, name, destinationRule: name };
    const s = await waitForApp(env.admin, app, 'healthy', (s) => s.phase === 'Healthy');
    expect(s.conditions['InvalidSpec']).toBeUndefined();
    expect(s.replicaSets).toHaveLength(1);
  });
});

describe('foreign edit of the VirtualService', () => {
  const app: AppRefs = { namespace: ns, name: 'search', destinationRule: 'search' };
  const fixture = subsetCanary({ ...app, replicas: 2, steps: STEPS });

  it('restores the managed weights and keeps the routes and fields the user owns', async () => {
    await env.admin.createAll(fixture.objects);
    await waitForApp(env.admin, app, 'revision 1 healthy', (s) => s.phase === 'Healthy');
    await env.admin.setImage(ns, app.name, 'registry.example/search:2');
    await waitForApp(env.admin, app, 'paused at step 1', (s) => s.stepIndex === 1 && s.phase === 'Paused');

    const vs = await env.admin.virtualService(ns, app.name);
    const edited = structuredClone(vs);
    const primary = edited.spec.http!.find((r) => r.name === 'primary')!;
    primary.route = primary.route!.map((d) => ({
      ...d,
      weight: d.destination.subset === 'stable' ? 100 : 0,
    }));
    primary['timeout'] = '7s';
    edited.spec.http!.unshift({
      name: 'beta-users',
      match: [{ headers: { 'x-beta': { exact: 'yes' } } }],
      route: [{ destination: { host: 'search', subset: 'stable' }, weight: 100 }],
    });
    edited.metadata.annotations = { ...edited.metadata.annotations, 'owner.example/ticket': 'OPS-1' };
    const written = await env.admin.replaceVirtualService(edited);
    expect(routeWeights(written)).toEqual({ stable: 100, canary: 0 });

    const restored = await waitForApp(env.admin, app, 'weights restored', (s) => s.weights['canary'] === 25);
    expect(restored.weights).toEqual({ stable: 75, canary: 25 });
    const after: VirtualService = await env.admin.virtualService(ns, app.name);
    expect(after.spec.http!.map((r) => r.name)).toEqual(['beta-users', 'health', 'primary']);
    expect(after.spec.http![0]).toEqual(edited.spec.http![0]);
    expect(after.spec.http![1]).toEqual(edited.spec.http![1]);
    expect(after.spec.http![2]).toMatchObject({
      timeout: '7s',
      retries: { attempts: 3, perTryTimeout: '2s' },
    });
    expect(after.metadata.annotations?.['owner.example/ticket']).toBe('OPS-1');
    expect(after.spec.gateways).toEqual(['mesh']);
  });
});

describe('controller identity', () => {
  it('runs as the shipped ServiceAccount, which is not cluster admin', async () => {
    const asController = new k8s.KubeConfig();
    asController.loadFromFile(env.identity.kubeconfigPath);
    const review = await asController.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    expect(review.status?.userInfo?.username).toBe(env.identity.username);
    const secrets = asController.makeApiClient(k8s.CoreV1Api).listNamespacedSecret({ namespace: ns });
    await expect(secrets).rejects.toMatchObject({ code: 403 });
  });

  it('made no request that the shipped RBAC refused', async () => {
    const counts = await controller.requestCounts();
    expect(counts.filter((c) => c.statusCode === '200').length).toBeGreaterThan(0);
    expect(counts.filter((c) => c.statusCode === '403')).toEqual([]);
    expect(controller.logRecords().filter((r) => /forbidden/i.test(JSON.stringify(r)))).toEqual([]);
  });
});
