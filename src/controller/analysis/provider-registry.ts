/**
 * Which MetricProviderPort measures a metric: the implementation registered for the metric's provider key. A
 * provider truesplit has no implementation for is an Error measurement naming it — never a pass.
 */
import type { Metric } from '../../api/analysis.js';
import type { MetricProviderPort } from '../../analysis/provider.js';
import { providerKeys } from '../../analysis/run-validate.js';
import { NO_PROVIDER_MESSAGE } from '../../analysis/supported-providers.js';

/** Provider implementations by key (`prometheus`, `web`, `job`, …); filled by whoever builds the controller. */
export type ProviderRegistry = ReadonlyMap<string, MetricProviderPort>;

export function providerFor(
  metric: Metric,
  registry: ProviderRegistry,
): { ok: true; provider: MetricProviderPort } | { ok: false; error: string } {
  const keys = providerKeys(metric);
  if (keys.length === 0) return { ok: false, error: NO_PROVIDER_MESSAGE };
  if (keys.length > 1) return { ok: false, error: 'multiple providers specified' };
  const key = keys[0] ?? '';
  const provider = registry.get(key);
  if (!provider) return { ok: false, error: `provider ${key} is not supported by truesplit` };
  return { ok: true, provider };
}

/** The provider type as Argo's metrics label it (`Prometheus`, `Web`, `Job`, …). */
export function providerTypeLabel(metric: Metric): string {
  const key = providerKeys(metric)[0];
  if (!key) return 'Unknown Provider';
  if (key.startsWith('plugin:')) return 'RPCPlugin';
  return key.charAt(0).toUpperCase() + key.slice(1);
}
