/**
 * The intent of each mutating verb as pure patches: what `kubectl argo rollouts` sends for the same Rollout.
 */
import { describe, expect, it } from 'vitest';
import type { PauseCondition, Rollout, RolloutStatus } from '../../src/api/rollout.js';
import type { ReplicaSet } from '../../src/api/workloads.js';
import {
  abortPatches,
  pausePatches,
  promoteFullPatches,
  promotePatches,
  restartPatches,
  resumePatches,
  retryPatches,
  skipStepPatches,
} from '../../src/verbs/step-verbs.js';
import { VerbError } from '../../src/verbs/errors.js';
import {
  replicaSetForRevision,
  revisionTemplate,
  setImagePatch,
  undoPatch,
} from '../../src/verbs/template-verbs.js';
import { applyMergePatch } from '../../src/util/json.js';
import { defaultedContainer } from '../cli/live-verbs-harness.js';

const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '1m' } }];

interface Shape {
  paused?: boolean;
  status?: RolloutStatus;
  steps?: typeof STEPS | [];
  blueGreen?: boolean;
}

function rollout(shape: Shape = {}): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'checkout', namespace: 'shop', resourceVersion: '42' },
    spec: {
      replicas: 4,
      ...(shape.paused !== undefined ? { paused: shape.paused } : {}),
      selector: { matchLabels: { app: 'checkout' } },
      template: {
        metadata: { labels: { app: 'checkout' } },
        spec: {
          initContainers: [{ name: 'migrate', image: 'migrate:1' }],
          containers: [
            { name: 'app', image: 'app:1' },
            { name: 'proxy', image: 'proxy:1' },
          ],
        },
      },
      strategy: shape.blueGreen ? { blueGreen: {} } : { canary: { steps: shape.steps ?? STEPS } },
    },
    ...(shape.status ? { status: shape.status } : {}),
  };
}

