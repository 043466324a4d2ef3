/**
 * Checks a recorded VirtualService history against the Rollout's recorded history: every written version's routes
 * sum to 100, and the canary weight never exceeds what the Rollout's step at that moment allows. Both histories come
 * from one etcd, so resourceVersions order them against each other.
 */
import type { VirtualService } from '../../src/api/istio.ts';
import type { Rollout } from '../../src/api/rollout.ts';
import type { RecordedVersion } from './history.ts';

export interface WeightViolation {
  resourceVersion: number;
  problem: string;
}

/** The highest canary weight step `index` permits: the largest setWeight at or before it; 100 past the last step. */
export function allowedCanaryWeight(rollout: Rollout | undefined): number {
  const steps = rollout?.spec.strategy.canary?.steps ?? [];
  const index = rollout?.status?.currentStepIndex ?? 0;
  if (index >= steps.length) return 100;
  return Math.max(0, ...steps.slice(0, index + 1).map((s) => s.setWeight ?? 0));
}

function latestBefore(rollouts: RecordedVersion<Rollout>[], rv: number): Rollout | undefined {
  let found: Rollout | undefined;
  for (const v of rollouts) if (v.resourceVersion < rv) found = v.object;
  return found;
}

export function weightViolations(
  vsVersions: RecordedVersion<VirtualService>[],
  rolloutVersions: RecordedVersion<Rollout>[],
  canarySubset = 'canary',
): WeightViolation[] {
  const violations: WeightViolation[] = [];
  for (const version of vsVersions.filter((v) => v.type !== 'DELETED')) {
    const rv = version.resourceVersion;
    for (const route of version.object.spec.http ?? []) {
      const sum = (route.route ?? []).reduce(
        (total, d) => total + (d.weight ?? (route.route?.length === 1 ? 100 : 0)),
        0,
      );
      if (sum !== 100)
        violations.push({
          resourceVersion: rv,
          problem: `route ${route.name ?? '(unnamed)'} sums to ${sum}`,
        });
    }
    const primary = version.object.spec.http?.find((r) => r.name === 'primary');
    const canary = primary?.route?.find((d) => d.destination.subset === canarySubset)?.weight ?? 0;
    const rollout = latestBefore(rolloutVersions, rv);
    const allowed = allowedCanaryWeight(rollout);
    if (canary > allowed) {
      const index = rollout?.status?.currentStepIndex;
      violations.push({
        resourceVersion: rv,
        problem: `canary weight ${canary} > ${allowed} allowed at step ${index}`,
      });
    }
  }
  return violations;
}
