/**
 * Every intent verb writes the same patches whether it is asked for on the command line or through the
 * dashboard's HTTP API: both sides run against identically seeded in-memory clusters and every patch call is
 * recorded (kind, name, subresource, body, in order).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RolloutStatus } from '../../src/api/rollout.js';
import { RolloutStore } from '../../src/dashboard/rollout-store.js';
import { startDashboardServer, type DashboardServer } from '../../src/dashboard/server.js';
import type { KindName, MergePatch, PatchOptions } from '../../src/kube/cluster.js';
import { systemClock } from '../../src/kube/clock.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { NOW, NS, seedReplicaSet, seedRollout, truesplit } from '../cli/live-verbs-harness.js';

const TOKEN = 'parity-token';

interface SentPatch {
  kind: KindName;
  name: string;
  subresource: string;
  patch: MergePatch;
}

class RecordingCluster extends MemoryCluster {
  readonly sent: SentPatch[] = [];
  override patch<K extends KindName>(
    kind: K,
    namespace: string,
    name: string,
    patch: MergePatch,
    options?: PatchOptions,
  ) {
    this.sent.push({ kind, name, subresource: options?.subresource ?? '', patch: structuredClone(patch) });
    return super.patch(kind, namespace, name, patch, options);
  }
}

const pausedAtStep1: RolloutStatus = {
  currentStepIndex: 1,
  currentPodHash: 'h2',
  stableRS: 'h1',
  controllerPause: true,
  pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-05-04T09:59:00Z' }],
};
const atSetWeight: RolloutStatus = { currentStepIndex: 2, currentPodHash: 'h2', stableRS: 'h1' };
const inconclusive: RolloutStatus = {
  ...pausedAtStep1,
  pauseConditions: [{ reason: 'InconclusiveAnalysisRun', startTime: '2026-05-04T09:59:00Z' }],
  canary: { currentStepAnalysisRunStatus: { name: 'checkout-2-1', status: 'Inconclusive' } },
};

interface Row {
  name: string;
  status: RolloutStatus;
  manualPause?: boolean;
  cli: string[];
  action: string;
  body?: Record<string, unknown>;
}

const ROWS: Row[] = [
  { name: 'promote at a pause step', status: pausedAtStep1, cli: ['promote'], action: 'promote' },
  { name: 'promote at a setWeight step', status: atSetWeight, cli: ['promote'], action: 'promote' },
  {
    name: 'promote a manually paused Rollout',
    status: pausedAtStep1,
    manualPause: true,
    cli: ['promote'],
    action: 'promote',
  },
  {
    name: 'promote past an inconclusive analysis',
    status: inconclusive,
    cli: ['promote'],
    action: 'promote',
  },
  {
    name: 'promote --full, manual pause kept',
    status: pausedAtStep1,
    manualPause: true,
    cli: ['promote', '--full'],
    action: 'promote-full',
  },
  { name: 'abort', status: pausedAtStep1, cli: ['abort'], action: 'abort' },
  { name: 'retry', status: { ...pausedAtStep1, abort: true }, cli: ['retry', 'rollout'], action: 'retry' },
  { name: 'pause', status: atSetWeight, cli: ['pause'], action: 'pause' },
  { name: 'resume', status: atSetWeight, manualPause: true, cli: ['resume'], action: 'resume' },
  { name: 'restart now', status: atSetWeight, cli: ['restart'], action: 'restart' },
  {
    name: 'restart later',
    status: atSetWeight,
    cli: ['restart', '--in', '90s'],
    action: 'restart',
    body: { delaySeconds: 90 },
  },
  {
    name: 'set image of one container',
    status: atSetWeight,
    cli: ['set', 'image', '@', 'app=checkout:3'],
    action: 'set-image',
    body: { container: 'app', image: 'checkout:3' },
  },
  {
    name: 'set image of every container',
    status: atSetWeight,
    cli: ['set', 'image', '@', '*=checkout:3'],
    action: 'set-image',
    body: { container: '*', image: 'checkout:3' },
  },
  { name: 'undo to the previous revision', status: atSetWeight, cli: ['undo'], action: 'undo' },
  {
    name: 'undo to a named revision',
    status: atSetWeight,
    cli: ['undo', '--to-revision', '1'],
    action: 'undo',
    body: { toRevision: 1 },
  },
];

async function seeded(row: Row): Promise<RecordingCluster> {
  const cluster = new RecordingCluster();
  await cluster.create('Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const rollout = await seedRollout(cluster, 'checkout', row.status);
  if (row.manualPause) await cluster.patch('Rollout', NS, 'checkout', { spec: { paused: true } });
  for (const [revision, image] of [
    [1, 'checkout:1'],
    [2, 'checkout:1b'],
    [3, 'checkout:2'],
  ] as const) {
    await seedReplicaSet(cluster, rollout, revision, image);
  }
  cluster.sent.length = 0;
  return cluster;
}

/** `NAME` goes after the verb words, or in place of `@` (set image NAME CONTAINER=IMAGE). */
function cliArgv(row: Row): string[] {
  if (row.cli.includes('@')) return row.cli.map((word) => (word === '@' ? 'checkout' : word));
  const flagAt = row.cli.findIndex((word) => word.startsWith('--'));
  const words = flagAt < 0 ? row.cli : row.cli.slice(0, flagAt);
  return [...words, 'checkout', ...(flagAt < 0 ? [] : row.cli.slice(flagAt))];
}

describe('each verb sends the same patches from the CLI and the dashboard', () => {
  let server: DashboardServer | undefined;
  let store: RolloutStore | undefined;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await server?.close();
    store?.stop();
  });

  async function viaDashboard(row: Row): Promise<SentPatch[]> {
    const cluster = await seeded(row);
    store = new RolloutStore(cluster, { clock: systemClock() });
    store.start();
    server = await startDashboardServer({ cluster, store, host: '127.0.0.1', port: 0, token: TOKEN });
    const res = await fetch(new URL(`api/v1/rollouts/${NS}/checkout/${row.action}`, server.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(row.body ?? {}),
    });
    expect(res.status, await res.text()).toBe(200);
    return cluster.sent;
  }

  async function viaCli(row: Row): Promise<SentPatch[]> {
    const cluster = await seeded(row);
    const run = await truesplit(cluster, cliArgv(row));
    expect(run.code, run.stderr).toBe(0);
    return cluster.sent;
  }

  it.each(ROWS)('$name', async (row) => {
    const cli = await viaCli(row);
    const dashboard = await viaDashboard(row);
    expect(cli.length).toBeGreaterThan(0);
    expect(dashboard).toEqual(cli);
  });

  it('covers every dashboard action', async () => {
    const { ROLLOUT_ACTIONS } = await import('../../src/dashboard/actions.js');
    expect(new Set(ROWS.map((row) => row.action))).toEqual(new Set(ROLLOUT_ACTIONS));
  });
});
