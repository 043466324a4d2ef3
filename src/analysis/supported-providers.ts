/**
 * The metric providers truesplit measures with — the one list validation, the AnalysisRun controller and
 * the docs read. A provider key Argo Rollouts knows but that is not here is an error naming it, never a pass.
 */
export const SUPPORTED_PROVIDERS: readonly string[] = ['prometheus', 'web', 'job', 'truesplit'];

/** Every provider key Argo Rollouts defines (pkg/apis/rollouts/v1alpha1/analysis_types.go, MetricProvider). */
export const ARGO_PROVIDERS: readonly string[] = [
  'prometheus',
  'web',
  'job',
  'datadog',
  'newRelic',
  'wavefront',
  'kayenta',
  'cloudWatch',
  'graphite',
  'influxdb',
  'skywalking',
  'plugin',
];

/** Why truesplit cannot measure with `provider` (a key of `metric.provider`), or undefined when it can. */
export function unsupportedProviderMessage(provider: string): string | undefined {
  if (SUPPORTED_PROVIDERS.includes(provider)) return undefined;
  const supported = `supported: ${SUPPORTED_PROVIDERS.join(', ')}`;
  if (ARGO_PROVIDERS.includes(provider))
    return `provider ${provider} is not supported by truesplit (${supported})`;
  return `unknown provider ${provider} (${supported})`;
}

/**
 * A metric with no provider key. Argo's own AnalysisTemplate/AnalysisRun CRDs define a fixed set of provider keys, and
 * the API server prunes any other (truesplit's `truesplit` provider among them) without an error: the metric then
 * reaches truesplit with an empty provider, so the message says what most likely happened (ADR 0134, 0205).
 */
export const NO_PROVIDER_MESSAGE =
  "no provider specified (a provider key the installed CRD does not define is pruned by the API server: truesplit's own `truesplit` provider needs truesplit's analysis CRDs from deploy/crds, not Argo Rollouts')";
