import { describe, expect, it } from 'vitest';
import { actionPatches, setImagePatch } from '../../src/dashboard/actions.js';
import { demoRollout } from '../view/fixtures.js';

describe('actionPatches (what each verb writes)', () => {
  const rollout = demoRollout({ phase: 'Paused' });
  it.each([
    { action: 'promote', spec: { spec: { paused: false } }, status: { status: { pauseConditions: null } } },
    { action: 'promote-full', spec: undefined, status: { status: { promoteFull: true } } },
    { action: 'abort', spec: undefined, status: { status: { abort: true } } },
    { action: 'retry', spec: undefined, status: { status: { abort: false } } },
    { action: 'pause', spec: { spec: { paused: true } }, status: undefined },
    { action: 'resume', spec: { spec: { paused: false } }, status: undefined },
  ] as const)('$action', ({ action, spec, status }) => {
    const patches = actionPatches(action, rollout);
    expect(patches.spec).toEqual(spec);
    expect(patches.status).toEqual(status);
  });

  it('promote-full also unpauses a manually paused Rollout', () => {
    const paused = { ...rollout, spec: { ...rollout.spec, paused: true } };
    expect(actionPatches('promote-full', paused).spec).toEqual({ spec: { paused: false } });
  });

  it('set-image replaces the named container image and keeps the others', () => {
    const patch = setImagePatch(
      { ...rollout, metadata: { ...rollout.metadata, resourceVersion: '7' } },
      { container: 'istio-rollout', image: 'x:2' },
    );
    expect(patch).toEqual({
      metadata: { resourceVersion: '7' },
      spec: { template: { spec: { containers: [{ name: 'istio-rollout', image: 'x:2' }] } } },
    });
  });

  it('set-image names the field when the container does not exist', () => {
    expect(() => setImagePatch(rollout, { container: 'web', image: 'x' })).toThrow(
      /Rollout rollouts-demo-istio\/istio-rollout has no container "web" in spec.template.spec.containers \(has: istio-rollout\)/,
    );
  });
});
