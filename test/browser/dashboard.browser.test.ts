import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shareTolerance, Z_99_9 } from '../../src/sandbox/request-simulator.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import type { RolloutView } from '../../src/view/rollout-view.js';

const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));
const WEB_ROOT = fileURLToPath(new URL('../../dist/dashboard/web/', import.meta.url));
const DOCS_SCREENSHOT = fileURLToPath(new URL('../../docs/dashboard.png', import.meta.url));
const MESH_ROW = '[data-path="mesh:rollouts-demo-istio"]';

let sandbox: Sandbox;
let browser: Browser;
let page: Page;

/** The Rollout as the REST API gives it (with the bearer token, as a script would). */
async function apiView(): Promise<RolloutView> {
  const res = await fetch(new URL('api/v1/rollouts/rollouts-demo-istio/istio-rollout', sandbox.url), {
    headers: { Authorization: `Bearer ${sandbox.token}` },
  });
  return (await res.json()) as RolloutView;
}

function countBySeverity(view: RolloutView): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const severity of ['error', 'warning', 'info']) {
    const n = view.findings.filter((f) => f.severity === severity).length;
    if (n > 0) counts[severity] = n;
  }
  return counts;
}

/** The severity counts the list shows for the demo Rollout's row. */
async function rowSeverityCounts(): Promise<Record<string, number>> {
  const cells = page.locator('[data-rollout="rollouts-demo-istio/istio-rollout"] [data-severity]');
  const pairs = await cells.evaluateAll((els) =>
    els.map((el) => [el.getAttribute('data-severity')!, Number(el.getAttribute('data-count'))] as const),
  );
  return Object.fromEntries(pairs);
}

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

  it('without the login URL the dashboard answers 401 and shows no Rollout', async () => {
    const res = await page.goto(sandbox.url);
    expect(res?.status()).toBe(401);
    await expect(page.locator('body').textContent()).resolves.toMatch(/login URL/);
    await expect(page.locator('body').textContent()).resolves.not.toMatch(/istio-rollout/);
  });

  it('the login URL sets the session cookie and lands on a clean URL', async () => {
    await page.goto(sandbox.loginUrl);
    expect(page.url()).toBe(sandbox.url);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookie?.value).not.toContain(sandbox.token);
    await expect(page.evaluate(() => document.cookie)).resolves.toBe('');
  });

  it('lists the demo Rollout with a summary and per-severity counts, and opens it', async () => {
    const link = page.locator('a.rollout-link', { hasText: 'istio-rollout' });
    await link.waitFor();
    await page.locator('[data-overview] [data-total="1"]').waitFor();
    await page.locator('[data-overview] [data-phase-count]').first().waitFor();
    // The list's counts are the API view's findings counted per severity (they change as pods start).
    const mismatch = async () => {
      const [shown, api] = [await rowSeverityCounts(), countBySeverity(await apiView())];
      return JSON.stringify(shown) === JSON.stringify(api)
        ? 'same'
        : `${JSON.stringify(shown)} vs ${JSON.stringify(api)}`;
    };
    await expect.poll(mismatch, { timeout: 15_000 }).toBe('same');
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

  it('labels every path the same in the table and in the findings, as the CLI does', async () => {
    const tableLabels = await page.locator('[data-path] td:first-child').allTextContents();
    const findingLabels = (
      await page.locator('[data-finding] .finding-head .muted').allTextContents()
    ).flatMap((text) => text.split(' · '));
    expect(findingLabels.length).toBeGreaterThan(0);
    for (const label of findingLabels) expect(tableLabels.some((t) => t.endsWith(label))).toBe(true);
    expect(tableLabels.join('\n')).not.toContain('any other namespace');
  });

  it('shows every line of a fix (wrapped, nothing cut off)', async () => {
    await page.setViewportSize({ width: 900, height: 1000 });
    await page.locator('[data-finding] details').evaluateAll((all) => {
      for (const details of all) (details as HTMLDetailsElement).open = true;
    });
    const fixes = page.locator('[data-finding] pre.yaml');
    await fixes.first().waitFor();
    const hidden = await fixes.evaluateAll((pres) =>
      pres.map((pre) => {
        const card = pre.closest('.card')!.getBoundingClientRect();
        const box = pre.getBoundingClientRect();
        return {
          scrollsSideways: pre.scrollWidth > pre.clientWidth,
          outsideCard: box.right > card.right + 0.5,
          outsideWindow: box.right > document.documentElement.clientWidth,
        };
      }),
    );
    await shot('03b-fix-narrow');
    await page.setViewportSize({ width: 1360, height: 1000 });
    expect(hidden.length).toBeGreaterThan(0);
    for (const h of hidden)
      expect(h).toEqual({ scrollsSideways: false, outsideCard: false, outsideWindow: false });
  });

  it('the header step and the highlighted step are the same number, as in get rollout', async () => {
    const header = await page.locator('[data-fact="Step"]').textContent();
    const current = await page.locator('[data-state="current"] .step-dot').textContent();
    expect(header).toBe(`${current}/4`);
    expect(header).toBe(`${(await apiView()).currentStep}/4`);
  });

  it('promote advances the step', async () => {
    await expect(page.locator('[data-step="1"]').getAttribute('data-state')).resolves.toBe('current');
    await page.locator('[data-action="promote"]').click();
    await page.locator('[data-step="1"][data-state="done"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-fact="Actual weight"]', { hasText: '50%' }).waitFor({ timeout: 20_000 });
    // setWeight 50 (step 2) is done at once; the Rollout pauses at step 3, and header and list say so alike.
    await page.locator('[data-fact="Step"]', { hasText: '3/4' }).waitFor({ timeout: 20_000 });
    await expect(page.locator('[data-state="current"] .step-dot').textContent()).resolves.toBe('3');
    await shot('04-promoted');
  });
});
