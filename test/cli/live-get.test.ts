import { describe, expect, it } from 'vitest';
import type { MemoryCluster } from '../../src/kube/memory-cluster.js';
import type { RolloutView } from '../../src/view/rollout-view.js';
import {
  CANARY,
  clusterAt,
  healthyStatus,
  NAME,
  NS,
  pausedAt10,
  runLive,
  setRolloutStatus,
} from './live-read-fixtures.js';

const GOLDEN = '../golden/cli/live';

/** The broken-mesh example paused at 10 %: one stable and one canary pod. */
const brokenPaused = () => clusterAt('broken-mesh', pausedAt10(['x7k2p'], ['b9mzq']));

/** The fixed-mesh example (mesh-bound VirtualService, 10 replicas, dynamicStableScale) paused at 10 %. */
const fixedPaused = () =>
  clusterAt('fixed-mesh', pausedAt10(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9'], ['b1']));

/** The broken-mesh example after every step: the new revision is stable, the old one scaled down. */
async function brokenHealthy(): Promise<MemoryCluster> {
  return clusterAt('broken-mesh', {
    stablePods: [],
    canaryPods: ['b9mzq'],
    canaryWeight: 0,
    status: healthyStatus(1),
  });
}

describe('truesplit get rollout (golden)', () => {
  it.each([
    { name: 'healthy', setup: brokenHealthy },
    { name: 'paused-gateway-only', setup: brokenPaused },
    { name: 'paused-fixed', setup: fixedPaused },
  ])('$name', async ({ name, setup }) => {
    const run = await runLive(['get', 'rollout', NAME], await setup());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    await expect(run.stdout).toMatchFileSnapshot(`${GOLDEN}/get-${name}.txt`);
  });

  it('marks the mesh path of the gateway-only VirtualService as diverging, and not after the fix', async () => {
    const broken = await runLive(['get', 'ro', NAME, '-o', 'json'], await brokenPaused());
    const fixed = await runLive(['get', 'rollouts', NAME, '-o', 'json'], await fixedPaused());
    const meshOf = (stdout: string) =>
      (JSON.parse(stdout) as RolloutView).paths.find((p) => p.kind === 'mesh' && p.variant === null);
    expect(meshOf(broken.stdout)).toMatchObject({
      desired: 10,
      predicted: 50,
      diverges: true,
      health: 'error',
    });
    expect(meshOf(fixed.stdout)).toMatchObject({ desired: 10, predicted: 10, diverges: false, health: 'ok' });
    const codes = (stdout: string) => (JSON.parse(stdout) as RolloutView).findings.map((f) => f.code);
    expect(codes(broken.stdout)).toContain('mesh-binding');
    expect(codes(fixed.stdout)).not.toContain('mesh-binding');
  });

  it('prints the view model as YAML with -o yaml', async () => {
    const run = await runLive(['get', 'rollout', NAME, '-o', 'yaml'], await brokenPaused());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^name: istio-rollout\nnamespace: rollouts-demo-istio\nphase: Paused\n/);
  });

  it.each([
    { name: 'a TTY', isTTY: true, env: {}, colored: true },
    { name: 'a pipe', isTTY: false, env: {}, colored: false },
    { name: 'a TTY with NO_COLOR', isTTY: true, env: { NO_COLOR: '1' }, colored: false },
  ])('colours only on $name', async ({ isTTY, env, colored }) => {
    const run = await runLive(['get', 'rollout', NAME], await brokenPaused(), { isTTY, env });
    expect(run.stdout.includes('\u001b[')).toBe(colored);
  });

  it('reads the namespace from -n over the context default', async () => {
    const cluster = await brokenPaused();
    const elsewhere = await runLive(['get', 'rollout', NAME], cluster, { defaultNamespace: 'default' });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('truesplit get: ');
    expect(elsewhere.stderr).toContain(NAME);
    const named = await runLive(['get', 'rollout', NAME, '-n', NS], cluster, { defaultNamespace: 'default' });
    expect(named.code).toBe(0);
  });
});

describe('truesplit get rollout -w', () => {
  it('renders again when the Rollout changes, until the timeout', async () => {
    const cluster = await brokenPaused();
    let changed = false;
    const run = await runLive(['get', 'rollout', NAME, '-w', '--timeout', '1s'], cluster, {
      onStdout: () => {
        if (changed) return;
        changed = true;
        void setRolloutStatus(cluster, {
          ...pausedAt10([], []).status,
          phase: 'Progressing',
          message: 'more replicas need to be updated',
          currentStepIndex: 2,
        });
      },
    });
    expect(run.code).toBe(0);
    const renders = run.stdout.split(/\n(?=Name: )/);
    expect(renders).toHaveLength(2);
    expect(renders[0]).toContain('Status:          ॥ Paused');
    expect(renders[0]).toContain('  Step:          1/2');
    expect(renders[1]).toContain('Status:          ◌ Progressing');
    expect(renders[1]).toContain('  Step:          2/2');
    expect(renders[1]).toContain(`${NAME}-${CANARY}`);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const run = await runLive(['get', 'rollout', NAME, '-w'], await brokenPaused(), {
      signal: controller.signal,
      onStdout: () => controller.abort(),
    });
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^Name: /gm)).toHaveLength(1);
  });
});
