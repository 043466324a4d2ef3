/**
 * `npm run bench:vs-argo`: truesplit and Argo Rollouts (v1.10.2, built from its Go module by
 * hack/build-argo-rollouts.sh) on the same real control plane with bench:cluster's workload — N Rollouts × 4 replicas,
 * setWeight 25/50/75/100, Istio subset canary — one controller at a time, each on a fresh namespace it alone watches,
 * in ABBA order so drift cancels. API requests come from the API server's audit log (only the two ServiceAccounts,
 * Metadata level), memory from /proc/<pid>/status (VmHWM), CPU from /proc/<pid>/stat. Prints the ratio table and
 * the per-run figures as JSON. `--rollouts 200,1000` measures each size on its own fresh control plane, one after
 * the other, and adds the memory slope per Rollout between the smallest and the largest.
 *
 * `--only argo` (or truesplit) runs that controller alone, `--runs` times.
 *
 *   npm run bench:vs-argo -- [--rollouts 200[,1000]] [--runs 4] [--replicas 4] [--workers 10] [--only argo]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ControlPlane } from '../e2e/cluster/control-plane.ts';
import { REPO_ROOT, startControlPlane } from '../e2e/cluster/control-plane.ts';
import { ensureControllerBuilt } from '../e2e/support/controller-process.ts';
import { E2eClient } from '../e2e/support/kube.ts';
import { sleep } from '../e2e/support/wait-for.ts';
import { stepLatencies } from './cluster-measure.ts';
import {
  changeImage,
  createWorkload,
  LiveState,
  NEXT_IMAGE,
  WEIGHTS,
  watchWorkload,
  workload,
} from './cluster-workload.ts';
import { tallyAuditLog, totalRequests, writeAuditPolicy } from './vs-argo-audit.ts';
import { eventWritesByReason, snapshotEvents } from './vs-argo-events.ts';
import type { BenchController, ControllerKind } from './vs-argo-controllers.ts';
import {
  controllerCpuSeconds,
  controllerPeakRssKib,
  ensureArgoBuilt,
  startController,
  USERNAMES,
} from './vs-argo-controllers.ts';
import type { RunResult, SizeSummary } from './vs-argo-report.ts';
import { ratioTable, rolloutSizes, runOrder, slopeRow, summarise } from './vs-argo-report.ts';

const { values } = parseArgs({
  options: {
    rollouts: { type: 'string' },
    runs: { type: 'string' },
    replicas: { type: 'string' },
    workers: { type: 'string' },
    only: { type: 'string' },
  },
});
/** A flag's value, or its message and exit 2. */
function flag<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}
const SIZES = flag(() => rolloutSizes(values.rollouts ?? '200'));
const RUNS = Number(values.runs ?? 4);
const ORDER = flag(() => runOrder(RUNS, values.only));
const REPLICAS = Number(values.replicas ?? 4);
const WORKERS = Number(values.workers ?? 10);
/** Argo's own CRDs for both controllers (the Rollout CRD replaces truesplit's), plus Istio's. */
const CRD_DIRS = [
  resolve(REPO_ROOT, '../shared/crds/istio'),
  join(REPO_ROOT, 'test/fixtures/argo-rollouts/crds'),
];

interface RunContext {
  plane: ControlPlane;
  admin: E2eClient;
  auditLog: string;
  rollouts: number;
}

/** Time allowed for a phase that takes about 0.5 s per Rollout on a quiet machine: 3 s per Rollout, ≥ `floorMs`. */
const phaseTimeoutMs = (rollouts: number, floorMs: number) => Math.max(floorMs, rollouts * 3_000);

