import { stringify } from 'yaml';
import type { SimulatedRollout, SimulateReport, SimulateReportStep } from './simulate-report.js';

const STREAM_HEADER = [
  'truesplit simulate --render: the VirtualServices and DestinationRules as truesplit writes them at each step.',
  "rollouts-pod-template-hash values are the simulation's (stable: the template as given; canary: a simulated next",
  "revision); in a cluster they are the hashes of the Rollout's ReplicaSets.",
];

/** `# …` lines; a line break inside a value never escapes the comment. */
function comment(lines: readonly string[]): string {
  return lines.map((line) => `# ${line.replace(/\n/g, ' ')}`.trimEnd()).join('\n') + '\n';
}

function stepHeader(rollout: SimulatedRollout, row: SimulateReportStep): string {
  const last = rollout.steps.length - 1;
  const lines = [
    `Rollout ${rollout.rollout}, step ${row.index} of ${last}: ${row.action}`,
    `traffic: canary ${row.canaryWeight}%, stable ${row.stableWeight}%; pods: canary ${row.replicas.canary}, stable ${row.replicas.stable}`,
  ];
  if ((row.objects ?? []).length === 0) {
    lines.push('no VirtualService or DestinationRule to write: the Rollout has no Istio traffic routing');
  }
  return comment(lines);
}

function documents(row: SimulateReportStep): string {
  return (row.objects ?? []).map((object) => `---\n${stringify(object, { lineWidth: 0 })}`).join('');
}

/**
 * `simulate --render -o yaml`: the VirtualServices and DestinationRule each step leaves in the cluster, as one
 * multi-document YAML stream. Every step starts with a comment naming the Rollout, the step and its weights, so a
 * GitOps user can diff what truesplit writes between steps (the `objects` of `SimulateReport`, built with `render`).
 */
export function renderSimulateManifests(report: SimulateReport): string {
  const steps = report.rollouts.flatMap((rollout) =>
    rollout.steps.map((row) => stepHeader(rollout, row) + documents(row)),
  );
  return [comment(STREAM_HEADER), ...steps].join('\n');
}
