/**
 * The metric providers truesplit measures with, by the key a metric's `provider` uses. A key not in the map
 * (datadog, newRelic, wavefront, cloudWatch, graphite, influxdb, skywalking, kayenta, plugin, …) is not implemented:
 * the AnalysisRun controller reports it as an error naming the provider, never a pass.
 */
import type { Cluster } from '../../kube/cluster.js';
import type { MetricProviderPort } from '../provider.js';
import { createJobProvider } from './job.js';
import { createPrometheusProvider } from './prometheus.js';
import { createTrueSplitProvider } from './truesplit.js';
import { createWebProvider } from './web.js';

export interface ProviderRegistryDeps {
  /** Where `job` measurements create and read their Jobs. */
  cluster: Cluster;
  /** The Prometheus address for metrics without one (Argo's ARGO_ROLLOUTS_PROMETHEUS_ADDRESS). */
  defaultPrometheusAddress?: string;
}

export function createProviderRegistry(deps: ProviderRegistryDeps): Map<string, MetricProviderPort> {
  const prometheusDefaults =
    deps.defaultPrometheusAddress !== undefined ? { defaultAddress: deps.defaultPrometheusAddress } : {};
  const providers = [
    createPrometheusProvider(prometheusDefaults),
    createTrueSplitProvider(prometheusDefaults),
    createWebProvider(),
    createJobProvider({ cluster: deps.cluster }),
  ];
  return new Map(providers.map((provider) => [provider.type, provider]));
}
