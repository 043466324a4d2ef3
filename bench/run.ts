/** `npm run bench`: prints figures for every performance goal. Timing is reported, never asserted. */
import { benchAnalyze } from './analyze.js';
import { benchPlanner, benchSimulate } from './planner.js';
import { benchReconcilePass } from './reconcile-pass.js';
import { benchSandbox } from './sandbox.js';
import { peakRssMb } from './stats.js';

const only = process.argv.slice(2);
const sections: [string, () => void | Promise<void>][] = [
  ['planner', () => benchPlanner()],
  ['simulate', () => benchSimulate()],
  ['analyze', () => benchAnalyze()],
  ['sandbox', () => benchSandbox()],
  ['reconcile', () => benchReconcilePass()],
];

for (const [name, run] of sections) {
  if (only.length > 0 && !only.includes(name)) continue;
  await run();
}
console.log(`\nbench process peak RSS: ${peakRssMb().toFixed(0)} MB`);
