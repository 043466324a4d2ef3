/**
 * Argo Rollouts' `Experiment` (argoproj.io/v1alpha1), only as far as truesplit touches it: `truesplit create -f`
 * creates one as written and `truesplit terminate experiment` sets `spec.terminate`. truesplit does not run
 * Experiments (an `experiment` step holds the Rollout, see compat-rules.ts).
 */
import type { KubeObject } from './meta.js';

export interface Experiment extends KubeObject {
  kind: 'Experiment';
  spec: { terminate?: boolean } & Record<string, unknown>;
  status?: { phase?: string; message?: string } & Record<string, unknown>;
}
