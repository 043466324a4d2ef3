import { describe, expect, it } from 'vitest';
import type { AnalysisPhase, AnalysisRun } from '../../src/api/analysis.js';
import { ttlDeleteAt } from '../../src/analysis/run-ttl.js';
import { run, T0 } from './run-driver.js';

const ttl = { secondsAfterSuccess: 10, secondsAfterFailure: 20, secondsAfterCompletion: 30 };
const completed = (phase: AnalysisPhase, strategy: AnalysisRun['spec']['ttlStrategy']): AnalysisRun => ({
  ...run([], strategy ? { ttlStrategy: strategy } : {}),
  status: { phase, completedAt: '2026-01-01T00:00:00Z' },
});

describe('ttlDeleteAt (Argo isAnalysisRunTtlExceeded: whole seconds since completedAt > TTL)', () => {
  const rows: [string, AnalysisRun, number | undefined][] = [
    ['Successful uses secondsAfterSuccess', completed('Successful', ttl), T0 + 11_000],
    ['Failed uses secondsAfterFailure', completed('Failed', ttl), T0 + 21_000],
    ['Error uses secondsAfterCompletion', completed('Error', ttl), T0 + 31_000],
    [
      'Successful without secondsAfterSuccess falls back',
      completed('Successful', { secondsAfterCompletion: 5 }),
      T0 + 6000,
    ],
    [
      'TTL 0 deletes from the next whole second',
      completed('Inconclusive', { secondsAfterCompletion: 0 }),
      T0 + 1000,
    ],
    ['no ttlStrategy: kept', completed('Successful', undefined), undefined],
    ['running: kept', { ...completed('Running', ttl) }, undefined],
  ];
  it.each(rows)('%s', (_name, r, at) => expect(ttlDeleteAt(r)).toBe(at));
});
