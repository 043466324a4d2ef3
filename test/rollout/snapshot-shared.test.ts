/**
 * `snapshotOf` hands the planner the simulated cluster's own objects (no copy per pass, ADR 0305). That is sound only
 * while the planner never writes into its snapshot: here every pass of an update plans on a frozen copy (a write
 * throws in strict mode) and the result is compared with the same update planned on the shared objects.
 */
import { describe, expect, it } from 'vitest';
import type { CanaryStep, Rollout } from '../../src/api/rollout.js';
import { planRollout } from '../../src/rollout/planner.js';
import type { RolloutPlan } from '../../src/rollout/plan-types.js';
import { applyPlan, snapshotOf } from '../../src/rollout/sim-cluster.js';
import { cloneJson, deepFreeze } from '../../src/util/json.js';
import { Driver, makeRollout } from './harness.js';

/** Plans on a frozen deep copy of the cluster: a planner that writes into its input fails here. */
class FrozenSnapshotDriver extends Driver {
  override plan(): RolloutPlan {
    this.last = planRollout(deepFreeze(cloneJson(snapshotOf(this.cluster))), this.now);
    applyPlan(this.cluster, this.last);
    this.events.push(...this.last.events);
    return this.last;
  }
}

const STEPS: CanaryStep[] = [
  { setWeight: 20 },
  { pause: {} },
  { setWeight: 60 },
  { pause: { duration: '10s' } },
];

const SCENARIOS: { name: string; rollout: () => Rollout }[] = [
  { name: 'Istio host-level', rollout: () => makeRollout({ steps: STEPS, traffic: 'host' }) },
  { name: 'Istio subset-level', rollout: () => makeRollout({ steps: STEPS, traffic: 'subset' }) },
  { name: 'basic canary (replicas only)', rollout: () => makeRollout({ steps: STEPS, traffic: 'none' }) },
  {
    name: 'dynamicStableScale',
    rollout: () => makeRollout({ steps: STEPS, canary: { dynamicStableScale: true } }),
  },
  {
    name: 'setCanaryScale',
    rollout: () =>
      makeRollout({ steps: [{ setCanaryScale: { replicas: 3 } }, { setWeight: 50 }, { pause: {} }] }),
  },
];

/** Deploy revision 1, update to web:2 and drive it through every step to Healthy, promoting each pause. */
function update(driver: Driver): { plans: RolloutPlan[]; cluster: unknown } {
  const plans: RolloutPlan[] = [];
  driver.settle();
  driver.setImage('web:2');
  for (let pass = 0; pass < 80; pass++) {
    plans.push(cloneJson(driver.step()));
    driver.promote();
    driver.advance(11_000);
  }
  return { plans, cluster: cloneJson(driver.cluster) };
}

describe('the planner never writes into the snapshot it is given', () => {
  it.each(SCENARIOS)(
    '$name: every pass plans alike on a frozen copy and on the shared objects',
    ({ rollout }) => {
      const frozen = update(new FrozenSnapshotDriver(rollout()));
      const shared = update(new Driver(rollout()));
      expect(frozen.plans.length).toBe(80);
      expect(shared).toEqual(frozen);
      expect(frozen.cluster).toMatchObject({ rollout: { status: { phase: 'Healthy' } } });
    },
  );
});
