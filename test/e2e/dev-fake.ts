/** Manual UI check over the fake engine: `npx tsx test/e2e/dev-fake.ts [wav]` saves screenshots to test-artifacts/dev/. */
import { mkdirSync } from 'node:fs';
import { createDispatcher } from '../../src/api/dispatch';
import { createHandlers } from '../../src/api/handlers';
import { JobRunner } from '../../src/api/jobs';
import { startBridge } from '../../src/bridge/server';
import type { CoreHost } from '../../src/api/host';
import { createFakeEngine } from './fake-engine';
import { launchChromium } from './chromium';

const out = 'test-artifacts/dev';
mkdirSync(out, { recursive: true });
const ref: { bridge?: Awaited<ReturnType<typeof startBridge>> } = {};
const engine = createFakeEngine();
const host: CoreHost = {
  engine: () => engine,
  ensureOpen: async () => {},
  jobs: new JobRunner((e) => ref.bridge?.emit(e)),
  models: {
    list: async () => ({ models: [], previousId: null }),
    use: async () => {
      throw new Error('no models in the fake');
    },
    rollback: async () => {
      throw new Error('no models in the fake');
    },
  },
  inspectFolder: async (path) => ({ path, speakers: 0, files: 0, problems: ['fake'] }),
  finetune: async (_req, ctx) => {
    for (let s = 1; s <= 400 && !ctx.signal.aborted; s++) {
      ctx.progress({ phase: 'training', fraction: s / 400, epoch: 1 + Math.floor(s / 100), epochs: 4, step: s % 100, stepsPerEpoch: 100, loss: 1 / s ** 0.3, activeFraction: 0.8 / s ** 0.2 });
      await new Promise((r) => setTimeout(r, 20));
    }
    return { candidateModelId: 'ft-1', eerBefore: 0.1, eerAfter: 0.08, trials: 100, durationSec: 8 };
  },
};
const bridge = await startBridge({ dispatch: createDispatcher(createHandlers(host), { onInternalError: (op, e) => console.error(op, e) }), staticDir: 'out/renderer' });
ref.bridge = bridge;
const wav = new Uint8Array(44 + 32000 * 4);
new DataView(wav.buffer).setUint32(28, 32000, true);
wav.set([82, 73, 70, 70]);
await engine.enroll('Ann', [{ name: 'a.wav', bytes: wav }]);
await engine.enroll('Bob', [{ name: 'b.wav', bytes: wav }]);
const browser = await launchChromium(process.argv[2]);
const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(bridge.launchUrl);
await page.waitForSelector('nav');
for (const name of ['Speakers', 'Enroll', 'Verify', 'Identify', 'Calibrate', 'Fine-tune', 'Settings']) {
  await page.getByRole('navigation').getByRole('button', { name }).first().click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}/${name}.png` });
}
await page.getByRole('navigation').getByRole('button', { name: 'Fine-tune' }).click();
await page.getByRole('button', { name: 'Start fine-tuning' }).click();
await page.waitForTimeout(3000);
await page.screenshot({ path: `${out}/finetune-running.png` });
await page.getByRole('button', { name: 'Keep the new model' }).waitFor({ timeout: 30_000 });
await page.screenshot({ path: `${out}/finetune-done.png` });
if (process.argv[2]) {
  await page.getByRole('button', { name: 'Enroll', exact: true }).click();
  await page.getByLabel('Speaker name').fill('Ada');
  await page.getByRole('button', { name: 'Record' }).click();
  await page.waitForTimeout(4000);
  await page.screenshot({ path: `${out}/recording.png` });
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${out}/enroll-take.png` });
}
await browser.close();
await bridge.close();
