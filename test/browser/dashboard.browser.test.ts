import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shareTolerance, Z_99_9 } from '../../src/sandbox/request-simulator.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';

const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));
const WEB_ROOT = fileURLToPath(new URL('../../dist/dashboard/web/', import.meta.url));
const DOCS_SCREENSHOT = fileURLToPath(new URL('../../docs/dashboard.png', import.meta.url));
const MESH_ROW = '[data-path="mesh:rollouts-demo-istio"]';

let sandbox: Sandbox;
let browser: Browser;
let page: Page;

async function shot(name: string): Promise<string> {
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

describe.skipIf(!process.env.TRUESPLIT_BROWSER_TESTS)('dashboard in Chromium (sandbox demo)', () => {
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    sandbox = await startSandbox({ port: 0, webRoot: WEB_ROOT, readyDelayMs: 300, onError: () => undefined });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-default-apps',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  it('lists the demo Rollout and opens it', async () => {
    await page.goto(sandbox.url);
    const link = page.locator('a.rollout-link', { hasText: 'istio-rollout' });
    await link.waitFor();
    await shot('01-rollouts');
    await link.click();
    await page.locator('h1', { hasText: 'istio-rollout' }).waitFor();
  });

  it('shows the mesh path at 50 % with a mesh-binding finding while the gateway gets 10 %', async () => {
    await page.locator(`${MESH_ROW} .predicted`, { hasText: '50%' }).waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-path^="gateway:"] .predicted').first().textContent()).resolves.toBe(
      '10%',
    );
    await page.locator('[data-finding="mesh-binding"]').waitFor();
    // A full window of requests at the pod-count split: 500 requests.
    await page.waitForFunction(
      (sel) => {
        const cell = document.querySelector(`${sel} .observed`);
        return (
          cell?.textContent?.includes('n=500') === true && Number(cell.getAttribute('data-observed')) > 35
        );
      },
      MESH_ROW,
      { timeout: 30_000 },
    );
    await shot('02-mesh-at-50');
  });

  it('applies the fix and the observed mesh share converges to ~10 %', async () => {
    await page.locator('[data-fix="mesh-binding:bind-mesh"]').click();
    await page.locator(`${MESH_ROW} .predicted`, { hasText: /^10%$/ }).waitFor({ timeout: 15_000 });
    const tolerance = shareTolerance(0.1, 500, Z_99_9) * 100;
    await page.waitForFunction(
      ({ sel, tol }) => {
        const cell = document.querySelector(`${sel} .observed`);
        const share = Number(cell?.getAttribute('data-observed') ?? NaN);
        return cell?.textContent?.includes('n=500') === true && Math.abs(share - 10) <= tol;
      },
      { sel: MESH_ROW, tol: tolerance },
      { timeout: 30_000 },
    );
    await expect(page.locator('[data-finding="mesh-binding"]').count()).resolves.toBe(0);
    const path = await shot('03-mesh-fixed');
    await copyFile(path, DOCS_SCREENSHOT);
  });

  it('promote advances the step', async () => {
    await expect(page.locator('[data-step="1"]').getAttribute('data-state')).resolves.toBe('current');
    await page.locator('[data-action="promote"]').click();
    await page.locator('[data-step="1"][data-state="done"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-fact="Actual weight"]', { hasText: '50%' }).waitFor({ timeout: 20_000 });
    await shot('04-promoted');
  });
});
