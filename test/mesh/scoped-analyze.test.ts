import { describe, expect, it } from 'vitest';
import type { KubeObject, Rollout } from '../../src/api/index.js';
import { analyzeRollout, analyzeSteps, snapshotAtStep } from '../../src/mesh/analyze.js';
import { meshSourceOf, rolloutScope } from '../../src/mesh/scope.js';
import { withStablePingPong } from '../../src/api/ping-pong.js';
import { analyzeManifests } from '../../src/mesh/simulate-paths.js';
import { snapshotFromObjects } from '../../src/mesh/snapshot.js';
import { generateMeshSnapshot, meshManifests } from '../fixtures/mesh-generator.js';

/**
 * The generated mesh as manifests; `dropDefault` moves namespace ns-0 to `default`: its Rollouts say so, its other
 * objects name no namespace (as files often do).
 */
function manifests(rollouts: number, namespaces: number, dropDefault: boolean) {
  const objects = meshManifests(generateMeshSnapshot(rollouts, namespaces)).map((o): KubeObject => {
    if (!dropDefault || o.metadata.namespace !== 'ns-0') return o;
    if (o.kind === 'Rollout') return { ...o, metadata: { ...o.metadata, namespace: 'default' } };
    const { namespace: _dropped, ...metadata } = o.metadata;
    return { ...o, metadata };
  });
  const rollouts_ = objects.filter((o): o is Rollout => o.kind === 'Rollout');
  return { objects, rollouts: rollouts_ };
}

describe('analyze -f scopes each Rollout to its hosts without changing a result', () => {
  it.each([
    { name: '24 Rollouts in 6 namespaces', rollouts: 24, namespaces: 6, dropDefault: false },
    { name: 'objects without a namespace are in default', rollouts: 12, namespaces: 3, dropDefault: true },
  ])('$name: every step as analysed against the whole input', ({ rollouts, namespaces, dropDefault }) => {
    const input = manifests(rollouts, namespaces, dropDefault);
    const result = analyzeManifests(input.objects, input.rollouts);
    const whole = snapshotFromObjects(input.objects);
    expect(result.rollouts).toHaveLength(rollouts);
    let findings = 0;
    for (const analysed of result.rollouts) {
      const expected = analyzeSteps(whole, analysed.rollout, analysed.states);
      expect(analysed.analysis).toEqual(expected);
      expect(analysed.analysis.steps.every((s) => s.paths.length > 0)).toBe(true);
      findings += analysed.analysis.findings.length;
    }
    // The generated mesh leaves every seventh mesh VirtualService out: the comparison covers findings too.
    expect(findings).toBeGreaterThan(0);
  });
});

describe('analyze -f evaluates steps of equal state once without changing a result', () => {
  it('every step equals the model run on that step alone, and repeated steps share no object', () => {
    const input = manifests(8, 4, false);
    const whole = snapshotFromObjects(input.objects);
    let repeated = 0;
    for (const analysed of analyzeManifests(input.objects, input.rollouts).rollouts) {
      analysed.states.forEach((state, i) => {
        const alone = analyzeRollout(
          snapshotAtStep(whole, state),
          {
            rollout: withStablePingPong(analysed.rollout, state.stablePingPong),
            canaryWeight: state.canaryWeight,
            canaryHash: state.canaryHash,
            stableHash: state.stableHash,
          },
          { fixes: false },
        );
        const step = analysed.analysis.steps[i];
        expect(step?.paths).toEqual(alone.paths);
        expect(step?.findings.map((f) => ({ ...f, fix: '' }))).toEqual(alone.findings);
        const previous = analysed.analysis.steps[i - 1];
        if (previous && JSON.stringify(previous.paths) === JSON.stringify(step?.paths)) {
          repeated += 1;
          expect(previous.paths[0]).not.toBe(step?.paths[0]);
        }
      });
    }
    // The generated Rollouts pause after their setWeight: the pause step repeats the state before it.
    expect(repeated).toBeGreaterThan(0);
  });
});

describe('rolloutScope through the source index keeps what a scan of every object keeps', () => {
  it('same VirtualServices and DestinationRules, in the same order, for every Rollout', () => {
    const input = manifests(30, 5, true);
    const indexed = meshSourceOf(input.objects);
    const { lookup: _index, ...scanning } = indexed;
    for (const rollout of input.rollouts) {
      expect(rolloutScope(indexed, rollout, 'istio-system')).toEqual(
        rolloutScope(scanning, rollout, 'istio-system'),
      );
    }
  });
});
