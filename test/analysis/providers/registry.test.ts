import { describe, expect, it } from 'vitest';
import { createProviderRegistry } from '../../../src/analysis/providers/registry.js';
import { MemoryCluster } from '../../../src/kube/memory-cluster.js';
import { SUPPORTED_PROVIDERS } from '../../../src/analysis/supported-providers.js';

describe('createProviderRegistry', () => {
  const registry = createProviderRegistry({ cluster: new MemoryCluster() });

  it('serves prometheus, truesplit, web and job, each under its own key', () => {
    // The registry serves exactly the one list validation reads.
    expect([...registry.keys()].sort()).toEqual([...SUPPORTED_PROVIDERS].sort());
    expect(SUPPORTED_PROVIDERS).toContain('truesplit');
    for (const [key, provider] of registry) expect(provider.type).toBe(key);
  });

  it.each([
    'datadog',
    'newRelic',
    'wavefront',
    'cloudWatch',
    'graphite',
    'influxdb',
    'skywalking',
    'kayenta',
    'plugin',
  ])('%s is not served (the controller reports it as unsupported)', (key) => {
    expect(registry.has(key)).toBe(false);
  });
});
