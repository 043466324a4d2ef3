import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tallyAuditLog, tallyRequests, timestampMs, writeAuditPolicy } from '../../bench/vs-argo-audit.ts';
import type { RunResult } from '../../bench/vs-argo-report.ts';
import {
  abbaOrder,
  ratioTable,
  rolloutSizes,
  runOrder,
  slopeRow,
  summarise,
} from '../../bench/vs-argo-report.ts';
import { eventWritesByReason } from '../../bench/vs-argo-events.ts';

const ME = 'system:serviceaccount:argo-rollouts:argo-rollouts';
const OTHER = 'system:serviceaccount:truesplit:truesplit-controller';

function line(
  verb: string,
  resource: string,
  at: string,
  o: { user?: string; stage?: string; sub?: string } = {},
) {
  return JSON.stringify({
    kind: 'Event',
    level: 'Metadata',
    stage: o.stage ?? 'ResponseComplete',
    verb,
    user: { username: o.user ?? ME },
    objectRef: { resource, ...(o.sub ? { subresource: o.sub } : {}) },
    requestReceivedTimestamp: `2026-12-01T10:00:${at}Z`,
  });
}

describe('tallyRequests', () => {
  const from = timestampMs('2026-12-01T10:00:10.000Z');
  const to = timestampMs('2026-12-01T10:00:20.000Z');
  const cases: { name: string; lines: string[]; want: [number, number, number, number] }[] = [
    {
      name: 'Event create and patch are Event writes',
      lines: [line('create', 'events', '11.5'), line('patch', 'events', '12')],
      want: [2, 0, 0, 0],
    },
    {
      name: 'status update and ReplicaSet patch are other writes',
      lines: [line('update', 'rollouts', '11', { sub: 'status' }), line('patch', 'replicasets', '12')],
      want: [0, 2, 0, 0],
    },
    {
      name: 'get and list are reads, watch is not',
      lines: [line('get', 'virtualservices', '11'), line('list', 'pods', '12'), line('watch', 'pods', '13')],
      want: [0, 0, 2, 1],
    },
    {
      name: 'the other controller is not counted',
      lines: [line('patch', 'replicasets', '12', { user: OTHER })],
      want: [0, 0, 0, 0],
    },
    {
      name: 'outside the window is not counted',
      lines: [line('patch', 'replicasets', '09.999999'), line('patch', 'replicasets', '20.001')],
      want: [0, 0, 0, 0],
    },
    {
      name: 'nanosecond timestamps at the window edge count',
      lines: [line('patch', 'replicasets', '10.000000123'), line('get', 'pods', '20.000999999')],
      want: [0, 1, 1, 0],
    },
    {
      name: 'only ResponseComplete counts',
      lines: [line('patch', 'replicasets', '12', { stage: 'Panic' })],
      want: [0, 0, 0, 0],
    },
  ];
  it.each(cases)('$name', ({ lines, want }) => {
    const t = tallyRequests(lines.join('\n') + '\n', ME, from, to);
    expect([t.eventWrites, t.otherWrites, t.reads, t.watches]).toEqual(want);
  });

  it('reads the same tally from the log file line by line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    try {
      const lines = cases.flatMap((c) => c.lines);
      writeFileSync(join(dir, 'audit.log'), lines.join('\n') + '\n');
      const fromFile = await tallyAuditLog(join(dir, 'audit.log'), ME, from, to);
      expect(fromFile).toEqual(tallyRequests(lines.join('\n'), ME, from, to));
      expect(fromFile.otherWrites).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keys the breakdown by verb and resource/subresource', () => {
    const t = tallyRequests(line('update', 'rollouts', '11', { sub: 'status' }), ME, from, to);
    expect(t.byVerbAndResource).toEqual({ 'update rollouts/status': 1 });
  });
});

