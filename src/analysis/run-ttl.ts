/**
 * When a completed AnalysisRun is deleted by its `ttlStrategy` (Argo's `isAnalysisRunTtlExceeded`):
 * `secondsAfterSuccess` for a Successful run, `secondsAfterFailure` for a Failed one, else `secondsAfterCompletion`;
 * the run goes once the whole seconds since `completedAt` exceed that number.
 */
import type { AnalysisRun } from '../api/analysis.js';
import { parseTime } from '../util/time.js';
import { isCompleted } from './metric-rules.js';

/** Epoch ms from which the run is deleted, or undefined when it is kept. */
export function ttlDeleteAt(run: AnalysisRun): number | undefined {
  const ttl = run.spec.ttlStrategy;
  const phase = run.status?.phase;
  const completedAt = parseTime(run.status?.completedAt);
  if (!ttl || !isCompleted(phase) || completedAt === undefined) return undefined;
  let seconds: number | undefined;
  if (phase === 'Successful' && ttl.secondsAfterSuccess !== undefined) seconds = ttl.secondsAfterSuccess;
  else if (phase === 'Failed' && ttl.secondsAfterFailure !== undefined) seconds = ttl.secondsAfterFailure;
  else seconds = ttl.secondsAfterCompletion;
  return seconds === undefined ? undefined : completedAt + (seconds + 1) * 1000;
}
