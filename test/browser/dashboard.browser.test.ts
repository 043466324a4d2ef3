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
    sandbox = await startSandbox({
      port: 0,
      webRoot: WEB_ROOT,
      readyDelayMs: 300,
      // The analysis step measures every second, long enough to watch it run and flip the canary mid-way.
      analysisInterval: '1s',
      analysisCount: 15,
      onError: () => undefined,
    });
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
    expect(header).toBe(`${current}/5`);
    expect(header).toBe(`${(await apiView()).currentStep}/5`);
  });

  it('promote advances the step', async () => {
    await expect(page.locator('[data-step="1"]').getAttribute('data-state')).resolves.toBe('current');
    await page.locator('[data-action="promote"]').click();
    await page.locator('[data-step="1"][data-state="done"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-fact="Actual weight"]', { hasText: '50%' }).waitFor({ timeout: 20_000 });
    // setWeight 50 (step 2) is done at once; the Rollout measures the canary at step 3, and header and list say so.
    await page.locator('[data-fact="Step"]', { hasText: '3/5' }).waitFor({ timeout: 20_000 });
    await expect(page.locator('[data-state="current"] .step-dot').textContent()).resolves.toBe('3');
    await shot('04-promoted');
  });

  it('shows the step analysis under its revision, its measurements charted against both conditions', async () => {
    const run = page.locator('.analysis-card [data-run][data-run-phase="Running"]');
    await run.waitFor({ timeout: 20_000 });
    const name = await run.getAttribute('data-run');
    expect(name).toMatch(/^istio-rollout-[a-z0-9]+-2-3$/);
    // Under the canary's revision, in the revisions card and in the analysis card alike.
    await page.locator(`.revision.role-canary [data-run-line="${name}"]`).waitFor();
    await page.locator(`.analysis-revision[data-revision="2"] [data-run="${name}"]`).waitFor();
    const chart = run.locator('svg[data-metric="error-rate"]');
    await chart.locator('[data-phase="Successful"]').first().waitFor({ timeout: 20_000 });
    await expect(
      chart.locator('[data-threshold]').evaluateAll((g) => g.map((e) => e.getAttribute('data-threshold'))),
    ).resolves.toEqual(['success', 'failure']);
    await expect(run.locator('[data-condition] code').allTextContents()).resolves.toEqual([
      'result < 0.05',
      'result >= 0.1',
    ]);
    await expect(page.locator('[data-canary-health]').getAttribute('data-canary-health')).resolves.toBe(
      'healthy',
    );
    await shot('05-analysis-running');
  });

  it('flipping the canary to failing fails the run, charts the failed measurements and aborts the Rollout', async () => {
    await page.locator('[data-canary="failing"]').click();
    await page.locator('[data-canary-health="failing"]').waitFor();
    const failed = page.locator('.analysis-card [data-run][data-run-phase="Failed"]');
    await failed.waitFor({ timeout: 20_000 });
    await expect(failed.locator('svg[data-metric="error-rate"] [data-phase="Failed"]').count()).resolves.toBe(
      2,
    );
    await expect(failed.locator('[data-counts]').textContent()).resolves.toMatch(/^✔ \d+,✖ 2$/);
    await page.locator('h1 [data-phase="Degraded"]').waitFor({ timeout: 20_000 });
    const message = (await apiView()).message;
    expect(message).toMatch(
      /^RolloutAborted: Rollout aborted update to revision 2: Step-based analysis phase error\/failed: Metric "error-rate" assessed Failed due to failed \(2\) > failureLimit \(1\)$/,
    );
    await page.locator('.page-head p', { hasText: message }).waitFor();
    await page.locator('[data-fact="Actual weight"]', { hasText: /^0%$/ }).waitFor({ timeout: 20_000 });
    await shot('06-analysis-failed');
  });

  it('back to healthy, retry and promote: a new run passes and the Rollout advances past the analysis', async () => {
    await page.locator('[data-canary="healthy"]').click();
    await page.locator('[data-canary-health="healthy"]').waitFor();
    await page.locator('[data-action="retry"]').click();
    await page.locator('[data-step="1"][data-state="current"]').waitFor({ timeout: 20_000 });
    await page.locator('h1 [data-phase="Paused"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-action="promote"]').click();
    const passed = page.locator('.analysis-card [data-run][data-run-phase="Successful"]');
    await passed.waitFor({ timeout: 40_000 });
    await expect(passed.locator('[data-counts]').textContent()).resolves.toBe('✔ 15');
    await page.locator('[data-fact="Step"]', { hasText: '4/5' }).waitFor({ timeout: 20_000 });
    const runs = await page
      .locator('.analysis-card [data-run]')
      .evaluateAll((all) => all.map((el) => el.getAttribute('data-run-phase')));
    expect(runs.sort()).toEqual(['Failed', 'Successful']);
    await shot('07-analysis-passed');
  });
});
