import { describe, expect, it } from 'vitest';
import { analyzeRollout } from '../../src/mesh/index.js';
import { generateMeshSnapshot } from '../fixtures/mesh-generator.js';

describe('generateMeshSnapshot', () => {
  it('produces about 10,000 objects that analyse with findings', () => {
    const { snapshot, states, objectCount } = generateMeshSnapshot();
    expect(objectCount).toBeGreaterThanOrEqual(9000);
    const t0 = performance.now();
    let paths = 0;
    let findings = 0;
    for (const state of states) {
      const result = analyzeRollout(snapshot, state);
      paths += result.paths.length;
      findings += result.findings.length;
    }
    const ms = performance.now() - t0;
    console.log(
      `analyze: ${objectCount} objects, ${states.length} rollouts, ${paths} paths, ${findings} findings in ${ms.toFixed(0)} ms`,
    );
    expect(paths).toBeGreaterThan(states.length * 100);
    expect(findings).toBeGreaterThan(0);
  });
});
