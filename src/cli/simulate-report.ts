import type { LoadedObject } from '../api/loader.js';
import { objectKey } from '../api/meta.js';
import type { CanaryStep } from '../api/rollout.js';
import type { LoadedRollout } from '../api/validate-manifests.js';
import type { Finding } from '../mesh/types.js';
import { simulateRollout } from '../rollout/simulate.js';
import { renderTable } from './output.js';
import type { Style } from './output.js';
import { describeStep } from './step-action.js';

/** One row of `truesplit simulate`: the state once the step has been reached. */
export interface SimulateReportStep {
  index: number;
  /** The step as written; null for the final, fully promoted row. */
  step: CanaryStep | null;
  /** The step as people read it: "setWeight 10", "pause 30s", "promoted". */
  action: string;
  canaryWeight: number;
  stableWeight: number;
  replicas: { stable: number; canary: number };
}

export interface SimulatedRollout {
  /** `namespace/name`. */
  rollout: string;
  file: string;
  line: number;
  steps: SimulateReportStep[];
}

export interface SimulateReport {
  rollouts: SimulatedRollout[];
  findings: Finding[];
}

/** Switches for what the report contains; later: per-step traffic paths, rendered objects. */
export type SimulateOptions = Record<string, never>;

/**
 * The whole `simulate` report, the one place its JSON/YAML shape is assembled. `objects` is every input object
 * (Services, VirtualServices, …) for the parts of the report that look beyond the Rollout.
 */
export function buildSimulateReport(
  rollouts: readonly LoadedRollout[],
  _objects: readonly LoadedObject[],
  _opts: SimulateOptions = {},
): SimulateReport {
  return { rollouts: rollouts.map(simulateOne), findings: [] };
}

function simulateOne({ object: rollout, file, line }: LoadedRollout): SimulatedRollout {
  const steps = simulateRollout(rollout).map((entry): SimulateReportStep => ({
    index: entry.index,
    step: entry.step,
    action: describeStep(entry.step),
    canaryWeight: entry.canaryWeight,
    stableWeight: entry.stableWeight,
    replicas: { stable: entry.replicas.stable, canary: entry.replicas.canary },
  }));
  return { rollout: objectKey(rollout), file, line, steps };
}

const TABLE_HEADERS = ['STEP', 'ACTION', 'CANARY %', 'STABLE %', 'CANARY PODS', 'STABLE PODS'];

/** The table for people: one block per Rollout, one row per step. */
export function renderSimulateTable(report: SimulateReport, style: Style): string {
  return report.rollouts
    .map((simulated) => {
      const rows = simulated.steps.map((row) => [
        String(row.index),
        row.action,
        String(row.canaryWeight),
        String(row.stableWeight),
        String(row.replicas.canary),
        String(row.replicas.stable),
      ]);
      const title = style.bold(`Rollout ${simulated.rollout}`) + style.dim(` (${simulated.file})`);
      return `${title}\n${renderTable(TABLE_HEADERS, rows, { styleHeader: style.dim })}`;
    })
    .join('\n');
}
