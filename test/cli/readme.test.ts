import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('shows the real `simulate` table for examples/istio-subset', async () => {
    const [readme, golden] = await Promise.all([
      readFile('README.md', 'utf8'),
      readFile('test/golden/cli/simulate-istio-subset.txt', 'utf8'),
    ]);
    expect(readme).toContain(`node bin/truesplit.js simulate -f examples/istio-subset\n${golden}\`\`\``);
  });

  it('shows the real OBSERVED column of get rollout (test/golden/cli/live/get-observed.txt)', async () => {
    const [readme, golden] = await Promise.all([
      readFile('README.md', 'utf8'),
      readFile('test/golden/cli/live/get-observed.txt', 'utf8'),
    ]);
    const start = golden.indexOf('Traffic paths');
    expect(start).toBeGreaterThan(0);
    expect(readme).toContain(
      `--prometheus http://prometheus.istio-system:9090\n…\n${golden.slice(start, golden.indexOf('\n\n', start))}\n\`\`\``,
    );
  });
});
