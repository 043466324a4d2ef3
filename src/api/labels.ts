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
/** Where Istio's telemetry is (a Prometheus base URL), the window read and the requests a share needs (ADR 0180). */
export const PROMETHEUS_ADDRESS_ANNOTATION = 'truesplit.io/prometheus-address';
export const OBSERVED_WINDOW_ANNOTATION = 'truesplit.io/observed-window';
export const PATH_MIN_SAMPLES_ANNOTATION = 'truesplit.io/path-min-samples';
/** Istio's per-revision label (`destination_canonical_revision` in its metrics; ADR 0181). */
export const CANONICAL_REVISION_LABEL = 'service.istio.io/canonical-revision';

export const ROLLOUT_API_VERSION = 'argoproj.io/v1alpha1';
export const ISTIO_NETWORKING_GROUP = 'networking.istio.io';
