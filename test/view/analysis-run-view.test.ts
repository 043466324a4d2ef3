import { describe, expect, it } from 'vitest';
import { analysisRunViews } from '../../src/view/analysis-run-view.js';
import { analysisRun, demoRollout, pausedStatus } from './fixtures.js';

const rollout = demoRollout(pausedStatus);

describe('analysisRunViews (Argo plugin rules)', () => {
  it.each([
    {
      name: 'counts are summed over the metrics',
      runs: [
        analysisRun('a', 2, {
          phase: 'Failed',
          metricResults: [
            { name: 'm1', phase: 'Failed', successful: 2, failed: 1 },
            { name: 'm2', phase: 'Error', successful: 1, error: 3, inconclusive: 2 },
          ],
        }),
      ],
      expected: [{ name: 'a', successful: 3, failed: 1, error: 3, inconclusive: 2, phase: 'Failed' }],
    },
    {
      name: 'a run without status is Pending with no counts',
      runs: [analysisRun('a', 2, undefined)],
      expected: [{ name: 'a', phase: 'Pending', successful: 0, failed: 0, message: '' }],
    },
    {
      name: 'a run without a revision annotation is revision 0',
      runs: [analysisRun('a', undefined, { phase: 'Running' })],
      expected: [{ name: 'a', revision: 0 }],
    },
    {
      name: "another owner's runs are left out",
      runs: [analysisRun('mine', 1, undefined), analysisRun('theirs', 1, undefined, { owner: 'r-9' })],
      expected: [{ name: 'mine' }],
    },
    {
      name: 'newest revision first, then oldest run, then name descending',
      runs: [
        analysisRun('old-rev', 1, undefined),
        analysisRun('b', 3, undefined),
        analysisRun('c', 3, undefined),
        analysisRun('early', 3, undefined, { created: '2026-05-04T08:00:00Z' }),
      ],
      expected: [{ name: 'early' }, { name: 'c' }, { name: 'b' }, { name: 'old-rev' }],
    },
  ])('$name', ({ runs, expected }) => {
    const views = analysisRunViews(rollout, runs);
    expect(views).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(views[i]).toMatchObject(e));
  });
});
