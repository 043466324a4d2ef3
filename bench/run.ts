/** `npm run bench`: prints figures for every performance goal. Timing is reported, never asserted. */
import { benchAnalyze } from './analyze.js';
import { benchAnalysisRuns } from './analysis-runs.js';
import { benchPlanner, benchSimulate } from './planner.js';
import { benchReconcilePass } from './reconcile-pass.js';
import { benchSandbox } from './sandbox.js';
import { peakRssMb } from './stats.js';

/**
 * `npm run bench [-- section…]` runs the full benchmarks by hand; `npm run bench:smoke` (`--smoke`, what CI runs) runs
 * every section at a small size, so CI proves each benchmark still runs without spending its time budget on figures.
 */
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const only = args.filter((a) => a !== '--smoke');
const sections: [string, () => void | Promise<void>][] = [
  ['planner', () => benchPlanner(smoke ? 500 : 10_000)],
  ['simulate', () => benchSimulate(smoke ? 50 : 1000)],
  ['analyze', () => benchAnalyze(smoke)],
  ['sandbox', () => benchSandbox(smoke)],
  ['reconcile', () => benchReconcilePass(smoke ? 20 : 200)],
  ['analysis', () => benchAnalysisRuns(smoke)],
];
if (smoke) console.log('bench --smoke: small sizes; the figures show the code runs, the goals do not apply');

for (const [name, run] of sections) {
  if (only.length > 0 && !only.includes(name)) continue;
  await run();
}
console.log(`\nbench process peak RSS: ${peakRssMb().toFixed(0)} MB`);
