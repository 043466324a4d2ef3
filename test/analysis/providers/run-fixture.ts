/** An AnalysisRun and a MeasureRequest for one metric, for the provider tests. */
import type { AnalysisRun, Metric, MetricProvider } from '../../../src/api/analysis.js';
import type { MeasureRequest } from '../../../src/analysis/provider.js';

export const NOW = new Date('2026-05-04T10:00:00.000Z');

export function analysisRun(
  metrics: Metric[] = [],
  uid = '0f9d6c3e-8a2b-4c1d-9e7f-123456789abc',
): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'shop-6d4f8c-2-1', namespace: 'shop', uid },
    spec: { metrics },
  };
}

export function measureRequest(
  provider: MetricProvider,
  extra: Partial<MeasureRequest> = {},
): MeasureRequest {
  const metric: Metric = { name: 'error-rate', provider };
  return { run: analysisRun([metric]), metric, now: NOW, ...extra };
}
