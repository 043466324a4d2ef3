/**
 * A Rollout held by the path gate shows the controller's verdict — its TrafficPathsConsistent condition and the
 * gate's hold, as written — in `get rollout`, `analyze --live` and the dashboard's view model, and the three path
 * tables are the controller's own evaluation (the share it exports as a metric).
 */
import { describe, expect, it } from 'vitest';
import { PATH_GATE_ANNOTATION } from '../../src/api/labels.js';
import type { AnalyzeReport } from '../../src/cli/analyze-report.js';
import { RolloutStore } from '../../src/dashboard/rollout-store.js';
import { DEMO_NAMESPACE as NS, DEMO_ROLLOUT as NAME } from '../../src/sandbox/demo.js';
import type { RolloutView } from '../../src/view/rollout-view.js';
import { runLive } from '../cli/live-read-fixtures.js';
import { flush } from '../kube/fixtures.js';
import { startCanary, startDemo } from './path-harness.js';

async function dashboardView(h: Awaited<ReturnType<typeof startDemo>>): Promise<RolloutView | undefined> {
  const store = new RolloutStore(h.cluster, { clock: h.clock });
  store.start();
  try {
    for (let i = 0; i < 50 && !store.hasSynced(); i++) await flush();
    return store.view(NS, NAME);
  } finally {
    store.stop();
  }
}

describe('the path gate’s verdict in every view', () => {
  it('get rollout, analyze --live and the dashboard show the hold and the condition the controller wrote', async () => {
    const h = await startDemo({ [PATH_GATE_ANNOTATION]: 'enforce' });
    await startCanary(h);
    await h.advance(5_000);
    const status = (await h.rollout()).status;
    const written = status?.conditions?.find((c) => c.type === 'TrafficPathsConsistent');
    expect(status?.pauseConditions?.map((p) => p.reason)).toEqual(['PathGate']);
    expect(written?.status).toBe('False');

    const get = await runLive(['get', 'rollout', NAME, '-n', NS, '-o', 'json'], h.cluster);
    const analyze = await runLive(['analyze', '--live', '-n', NS, '-o', 'json'], h.cluster);
    const fromGet = (JSON.parse(get.stdout) as RolloutView).pathVerdict;
    const fromAnalyze = (JSON.parse(analyze.stdout) as AnalyzeReport).rollouts[0]?.live?.pathVerdict;
    const fromDashboard = (await dashboardView(h))?.pathVerdict;

    const expected = {
      condition: {
        status: 'False',
        reason: written?.reason,
        message: written?.message,
        since: written?.lastTransitionTime,
      },
      gate: {
        mode: 'enforce',
        holding: true,
        message: status?.message?.replace(/^PathGate: /, ''),
        since: status?.pauseConditions?.[0]?.startTime,
      },
    };
    expect(expected.gate.message).toMatch(/^mesh from rollouts-demo-istio gets 50% canary/);
    expect(fromGet).toEqual(expected);
    expect(fromAnalyze).toEqual(expected);
    expect(fromDashboard).toEqual(expected);
  });

  it('the three path tables are the controller’s evaluation', async () => {
    const h = await startDemo({ [PATH_GATE_ANNOTATION]: 'enforce' });
    await startCanary(h);
    await h.advance(5_000);
    const labels = { namespace: NS, rollout: NAME, kind: 'mesh', from: NS };
    const controllerShare = await h.sample('truesplit_path_canary_share', labels);
    expect(controllerShare).toBeCloseTo(0.5);

    const get = JSON.parse(
      (await runLive(['get', 'rollout', NAME, '-n', NS, '-o', 'json'], h.cluster)).stdout,
    );
    const analyze = JSON.parse(
      (await runLive(['analyze', '--live', '-n', NS, '-o', 'json'], h.cluster)).stdout,
    );
    const dashboard = await dashboardView(h);
    const meshOf = <P extends { kind: string; from: string; variant?: unknown }>(paths: readonly P[]) =>
      paths.find((p) => p.kind === 'mesh' && p.from === NS && (p.variant ?? null) === null);
    expect(meshOf((get as RolloutView).paths)?.predicted).toBe(controllerShare! * 100);
    expect(meshOf(dashboard?.paths ?? [])).toEqual(meshOf((get as RolloutView).paths));
    const live = (analyze as AnalyzeReport).rollouts[0]?.live?.paths ?? [];
    expect(meshOf(live)?.canaryShare).toBe(controllerShare);
  });
});
