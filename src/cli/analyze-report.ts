/** The report of `truesplit analyze` (manifests, and `--live` on a cluster), as data before it is rendered. */
import { objectKey } from '../api/meta.js';
import type { Finding, TrafficPath } from '../mesh/index.js';
import { sortFindings } from '../mesh/index.js';
import type { ManifestAnalysis } from '../mesh/simulate-paths.js';
import type { PathVerdictView } from '../view/path-verdict.js';
import { describeStep } from './step-action.js';

/** `--live`: one Rollout as it runs now, analysed on its live pods. */
export interface LiveMoment {
  phase: string;
  message: string;
  /** `current/total`, null without steps. */
  step: string | null;
  canaryWeight: number;
  paths: LivePath[];
  /** The Prometheus the observed shares were read from (`--prometheus` and the like), when one is configured. */
  observedFrom?: string;
  /** Codes of the findings raised now (listed in full under `findings`). */
  findings: string[];
  /** The controller's path verdict (TrafficPathsConsistent and the gate), when it has written one. */
  pathVerdict?: PathVerdictView;
}

/** A path now, with what it was observed to get when Prometheus was asked (share null below the sample size). */
export type LivePath = TrafficPath & {
  observed?: { share: number | null; canaryRequests: number; totalRequests: number; callers: string[] };
};

/** The JSON shape of `truesplit analyze -o json`. */
export interface AnalyzeReport {
  rollouts: {
    rollout: string;
    steps: { index: number; step: string; canaryWeight: number; paths: TrafficPath[] }[];
    live?: LiveMoment;
  }[];
  findings: Finding[];
}

export function buildAnalyzeReport(result: ManifestAnalysis): AnalyzeReport {
  const rollouts = result.rollouts.map(({ rollout, analysis }) => ({
    rollout: objectKey(rollout),
    steps: analysis.steps.map((s) => ({
      index: s.index,
      step: describeStep(s.step ?? null),
      canaryWeight: s.canaryWeight,
      paths: s.paths,
    })),
  }));
  const findings = result.rollouts.flatMap(({ analysis }) => analysis.findings);
  return { rollouts, findings: sortFindings(findings) };
}
