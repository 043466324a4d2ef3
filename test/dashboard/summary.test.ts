import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RolloutStore, summarise } from '../../src/dashboard/rollout-store.js';
import { stepProgress } from '../../src/dashboard/web/common.js';
import { pathLabel } from '../../src/dashboard/web/paths-panel.js';
import { systemClock } from '../../src/kube/clock.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { seedDemo } from '../../src/sandbox/seed.js';
import type { FindingView, RolloutView } from '../../src/view/rollout-view.js';
import { renderRolloutTree } from '../../src/view/render-tree.js';

let store: RolloutStore;
let view: RolloutView;

beforeAll(async () => {
  const cluster = new MemoryCluster();
  await seedDemo(cluster);
  store = new RolloutStore(cluster, { clock: systemClock() });
  store.start();
  while (store.views().length === 0) await new Promise((done) => setTimeout(done, 20));
  view = store.views()[0]!;
});
afterAll(() => store.stop());

const finding = (code: string, severity: FindingView['severity']): FindingView => ({
  ...view.findings[0]!,
  code,
  severity,
});

describe('the Rollouts list counts findings per severity', () => {
  it.each([
    { severities: ['error', 'warning'], expected: { error: 1, warning: 1, info: 0 }, worst: 'error' },
    {
      severities: ['warning', 'info', 'info'],
      expected: { error: 0, warning: 1, info: 2 },
      worst: 'warning',
    },
    { severities: [], expected: { error: 0, warning: 0, info: 0 }, worst: null },
  ] as const)('$severities', ({ severities, expected, worst }) => {
    const findings = severities.map((s, i) => finding(`code-${i}`, s));
    const summary = summarise({ ...view, findings });
    expect(summary.bySeverity).toEqual(expected);
    expect(summary.worst).toBe(worst);
    expect(summary.findings).toBe(severities.length);
  });
});

describe('labels and steps read as in the CLI', () => {
  it('every path a finding names is labelled the same in the paths table', () => {
    const tableLabels = view.paths.map(pathLabel);
    const findingLabels = view.findings.flatMap((f) => f.paths);
    expect(findingLabels).toContain('mesh from any namespace');
    for (const label of findingLabels) expect(tableLabels).toContain(label);
  });

  it.each([
    { currentStep: 0, total: 4 },
    { currentStep: 1, total: 4 },
    { currentStep: 4, total: 4 },
  ])('step $currentStep of $total is shown as `get rollout` prints it', ({ currentStep, total }) => {
    const tree = renderRolloutTree(
      { ...view, currentStep, steps: view.steps.slice(0, total) },
      { color: false },
    );
    const cli = /Step:\s+(\S+)/.exec(tree)?.[1];
    expect(stepProgress(currentStep, total)).toBe(cli);
  });
});
