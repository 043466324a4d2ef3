/** Labels and annotations shared with Argo Rollouts: clients and users depend on these exact strings. */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
export const MANAGED_BY_ANNOTATION = 'argo-rollouts.argoproj.io/managed-by-rollouts';
export const SCALE_DOWN_DEADLINE_ANNOTATION = 'scale-down-deadline';
export const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';
export const DESIRED_REPLICAS_ANNOTATION = 'rollout.argoproj.io/desired-replicas';
export const EPHEMERAL_METADATA_ANNOTATION = 'rollout.argoproj.io/ephemeral-metadata';
export const INSTANCE_ID_LABEL = 'argo-rollouts.argoproj.io/controller-instance-id';

/** truesplit's own annotations. */
export const PATH_GATE_ANNOTATION = 'truesplit.io/path-gate';
export const PATH_TOLERANCE_ANNOTATION = 'truesplit.io/path-tolerance';
export const PROPAGATION_TIMEOUT_ANNOTATION = 'truesplit.io/propagation-timeout';

export const ROLLOUT_API_VERSION = 'argoproj.io/v1alpha1';
export const ISTIO_NETWORKING_GROUP = 'networking.istio.io';
