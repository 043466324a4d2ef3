import { describe, expect, it } from 'vitest';
import { describePeak, parseTraceGc, summariseGc } from '../../bench/cluster-memory.ts';

const LOG = [
  '{"level":30,"msg":"controller started"}',
  '[3788:0x18459000]      315 ms: Scavenge 4.7 (5.8) -> 4.4 (6.8) MB, pooled: 0 MB, 17.09 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ',
  '[3814:0xef15000]      387 ms: Mark-Compact 93.9 (120.8) -> 63.7 (110.5) MB, pooled: 0 MB, 33.38 / 0.00 ms  (average mu = 0.909, current mu = 0.909) allocation failure; GC in old space requested',
  '[3814:0xef15000]     9001 ms: Mark-Compact (reduce) 70.1 (111.0) -> 58.2 (80.0) MB, pooled: 0 MB, 40.00 / 0.00 ms  (average mu = 0.95, current mu = 0.95) memory reducer',
].join('\n');

describe('parseTraceGc', () => {
  it.each([
    [
      0,
      {
        atMs: 315,
        kind: 'Scavenge',
        beforeMb: 4.7,
        beforeCommittedMb: 5.8,
        afterMb: 4.4,
        afterCommittedMb: 6.8,
      },
    ],
    [
      1,
      {
        atMs: 387,
        kind: 'Mark-Compact',
        beforeMb: 93.9,
        beforeCommittedMb: 120.8,
        afterMb: 63.7,
        afterCommittedMb: 110.5,
      },
    ],
    [
      2,
      {
        atMs: 9001,
        kind: 'Mark-Compact',
        beforeMb: 70.1,
        beforeCommittedMb: 111,
        afterMb: 58.2,
        afterCommittedMb: 80,
      },
    ],
  ])('reads collection %i of the log, skipping other lines', (index, expected) => {
    const lines = parseTraceGc(LOG);
    expect(lines).toHaveLength(3);
    expect(lines[index]).toEqual(expected);
  });

  it('summarises the heap extremes, live size from full collections only', () => {
    expect(summariseGc(parseTraceGc(LOG))).toBe(
      '3 collections (2 full); heap used before a collection, max 93.9 MB; heap committed, max 120.8 MB; live after a full collection, max 63.7 MB',
    );
    expect(summariseGc([])).toBe('no --trace-gc lines');
  });
});

describe('describePeak', () => {
  it('names the highest sample and when it came', () => {
    const samples = [
      { atMs: 1_000, rssKib: 100 * 1024 },
      { atMs: 31_000, rssKib: 300 * 1024 },
      { atMs: 61_000, rssKib: 200 * 1024 },
    ];
    expect(describePeak(samples, 1_000)).toBe('300.0 MiB at 30.0 s after the Rollouts were created');
    expect(describePeak([], 0)).toBe('no samples');
  });
});
