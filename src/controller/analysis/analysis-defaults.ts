/**
 * What the controller process measures with: the provider implementations, by provider key, and the condition
 * evaluator. Each provider implementation registers itself in `defaultProviders`; a key left out is measured as an
 * Error naming it ("provider datadog is not supported by truesplit"), never a pass.
 */
import type { ConditionEvaluator } from '../../analysis/condition-port.js';
import type { MetricProviderPort } from '../../analysis/provider.js';
import type { Cluster } from '../../kube/cluster.js';
import type { Clock } from '../../kube/clock.js';

export interface ProviderDeps {
  /** For providers that create objects (job): writes are fenced by leader election like every other write. */
  cluster: Cluster;
  clock: Clock;
}

/** The registry the controller process measures with. */
export function defaultProviders(_deps: ProviderDeps): Map<string, MetricProviderPort> {
  const registry = new Map<string, MetricProviderPort>();
  // Provider implementations (src/analysis/providers/) are registered here: registry.set(p.type, p).
  return registry;
}

/**
 * Used when the process is given no evaluator: every condition evaluates to an error, so a metric with conditions
 * measures Error (and its run ends in Error) instead of passing unchecked.
 */
export const unavailableConditionEvaluator: ConditionEvaluator = () => ({
  ok: false,
  error: 'no condition evaluator is configured in this controller',
});
