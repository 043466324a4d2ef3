import { describe, expect, it } from 'vitest';
import type { KubeObject, Rollout } from '../../src/api/index.js';
import { analyzeSteps } from '../../src/mesh/analyze.js';
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