describe('writeAuditPolicy', () => {
  it('logs only the given users at Metadata level and points the apiserver at the files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    try {
      const files = writeAuditPolicy(dir, [ME, OTHER]);
      const policy = readFileSync(files.policyPath, 'utf8');
      expect(policy).toContain(`users: ["${ME}", "${OTHER}"]`);
      expect(policy.trimEnd().endsWith('- level: None')).toBe(true);
      expect(files.apiserverArgs).toContain(`--audit-log-path=${files.logPath}`);
      expect(files.apiserverArgs).toContain(`--audit-policy-file=${files.policyPath}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('abbaOrder', () => {
  it.each([
    [2, ['truesplit', 'argo']],
    [4, ['truesplit', 'argo', 'argo', 'truesplit']],
    [6, ['truesplit', 'argo', 'argo', 'truesplit', 'truesplit', 'argo']],
  ])('%i runs', (runs, want) => expect(abbaOrder(runs)).toEqual(want));
});

describe('runOrder', () => {
  it.each([
    [2, undefined, ['truesplit', 'argo']],
    [2, 'argo', ['argo', 'argo']],
    [1, 'truesplit', ['truesplit']],
  ])('%i runs, --only %s', (runs, only, want) => expect(runOrder(runs, only)).toEqual(want));
  it('refuses a controller it does not know, naming the flag', () =>
    expect(() => runOrder(2, 'flagger')).toThrow('--only: "flagger" is neither truesplit nor argo'));
});

function result(
  controller: 'truesplit' | 'argo',
  eventWrites: number,
  rssKib: number,
  latencies: number[],
): RunResult {
  const requests = { eventWrites, otherWrites: 8, reads: 0, watches: 3, byVerbAndResource: {} };
  return {
    controller,
    run: 1,
    namespace: 'ns',
    wallMs: 10_000,
    completedSteps: 4,
    requests,
    eventsByReason: {},
    peakRssKib: rssKib,
    cpuSeconds: 2,
    latenciesMs: latencies,
  };
}

describe('summarise and ratioTable', () => {
  it('averages per-step requests over runs and pools latencies', () => {
    const s = summarise([result('argo', 4, 1024, [1000, 3000]), result('argo', 12, 3072, [2000])]);
    expect(s.eventWritesPerStep).toBe(2);
    expect(s.requestsPerStep).toBe(4);
    expect(s.peakRssMiB).toBe(2);
    expect(s.latencyP50S).toBe(2);
    expect(s.latencyP99S).toBe(3);
  });

  it('prints truesplit ÷ Argo, a dash for 0 ÷ 0', () => {
    const t = summarise([result('truesplit', 8, 2048, [1000])]);
    const a = summarise([result('argo', 4, 1024, [500])]);
    const table = ratioTable(t, a);
    expect(table).toContain('| – Event writes per step | 2.00 | 1.00 | 2.00 |');
    expect(table).toContain('| controller peak RSS (VmHWM) | 2 MiB | 1 MiB | 2.00 |');
    expect(table).toContain('| – reads outside caches per step | 0.00 | 0.00 | — |');
  });
});

describe('eventWritesByReason', () => {
  const snap = (entries: [string, string, string, number][]) => ({
    events: new Map(entries.map(([name, reason, object, count]) => [name, { reason, object, count }])),
  });
  it.each([
    [
      'a new Event is its count in writes',
      snap([]),
      snap([['e1', 'R', 'Rollout/a', 3]]),
      { R: { writes: 3, objects: 1 } },
    ],
    [
      'a grown Event is its growth',
      snap([['e1', 'R', 'Rollout/a', 2]]),
      snap([
        ['e1', 'R', 'Rollout/a', 5],
        ['e2', 'R', 'Rollout/b', 1],
      ]),
      { R: { writes: 4, objects: 2 } },
    ],
    [
      'an unchanged Event is no write',
      snap([['e1', 'R', 'Rollout/a', 2]]),
      snap([['e1', 'R', 'Rollout/a', 2]]),
      {},
    ],
  ])('%s', (_name, before, after, want) => expect(eventWritesByReason(before, after)).toEqual(want));
});

describe('slopeRow', () => {
  const at = (rollouts: number, truesplitKib: number, argoKib: number) => ({
    rollouts,
    truesplit: summarise([result('truesplit', 0, truesplitKib, [])]),
    argo: summarise([result('argo', 0, argoKib, [])]),
  });
  it.each([
    [
      'peak RSS difference over the Rollouts added, smallest to largest size',
      [at(1000, 800 * 1024 + 400 * 1024, 100 * 1024 + 160 * 1024), at(200, 400 * 1024, 100 * 1024)],
      '| memory slope (200 → 1000 Rollouts) | 1.000 MiB per Rollout | 0.200 MiB per Rollout | 5.00 |',
    ],
    [
      'a middle size does not change the end points',
      [at(200, 400 * 1024, 100 * 1024), at(500, 0, 0), at(1000, 480 * 1024, 180 * 1024)],
      '| memory slope (200 → 1000 Rollouts) | 0.100 MiB per Rollout | 0.100 MiB per Rollout | 1.00 |',
    ],
    ['one size has no slope', [at(200, 400 * 1024, 100 * 1024)], undefined],
    [
      'a side without runs at a size is not measured',
      [
        at(200, 400 * 1024, 100 * 1024),
        { rollouts: 1000, truesplit: summarise([]), argo: summarise([result('argo', 0, 260 * 1024, [])]) },
      ],
      '| memory slope (200 → 1000 Rollouts) | not measured | 0.200 MiB per Rollout | — |',
    ],
  ])('%s', (_name, sizes, want) => expect(slopeRow(sizes)).toBe(want));
});

describe('rolloutSizes', () => {
  it.each([
    ['200', [200]],
    ['200,1000', [200, 1000]],
    [' 10 , 20 ', [10, 20]],
  ])('%j', (flag, want) => expect(rolloutSizes(flag)).toEqual(want));
  it.each([
    ['200,', /"" is not a positive whole number/],
    ['0', /"0" is not a positive whole number/],
    ['2.5', /"2.5" is not/],
    ['abc', /"abc" is not/],
    ['200,200', /repeats a size/],
  ])('%j is refused', (flag, want) => expect(() => rolloutSizes(flag)).toThrow(want));
});
