/** The traffic-path model's output (`src/mesh`, `analyzeRollout`) as the view reads it. */
import type { Finding, PathKind, Severity, TrafficPath } from '../mesh/types.js';

export type { PathKind };
export type FindingSeverity = Severity;
export type AnalyzedPath = TrafficPath;
export type AnalyzedFinding = Finding;

export interface PathAnalysis {
  paths: AnalyzedPath[];
  findings: AnalyzedFinding[];
}