const pauseStep: PauseCondition = { reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' };
const inconclusive = { canary: { currentStepAnalysisRunStatus: { name: 'ar', status: 'Inconclusive' } } };

describe('promote', () => {
  it.each([
    {
      name: 'at an indefinite pause step: pause conditions cleared, index left to the controller',
      shape: { status: { currentStepIndex: 1, pauseConditions: [pauseStep], controllerPause: true } },
      want: { status: { status: { pauseConditions: null } } },
    },
    {
      name: 'at a setWeight step (no pause condition): the step is skipped',
      shape: { status: { currentStepIndex: 2 } },
      want: { status: { status: { pauseConditions: null, currentStepIndex: 3 } } },
    },
    {
      name: 'with no index recorded yet: step 0 is skipped',
      shape: { status: {} },
      want: { status: { status: { pauseConditions: null, currentStepIndex: 1 } } },
    },
    {
      name: 'past the last step: the index stays at the end',
      shape: { status: { currentStepIndex: 4 } },
      want: { status: { status: { pauseConditions: null, currentStepIndex: 4 } } },
    },
    {
      name: 'manually paused at a setWeight step: unpaused and the step skipped',
      shape: { paused: true, status: { currentStepIndex: 0 } },
      want: {
        spec: { spec: { paused: false } },
        status: { status: { pauseConditions: null, currentStepIndex: 1 } },
      },
    },
    {
      name: 'manually paused at a pause step: unpaused, conditions cleared',
      shape: { paused: true, status: { currentStepIndex: 1, pauseConditions: [pauseStep] } },
      want: { spec: { spec: { paused: false } }, status: { status: { pauseConditions: null } } },
    },
    {
      name: 'inconclusive step analysis: controllerPause cleared and the next step',
      shape: {
        status: { currentStepIndex: 2, pauseConditions: [pauseStep], controllerPause: true, ...inconclusive },
      },
      want: { status: { status: { pauseConditions: null, controllerPause: false, currentStepIndex: 3 } } },
    },
    {
      name: 'inconclusive but no controller pause: only the conditions are cleared',
      shape: { status: { currentStepIndex: 2, pauseConditions: [pauseStep], ...inconclusive } },
      want: { status: { status: { pauseConditions: null } } },
    },
    {
      name: 'canary without steps, not paused: nothing to send',
      shape: { steps: [] as [], status: {} },
      want: {},
    },
    {
      name: 'canary without steps, manually paused: only the unpause',
      shape: { steps: [] as [], paused: true },
      want: { spec: { spec: { paused: false } } },
    },
  ])('$name', ({ shape, want }) => {
    expect(promotePatches(rollout(shape))).toEqual(want);
  });

  it.each([
    {
      name: 'mid-update: promoteFull only (a manual pause is left alone)',
      shape: { paused: true, status: { currentPodHash: 'b', stableRS: 'a', currentStepIndex: 1 } },
      want: { status: { status: { promoteFull: true } } },
    },
    {
      name: 'already fully promoted: nothing',
      shape: { status: { currentPodHash: 'a', stableRS: 'a' } },
      want: {},
    },
    { name: 'no status yet: nothing (both hashes empty)', shape: {}, want: {} },
  ])('--full $name', ({ shape, want }) => {
    expect(promoteFullPatches(rollout(shape))).toEqual(want);
  });

  it.each([
    { skip: 'current' as const, index: 1, want: 2 },
    { skip: 'current' as const, index: 4, want: 4 },
    { skip: 'all' as const, index: 1, want: 4 },
  ])('deprecated skip $skip from step $index sets currentStepIndex $want', ({ skip, index, want }) => {
    const patches = skipStepPatches(rollout({ status: { currentStepIndex: index } }), skip);
    expect(patches).toEqual({ status: { status: { currentStepIndex: want } } });
  });

  it.each([
    { name: 'without steps', shape: { steps: [] as [] }, message: /spec\.strategy\.canary\.steps is empty/ },
    { name: 'blue-green', shape: { blueGreen: true }, message: /blue-green/ },
  ])('refuses to skip steps of a rollout $name', ({ shape, message }) => {
    expect(() => skipStepPatches(rollout(shape), 'current')).toThrow(VerbError);
    expect(() => skipStepPatches(rollout(shape), 'all')).toThrow(message);
  });
});

describe('abort, retry, pause, resume, restart', () => {
  it.each([
    { verb: 'abort', patches: abortPatches(), want: { status: { status: { abort: true } } } },
    { verb: 'retry', patches: retryPatches(), want: { status: { status: { abort: false } } } },
    { verb: 'pause', patches: pausePatches(), want: { spec: { spec: { paused: true } } } },
    { verb: 'resume', patches: resumePatches(), want: { spec: { spec: { paused: false } } } },
  ])('$verb sends $want', ({ patches, want }) => {
    expect(patches).toEqual(want);
  });

  it('abort then retry leaves status.abort false and nothing else touched', () => {
    const start = rollout({ status: { currentStepIndex: 2, stableRS: 'a', currentPodHash: 'b' } });
    const aborted = applyMergePatch(start, abortPatches().status) as Rollout;
    expect(aborted.status).toEqual({ currentStepIndex: 2, stableRS: 'a', currentPodHash: 'b', abort: true });
    const retried = applyMergePatch(aborted, retryPatches().status) as Rollout;
    expect(retried.status).toEqual({ ...start.status, abort: false });
  });

  it('pause when already paused is the same patch and changes nothing', () => {
    const paused = rollout({ paused: true });
    expect(applyMergePatch(paused, pausePatches().spec)).toEqual(paused);
  });

  it.each([
    { now: Date.UTC(2026, 2, 1, 12, 0, 0, 750), delayMs: 0, want: '2026-03-01T12:00:00Z' },
    { now: Date.UTC(2026, 2, 1, 12, 0, 0), delayMs: 90_000, want: '2026-03-01T12:01:30Z' },
    { now: Date.UTC(2026, 11, 31, 23, 59, 59, 999), delayMs: 1, want: '2027-01-01T00:00:00Z' },
  ])('restart at $now + $delayMs ms writes spec.restartAt $want', ({ now, delayMs, want }) => {
    expect(restartPatches(now + delayMs)).toEqual({ spec: { spec: { restartAt: want } } });
  });
});

describe('set image', () => {
  const images = (r: Rollout) => {
    const spec = r.spec.template!.spec!;
    const init = (spec['initContainers'] ?? []) as { name: string; image?: string }[];
    return [...init, ...(spec.containers ?? [])].map((c) => `${c.name}=${c.image}`);
  };

  it.each([
    { container: 'app', want: ['migrate=migrate:1', 'app=app:2', 'proxy=proxy:1'] },
    { container: 'migrate', want: ['migrate=app:2', 'app=app:1', 'proxy=proxy:1'] },
    { container: '*', want: ['migrate=app:2', 'app=app:2', 'proxy=app:2'] },
  ])('$container=app:2 changes only the named containers', ({ container, want }) => {
    const before = rollout();
    const patch = setImagePatch(before, container, 'app:2');
    expect(patch.metadata).toEqual({ resourceVersion: '42' });
    expect(images(applyMergePatch(before, patch) as Rollout)).toEqual(want);
  });

  it('sets ephemeral containers too', () => {
    const before = rollout();
    before.spec.template!.spec!['ephemeralContainers'] = [{ name: 'debug', image: 'busybox:1' }];
    const patch = setImagePatch(before, 'debug', 'busybox:2');
    expect(patch.spec).toEqual({
      template: { spec: { ephemeralContainers: [{ name: 'debug', image: 'busybox:2' }] } },
    });
  });

  it('names the Rollout, the field and the containers it has when the container is unknown', () => {
    expect(() => setImagePatch(rollout(), 'web', 'web:2')).toThrow(
      'Rollout shop/checkout: unable to find container named "web" in spec.template.spec (has initContainers/migrate, containers/app, containers/proxy)',
    );
  });

  it('refuses a Rollout without spec.template, naming its workloadRef', () => {
    const ref = rollout();
    delete ref.spec.template;
    ref.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout' };
    expect(() => setImagePatch(ref, 'app', 'app:2')).toThrow(/no spec.template.*Deployment\/checkout/);
  });
});

function replicaSet(
  revision: string | undefined,
  image: string,
  extra: Partial<ReplicaSet['metadata']> = {},
) {
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `checkout-${image.replace(/\W/g, '')}`,
      namespace: 'shop',
      ...(revision !== undefined ? { annotations: { 'rollout.argoproj.io/revision': revision } } : {}),
      ...extra,
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'checkout' } },
      template: {
        metadata: { labels: { app: 'checkout', 'rollouts-pod-template-hash': image.replace(/\W/g, '') } },
        spec: {
          initContainers: [{ name: 'migrate', image: 'migrate:1' }],
          containers: [defaultedContainer('app', image), { name: 'proxy', image: 'proxy:1' }],
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
        },
      },
    },
  };
  return rs;
}

