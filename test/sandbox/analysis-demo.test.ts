/**
 * The demo's analysis step over the REST API: the canary switch decides whether the step's AnalysisRun passes (the
 * Rollout advances) or fails (the Rollout aborts with Argo's message), through the real AnalysisRun controller and
 * `web` provider querying the sandbox's canary metrics endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import type { AnalysisRunView } from '../../src/view/analysis-run-view.js';
import type { RolloutView } from '../../src/view/rollout-view.js';

const ROLLOUT = 'api/v1/rollouts/rollouts-demo-istio/istio-rollout';
const ANALYSIS_STEP = 3;
let sandbox: Sandbox;

/** Polls `probe`; on timeout the error shows where the Rollout and its runs were. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  const v = await view();
  const runs = v.analysisRuns.map((r) => `${r.name} ${r.phase} ${r.countsText} ${r.message}`);
  throw new Error(
    `timed out waiting for ${what}: ${v.phase} step ${v.currentStep} "${v.message}" ${runs.join('; ')}`,
  );
}

async function request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
  return fetch(new URL(path, sandbox.url), {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sandbox.token}` },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

const view = async (): Promise<RolloutView> => (await (await request('GET', ROLLOUT)).json()) as RolloutView;

const stepRun = (v: RolloutView, phase?: string): AnalysisRunView | undefined =>
  v.analysisRuns.find((r) => r.kind === 'Step' && (phase === undefined || r.phase === phase));

async function pausedAtFirstPause(): Promise<RolloutView> {
  return waitFor('the pause at step 1', async () => {
    const v = await view();
    return v.currentStep === 1 && v.phase === 'Paused' ? v : undefined;
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    readyDelayMs: 100,
    seed: 7,
    analysisInterval: '1s',
    analysisCount: 8,
    onError: () => undefined,
  });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('sandbox demo analysis', { timeout: 60_000 }, () => {
  it('serves the canary switch, healthy at first, and refuses an unknown state', async () => {
    await expect((await request('GET', 'api/v1/sandbox/canary')).json()).resolves.toEqual({
      rollout: 'rollouts-demo-istio/istio-rollout',
      health: 'healthy',
    });
    const bad = await request('POST', 'api/v1/sandbox/canary', { health: 'sick' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/body\.health must be one of/);
    const info = (await (await request('GET', 'api/v1/info')).json()) as { canary?: unknown };
    expect(info.canary).toEqual({ rollout: 'rollouts-demo-istio/istio-rollout', health: 'healthy' });
  });

  it('a failing canary fails the step analysis and the Rollout aborts with Argo message', async () => {
    const paused = await pausedAtFirstPause();
    expect(paused.steps[ANALYSIS_STEP]?.label).toBe('analysis: canary-error-rate');
    expect((await request('POST', `${ROLLOUT}/promote`, {})).status).toBe(200);
    const measuring = await waitFor('a successful measurement', async () => {
      const v = await view();
      const run = stepRun(v, 'Running');
      return run && run.counts.successful > 0 ? run : undefined;
    });
    expect(measuring.metrics[0]).toMatchObject({
      name: 'error-rate',
      provider: 'web',
      successCondition: { expression: 'result < 0.05', thresholds: [0.05] },
      failureCondition: { expression: 'result >= 0.1', thresholds: [0.1] },
    });
    const flipped = await request('POST', 'api/v1/sandbox/canary', { health: 'failing' });
    expect(await flipped.json()).toMatchObject({ health: 'failing' });
    const aborted = await waitFor('the abort', async () => {
      const v = await view();
      return v.phase === 'Degraded' && stepRun(v, 'Failed') ? v : undefined;
    });
    const run = stepRun(aborted, 'Failed')!;
    expect(run.metrics[0]?.measurements.some((m) => m.phase === 'Failed' && (m.numeric ?? 0) >= 0.1)).toBe(
      true,
    );
    expect(run.countsText).toMatch(/^✔ \d+,✖ 2$/);
    expect(aborted.message).toBe(
      `RolloutAborted: Rollout aborted update to revision 2: Step-based analysis phase error/failed: ${run.message}`,
    );
    expect(aborted.weights.canary).toBe(0);
  });

  it('a healthy canary passes a new run after retry, and the Rollout advances past the analysis', async () => {
    await request('POST', 'api/v1/sandbox/canary', { health: 'healthy' });
    expect((await request('POST', `${ROLLOUT}/retry`, {})).status).toBe(200);
    await pausedAtFirstPause();
    expect((await request('POST', `${ROLLOUT}/promote`, {})).status).toBe(200);
    const advanced = await waitFor('the step after the analysis', async () => {
      const v = await view();
      return v.currentStep === ANALYSIS_STEP + 1 ? v : undefined;
    });
    const passed = stepRun(advanced, 'Successful');
    expect(passed?.countsText).toBe('✔ 8');
    expect(advanced.analysisRuns.map((r) => r.phase)).toEqual(['Failed', 'Successful']);
    expect(advanced.phase).toBe('Paused');
  });
});
