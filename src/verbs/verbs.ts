/**
 * Every intent verb, as data: a request names the verb and its input, `planVerb` turns it into the patches to send
 * for one Rollout. The CLI and the dashboard both build requests and send what this returns, so a verb means the
 * same thing wherever it is asked for. Pure.
 */
import type { Rollout } from '../api/rollout.js';
import type { ReplicaSet } from '../api/workloads.js';
import {
  abortPatches,
  pausePatches,
  promoteFullPatches,
  promotePatches,
  restartPatches,
  resumePatches,
  retryPatches,
  skipStepPatches,
  type RolloutPatches,
  type StepSkip,
} from './step-verbs.js';
import { replicaSetForRevision, revisionOf, setImagePatch, undoPatch } from './template-verbs.js';

export type VerbRequest =
  | { verb: 'promote' }
  | { verb: 'promote-full' }
  /** Argo's deprecated `promote --skip-current-step` / `--skip-all-steps`. */
  | { verb: 'skip-steps'; skip: StepSkip }
  | { verb: 'abort' }
  | { verb: 'retry' }
  | { verb: 'pause' }
  | { verb: 'resume' }
  /** `at`: the restart time, epoch milliseconds (now, or now plus a delay). */
  | { verb: 'restart'; at: number }
  /** `container` `*` sets every container's image. */
  | { verb: 'set-image'; container: string; image: string }
  /** `toRevision` 0: the revision before the newest. */
  | { verb: 'undo'; toRevision: number };

export type VerbName = VerbRequest['verb'];

export interface VerbPlan {
  /** What to send; empty when there is nothing to change. */
  patches: RolloutPatches;
  /** `undo`: the revision whose template is put back. */
  revision?: number;
}

/** True for verbs that read the Rollout's ReplicaSets (only `undo`, which copies a revision's template back). */
export const needsReplicaSets = (request: VerbRequest): boolean => request.verb === 'undo';

/** The patches `request` sends to `rollout`; `replicaSets` are the Rollout's own (read only by `undo`). */
export function planVerb(
  request: VerbRequest,
  rollout: Rollout,
  replicaSets: readonly ReplicaSet[],
): VerbPlan {
  switch (request.verb) {
    case 'promote':
      return { patches: promotePatches(rollout) };
    case 'promote-full':
      return { patches: promoteFullPatches(rollout) };
    case 'skip-steps':
      return { patches: skipStepPatches(rollout, request.skip) };
    case 'abort':
      return { patches: abortPatches() };
    case 'retry':
      return { patches: retryPatches() };
    case 'pause':
      return { patches: pausePatches() };
    case 'resume':
      return { patches: resumePatches() };
    case 'restart':
      return { patches: restartPatches(request.at) };
    case 'set-image':
      return { patches: { spec: setImagePatch(rollout, request.container, request.image) } };
    case 'undo': {
      const rs = replicaSetForRevision(rollout, replicaSets, request.toRevision);
      const spec = undoPatch(rollout, rs);
      return { patches: spec ? { spec } : {}, revision: revisionOf(rs) ?? 0 };
    }
  }
}
