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
});
