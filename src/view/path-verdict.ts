/**
 * The controller's path verdict as the views show it: the `TrafficPathsConsistent` condition and the path gate's hold,
 * read from the Rollout's status as the controller wrote them, and the path table computed by the controller's own
 * code (`evaluatePaths` over the same mesh observation, endpoints from ReplicaSets) at the weight it routed. ADR 0110.
 */
import type { KubeObject } from '../api/meta.js';
import type { Rollout } from '../api/rollout.js';
import { ownedBy } from '../api/meta.js';
import { meshObservationOf, meshSourceOf, type MeshSource } from '../plan/mesh-observation.js';
import { PATHS_CONDITION, pathGateSettings, type PathGateMode } from '../plan/gate.js';
import type { Observation } from '../plan/observation.js';
import { evaluatePaths } from '../plan/paths.js';
import { PATH_GATE_PAUSE } from '../rollout/progress.js';
import { recordedTrafficState } from '../mesh/snapshot.js';
import type { ReplicaSet } from '../api/workloads.js';
import type { PathAnalysis } from './path-analysis.js';

export interface PathVerdictView {
  /** The controller's `TrafficPathsConsistent` condition; null until the controller has judged the paths. */
  condition: { status: string; reason: string; message: string; since: string | null } | null;
  gate: {
    mode: PathGateMode;
    /** The gate holds the current step (a `PathGate` pause condition). */
    holding: boolean;
    /** Why it holds (the diverging path), as the controller wrote it in status.message. */
    message: string;
    since: string | null;
  };
}

/** Undefined when the controller has written neither the condition nor a gate hold (nothing to show). */
export function pathVerdictOf(rollout: Rollout): PathVerdictView | undefined {
  const status = rollout.status;
  const written = status?.conditions?.find((c) => c.type === PATHS_CONDITION);
  const hold = status?.pauseConditions?.find((c) => c.reason === PATH_GATE_PAUSE);
  if (!written && !hold) return undefined;
  const prefix = `${PATH_GATE_PAUSE}: `;
  const message = status?.message?.startsWith(prefix) ? status.message.slice(prefix.length) : '';
  return {
    condition: written
      ? {
          status: written.status,
          reason: written.reason ?? '',
          message: written.message ?? '',
          since: written.lastTransitionTime ?? null,
        }
      : null,
    gate: {
      mode: pathGateSettings(rollout).mode,
      holding: hold !== undefined,
      message: hold ? message : '',
      since: hold?.startTime ?? null,
    },
  };
}

/**
 * The path table of a live Rollout, by the controller's code: the observation (its ReplicaSets, the mesh objects),
 * no writes, the weight and hashes its status records as routed, the gate's tolerance. Fixes included.
 */
export function controllerPathAnalysis(rollout: Rollout, objects: readonly KubeObject[]): PathAnalysis {
  return controllerPathAnalysisIn(meshSourceOf(objects), rollout);
}

/** The same, over a source indexed once for many Rollouts (the dashboard). */
export function controllerPathAnalysisIn(source: MeshSource, rollout: Rollout): PathAnalysis {
  if (!rollout.spec.strategy.canary?.trafficRouting?.istio) return { paths: [], findings: [] };
  const mesh = meshObservationOf(source, rollout);
  const replicaSets = mesh.replicaSets.filter((rs: ReplicaSet) => ownedBy(rs, rollout));
  const observation: Observation = { rollout, replicaSets, services: [], virtualServices: [], mesh };
  const truth = evaluatePaths(observation, observation, recordedTrafficState(rollout), {
    fixes: true,
    withoutReadyPods: true,
  });
  return { paths: truth?.paths ?? [], findings: truth?.findings ?? [] };
}
