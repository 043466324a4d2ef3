import type { MeshSnapshot } from '../../src/mesh/index.js';
import { analyzeRollout } from '../../src/mesh/index.js';
import type { World } from './fixtures.js';
import { seedWorld, withPods } from './fixtures.js';

export function label(p: { kind: string; from: string; variant?: string }): string {
  return `${p.kind} ${p.from}${p.variant ? ` [${p.variant}]` : ''}`;
}

export function run(world: World) {
  const result = analyzeRollout(world.snapshot, world.state);
  const shares: Record<string, number | null> = {};
  const codes: Record<string, string[]> = {};
  for (const p of result.paths) {
    shares[label(p)] = p.canaryShare === null ? null : Math.round(p.canaryShare * 1e6) / 1e6;
    codes[label(p)] = p.findings;
  }
  return { ...result, shares, codes };
}

/** Seed objects with overrides, `stable`/`canary` ready pods of the Rollout (1/1 unless given). */
export function world(
  over: Partial<MeshSnapshot>,
  opts: { ro?: Parameters<typeof seedWorld>[1]; pods?: [number, number] } = {},
) {
  const [stable, canary] = opts.pods ?? [1, 1];
  return withPods(seedWorld(over, opts.ro), stable, canary);
}
