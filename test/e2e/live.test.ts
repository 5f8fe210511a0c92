/**
 * Live mode in a real Chromium over the browser bridge and the real engine. Two dev
 * speakers are enrolled through the engine; then Chromium's fake microphone plays held-out clips:
 * speaker A's verified live as A must be accepted before the clip ends, B's verified as A must be
 * rejected, and Identify's live mode must name B as the one speaking. Accept/reject are asserted
 * with the trained model only (models/default); with a random model the flow alone is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Engine } from '../../src/engine';
import { chromiumMissingReason } from './chromium';
import { openAppPage } from './page';
import { ensureBuilt } from './build';
import { concatToWav, DATA } from './fixtures';
import { DEFAULT_MODEL, makeRandomModel, trainedModelPresent } from './model';

const ROOT = join(import.meta.dirname, '../..');
const SHOTS = join(ROOT, 'test-artifacts/screenshots');
const DOC_SHOTS = join(ROOT, 'docs/screenshots');
const LIBRI = join(DATA, 'librispeech/test-other');
const clip = (spk: string, n: number) => join(LIBRI, spk, `${spk}-${spk === '1688' ? '142285' : '15444'}-${String(n).padStart(4, '0')}.flac`);
const A = { name: 'Winam', id: '1688' };
const B = { name: 'Sonja', id: '1998' };

const skip = chromiumMissingReason();

describe.skipIf(skip)('Live mode in Chromium over the real engine', () => {
  let tmp: string;
  let web: Awaited<ReturnType<typeof import('../../src/bridge/web').startWeb>>;
  let trained = false;
  const browsers: Browser[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'vp-e2e-live-'));
    mkdirSync(SHOTS, { recursive: true });
    trained = trainedModelPresent();
    const modelDir = trained ? DEFAULT_MODEL : await makeRandomModel(join(tmp, 'random-model'));
    const storeDir = join(tmp, 'store');
    const engine = await Engine.open({ storeDir, modelDir });
    for (const s of [A, B]) await engine.enroll(s.name, [0, 1, 2].map((n) => ({ path: clip(s.id, n) })));
    engine.dispose();
    const { startWeb } = await import('../../src/bridge/web');
    web = await startWeb({ storeDir, modelDir, log: (l) => problems.push(l) });
  }, 600_000);

  afterAll(async () => {
    for (const b of browsers) await b.close().catch(() => {});
    await web?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const openApp = (micWav: string): Promise<Page> => openAppPage(web.bridge.launchUrl, micWav, browsers, problems);
  const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('button', { name, exact: false }).first().click();

  /** Starts live verification against A and waits for the decision while the microphone still runs. */
  async function liveVerify(page: Page): Promise<{ verdict: string; decidedAt: number }> {
    await nav(page, 'Verify');
    await page.getByLabel('Claimed speaker').selectOption(A.name);
    await page.getByRole('radio', { name: 'Live' }).click();
    await expect.poll(() => page.getByTestId('live-hint').textContent()).toMatch(/reliable decision needs about \d+ s of speech/);
    await page.getByRole('button', { name: 'Start live' }).click();
    const verdict = page.getByTestId('live-verdict');
    await verdict.waitFor({ timeout: 90_000 });
    // Decided while recording: the Stop button is still there.
    expect(await page.getByRole('button', { name: 'Stop' }).isVisible()).toBe(true);
    await page.locator('.uplot canvas').first().waitFor();
    const decidedAt = Number((await page.getByTestId('live-decided-at').locator('.num').textContent())!.trim());
    return { verdict: (await verdict.textContent())!.trim(), decidedAt };
  }

  it('accepts the genuine speaker before the clip ends, rejects an impostor, and names who is speaking', async () => {
    const micA = await concatToWav([5, 6].map((n) => clip(A.id, n)), join(tmp, 'mic-a.wav'));
    const micB = await concatToWav([5, 6].map((n) => clip(B.id, n)), join(tmp, 'mic-b.wav'));

    let page = await openApp(micA.path);
    const genuine = await liveVerify(page);
    await page.screenshot({ path: join(SHOTS, '20-verify-live.png'), animations: 'disabled' });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Start live' }).waitFor({ timeout: 30_000 });
    console.log(`e2e live: genuine ${genuine.verdict} at ${genuine.decidedAt} s of speech (clip ${micA.seconds.toFixed(1)} s)`);
    expect(genuine.decidedAt).toBeGreaterThan(0);
    expect(genuine.decidedAt).toBeLessThan(micA.seconds);
    if (trained) expect(genuine.verdict).toMatch(/Accepted/);

    page = await openApp(micB.path);
    const impostor = await liveVerify(page);
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Start live' }).waitFor({ timeout: 30_000 });
    console.log(`e2e live: impostor ${impostor.verdict} at ${impostor.decidedAt} s of speech`);
    if (trained) expect(impostor.verdict).toMatch(/Rejected/);

    await nav(page, 'Identify');
    await page.getByRole('radio', { name: 'Live' }).click();
    await page.getByRole('button', { name: 'Start live' }).click();
    await page.getByTestId('live-verdict').waitFor({ timeout: 90_000 });
    const speaking = (await page.getByTestId('live-speaker').textContent())!.trim();
    await page.screenshot({ path: join(SHOTS, '21-identify-live.png'), animations: 'disabled' });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Start live' }).waitFor({ timeout: 30_000 });
    if (trained) {
      expect(speaking).toBe(B.name);
      expect((await page.getByTestId('live-verdict').textContent())!).toContain(B.name);
    }
    expect(problems).toEqual([]);

    mkdirSync(DOC_SHOTS, { recursive: true });
    for (const [f, dest] of [['20-verify-live', 'verify-live'], ['21-identify-live', 'identify-live']]) {
      const to = join(DOC_SHOTS, `${dest}.png`);
      if (process.env.UPDATE_DOC_SCREENSHOTS === '1' || !existsSync(to)) copyFileSync(join(SHOTS, `${f}.png`), to);
    }
  }, 600_000);
});