async function runOnce(ctx: RunContext, kind: ControllerKind, run: number): Promise<RunResult> {
  const namespace = `run${run}-${kind}`;
  await ctx.admin.createNamespace(namespace);
  const w = workload(namespace, ctx.rollouts, REPLICAS);
  const histories = await watchWorkload(ctx.admin, namespace);
  const live = new LiveState(w, histories);
  let controller: BenchController | undefined;
  try {
    const opts = {
      plane: ctx.plane,
      admin: ctx.admin,
      namespace,
      name: `${namespace}-controller`,
      workers: WORKERS,
    };
    controller = await startController(kind, opts);
    await createWorkload(ctx.admin, w);
    await live.waitFirstRevision(phaseTimeoutMs(ctx.rollouts, 600_000));
    const eventsBefore = await snapshotEvents(ctx.admin, namespace);
    const cpuBefore = controllerCpuSeconds(controller);
    const t1 = Date.now();
    await changeImage(ctx.admin, w);
    await live.waitAll(NEXT_IMAGE, `${namespace} revision 2`, phaseTimeoutMs(ctx.rollouts, 900_000));
    const t2 = Date.now();
    // From the first image patch: at 1,000 Rollouts the patches alone take tens of seconds, the controller at work.
    const wallMs = t2 - t1;
    const cpu = controllerCpuSeconds(controller) - cpuBefore;
    const rss = controllerPeakRssKib(controller);
    await sleep(1_000); // the audit backend writes a request's line once its response completes
    const eventsByReason = eventWritesByReason(eventsBefore, await snapshotEvents(ctx.admin, namespace));
    const requests = await tallyAuditLog(ctx.auditLog, USERNAMES[kind], t1, t2);
    const latenciesMs = stepLatencies(
      histories.rs.versions,
      histories.vs.versions,
      WEIGHTS,
      REPLICAS,
      t1,
    ).map((l) => l.ms);
    const completedSteps = ctx.rollouts * WEIGHTS.length;
    return {
      controller: kind,
      run,
      namespace,
      wallMs,
      completedSteps,
      requests,
      eventsByReason,
      peakRssKib: rss,
      cpuSeconds: cpu,
      latenciesMs,
    };
  } finally {
    histories.stop();
    await controller?.stop();
  }
}

function printRun(r: RunResult): void {
  const perStep = (totalRequests(r.requests) / r.completedSteps).toFixed(2);
  console.log(
    `run ${r.run} ${r.controller}: ${(r.wallMs / 1000).toFixed(1)} s, ${perStep} requests/step, ` +
      `${(r.peakRssKib / 1024).toFixed(0)} MiB peak, ${r.cpuSeconds.toFixed(1)} s CPU, ${r.latenciesMs.length} latency samples`,
  );
  const reasons = Object.entries(r.eventsByReason).map(
    ([reason, t]) => `${reason} ${(t.writes / r.completedSteps).toFixed(2)}/step on ${t.objects} objects`,
  );
  console.log(`  Event writes by reason: ${reasons.join(', ') || 'none'}`);
  console.log(`  requests by verb: ${JSON.stringify(r.requests.byVerbAndResource)}`);
}

/** Every run at one size on a fresh control plane; prints that size's table and returns its summaries. */
async function measureSize(rollouts: number, order: ControllerKind[]): Promise<SizeSummary> {
  console.log(
    `bench:vs-argo — ${rollouts} Rollouts × ${REPLICAS} replicas, setWeight ${WEIGHTS.join('/')}, ` +
      `${WORKERS} workers, runs ${order.join(' ')}`,
  );
  const auditDir = mkdtempSync(join(tmpdir(), 'truesplit-vs-argo-'));
  const audit = writeAuditPolicy(auditDir, Object.values(USERNAMES));
  const plane = await startControlPlane({ crdDirs: CRD_DIRS, apiserverArgs: audit.apiserverArgs });
  const results: RunResult[] = [];
  try {
    const admin = new E2eClient(plane.kubeconfigPath);
    const ctx = { plane, admin, auditLog: audit.logPath, rollouts };
    for (const [i, kind] of order.entries()) {
      const result = await runOnce(ctx, kind, i + 1);
      printRun(result);
      results.push(result);
    }
  } finally {
    await plane.stop();
    rmSync(auditDir, { recursive: true, force: true });
  }
  return report(rollouts, results);
}

async function main(): Promise<void> {
  const order = ORDER;
  ensureControllerBuilt();
  if (order.includes('argo')) ensureArgoBuilt();
  const sizes: SizeSummary[] = [];
  for (const rollouts of SIZES) sizes.push(await measureSize(rollouts, order));
  const slope = slopeRow(sizes);
  if (slope !== undefined) {
    console.log(`\n=== bench:vs-argo memory slope (${SIZES.join(', ')} Rollouts) ===`);
    console.log(`| measure | truesplit | Argo | truesplit ÷ Argo |\n|---|---|---|---|\n${slope}`);
  }
}

function report(rollouts: number, results: RunResult[]): SizeSummary {
  const of = (kind: ControllerKind) => results.filter((r) => r.controller === kind);
  const [truesplit, argo] = [summarise(of('truesplit')), summarise(of('argo'))];
  console.log(`\n=== bench:vs-argo (${rollouts} Rollouts, ${rollouts * WEIGHTS.length} steps per run) ===`);
  if (truesplit.runs > 0 && argo.runs > 0) console.log(ratioTable(truesplit, argo));
  const perRun = results.map(({ latenciesMs, ...r }) => ({ ...r, latencySamples: latenciesMs.length }));
  console.log(`\nJSON ${JSON.stringify({ rollouts, replicas: REPLICAS, truesplit, argo, runs: perRun })}\n`);
  return { rollouts, truesplit, argo };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