describe('undo', () => {
  const history = [
    replicaSet('1', 'app:0'),
    replicaSet('3', 'app:1'),
    replicaSet('2', 'app:05'),
    replicaSet('x', 'app:9'),
  ];

  it.each([
    { name: 'default: the second newest revision', toRevision: 0, want: 'app:05' },
    { name: '--to-revision 1', toRevision: 1, want: 'app:0' },
    { name: '--to-revision 3', toRevision: 3, want: 'app:1' },
  ])('picks $name', ({ toRevision, want }) => {
    const rs = replicaSetForRevision(rollout(), history, toRevision);
    expect(rs.spec.template.spec?.containers?.[0]?.image).toBe(want);
  });

  it.each([
    {
      name: 'a missing revision',
      owned: history,
      toRevision: 7,
      message:
        'Rollout shop/checkout: unable to find revision 7 in history (ReplicaSets annotated rollout.argoproj.io/revision: 1, 2, 3)',
    },
    {
      name: 'no previous revision',
      owned: [replicaSet('1', 'app:1')],
      toRevision: 0,
      message: 'Rollout shop/checkout: no previous revision to roll back to (1 ReplicaSet(s) in history)',
    },
  ])('fails on $name, naming the Rollout and the annotation', ({ owned, toRevision, message }) => {
    expect(() => replicaSetForRevision(rollout(), owned, toRevision)).toThrow(message);
  });

  it('restores the revision template without the hash label, keeping what the ReplicaSet holds', () => {
    const current = rollout();
    current.spec.template!.spec!.containers![0]!.image = 'app:2';
    const patch = undoPatch(current, history[0]!);
    expect(patch?.metadata).toEqual({ resourceVersion: '42' });
    const restored = (applyMergePatch(current, patch) as Rollout).spec.template!;
    expect(restored).toEqual(revisionTemplate(history[0]!));
    expect(restored.metadata?.labels).toEqual({ app: 'checkout' });
    expect(restored.spec?.containers?.[0]).toMatchObject({ name: 'app', image: 'app:0' });
  });

  it('sends nothing when the Rollout already runs the revision (Kubernetes defaults ignored)', () => {
    expect(undoPatch(rollout(), history[1]!)).toBeUndefined();
  });

  it('drops the canary/stable metadata the controller injected into the ReplicaSet', () => {
    const rs = replicaSet('1', 'app:0', {
      annotations: {
        'rollout.argoproj.io/revision': '1',
        'rollout.argoproj.io/ephemeral-metadata':
          '{"labels":{"role":"stable"},"annotations":{"tier":"gold"}}',
      },
    });
    rs.spec.template.metadata = {
      labels: { ...rs.spec.template.metadata!.labels, role: 'stable' },
      annotations: { tier: 'gold', owner: 'payments' },
    };
    expect(revisionTemplate(rs).metadata).toEqual({
      labels: { app: 'checkout' },
      annotations: { owner: 'payments' },
    });
  });
});
