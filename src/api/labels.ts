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
/** What the path gate judges: the model's `predicted` shares, the `observed` ones (Istio telemetry), or `both`. */
export const PATH_GATE_SOURCE_ANNOTATION = 'truesplit.io/path-gate-source';
/** The Prometheus that holds Istio's telemetry, overriding the controller's `--prometheus-address`. */
export const PROMETHEUS_ADDRESS_ANNOTATION = 'truesplit.io/prometheus-address';
/** The window (a PromQL duration) of the observed split. */
export const OBSERVED_WINDOW_ANNOTATION = 'truesplit.io/observed-window';
/** Requests a path needs in the window before its observed share is judged. */
export const PATH_MIN_SAMPLES_ANNOTATION = 'truesplit.io/path-min-samples';

/** Istio's per-revision pod label (`destination_canonical_revision`); truesplit sets it to the pod-template hash. */
export const CANONICAL_REVISION_LABEL = 'service.istio.io/canonical-revision';
/** How long a written routing change may take to be in effect before the Rollout goes on (ADR 0275). */
export const PROPAGATION_TIMEOUT_ANNOTATION = 'truesplit.io/propagation-timeout';

export const ROLLOUT_API_VERSION = 'argoproj.io/v1alpha1';
export const ISTIO_NETWORKING_GROUP = 'networking.istio.io';
