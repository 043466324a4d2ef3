/** The rows of `truesplit list rollouts`: one line per Rollout, the columns of `kubectl argo rollouts list`. */
import type { Rollout } from '../../api/rollout.js';
import type { Cluster } from '../../kube/cluster.js';
import type { RolloutView } from '../../view/rollout-view.js';
import { buildRolloutView } from '../../view/rollout-view.js';
import { livePhase } from './phase.js';

/** One Rollout as `list rollouts -o json` prints it. */
export interface RolloutRow {
  namespace: string;
  name: string;
  strategy: string;
  status: string;
  message: string;
  /** `current/total`, `-` without steps. */
  step: string;
  /** The desired canary weight, null for a Rollout that is not a canary. */
  setWeight: number | null;
  ready: number;
  /** Pods the Rollout has now (status.replicas). */
  current: number;
  desired: number;
  upToDate: number;
  available: number;
}

const STRATEGY_LABEL: Record<RolloutView['strategy'], string> = {
  canary: 'Canary',
  blueGreen: 'BlueGreen',
  unknown: '-',
};

export function rolloutRow(rollout: Rollout): RolloutRow {
  const view = buildRolloutView({ rollout, replicaSets: [], pods: [], phase: livePhase(rollout) });
  return {
    namespace: view.namespace,
    name: view.name,
    strategy: STRATEGY_LABEL[view.strategy],
    status: view.phase,
    message: view.message,
    step: view.currentStep === null ? '-' : `${view.currentStep}/${view.steps.length}`,
    setWeight: view.strategy === 'canary' ? view.weights.desired : null,
    ready: view.replicas.ready,
    current: view.replicas.current,
    desired: view.replicas.desired,
    upToDate: view.replicas.updated,
    available: view.replicas.available,
  };
}

/** Every Rollout in `namespace` (undefined: all namespaces), by namespace then name. */
export async function readRolloutRows(
  cluster: Cluster,
  namespace: string | undefined,
): Promise<RolloutRow[]> {
  const { items } = await cluster.list('Rollout', namespace === undefined ? {} : { namespace });
  return items
    .map(rolloutRow)
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

export const ROW_HEADERS = [
  'NAME',
  'STRATEGY',
  'STATUS',
  'STEP',
  'SET-WEIGHT',
  'READY',
  'DESIRED',
  'UP-TO-DATE',
  'AVAILABLE',
] as const;

/** Table cells; READY is ready/current, as `kubectl argo rollouts list` prints it. */
export function rowCells(row: RolloutRow, withNamespace: boolean): string[] {
  const cells = [
    row.name,
    row.strategy,
    row.status,
    row.step,
    row.setWeight === null ? '-' : String(row.setWeight),
    `${row.ready}/${row.current}`,
    String(row.desired),
    String(row.upToDate),
    String(row.available),
  ];
  return withNamespace ? [row.namespace, ...cells] : cells;
}
