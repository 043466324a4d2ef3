/**
 * What the controller process measures with: the provider implementations, by provider key, and the condition
 * evaluator. A provider key left out of the registry is measured as an Error naming it ("provider datadog is not
 * supported by truesplit"), never a pass.
 */
import { evaluateCondition } from '../../analysis/condition/evaluate.js';
import type { ConditionEvaluator } from '../../analysis/condition-port.js';
import type { MetricProviderPort } from '../../analysis/provider.js';
import { createProviderRegistry } from '../../analysis/providers/registry.js';
import type { Cluster } from '../../kube/cluster.js';

export interface ProviderDeps {
  /** For providers that create objects (job): writes are fenced by leader election like every other write. */
  cluster: Cluster;
  /** `--prometheus-address`: the address a `prometheus` metric without `address` queries. */
  defaultPrometheusAddress?: string;
}

/** The registry the controller process measures with: prometheus, web and job (src/analysis/providers/). */
export function defaultProviders(deps: ProviderDeps): Map<string, MetricProviderPort> {
  return createProviderRegistry(deps);
}

/** expr-lang conditions, evaluated without running user code (src/analysis/condition/). */
export const defaultConditionEvaluator: ConditionEvaluator = evaluateCondition;
