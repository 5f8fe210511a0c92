/**
 * The core fine-tune as the app runs it: in a real worker thread (src/api/finetune-worker-entry.ts
 * through src/api/finetune-run.ts), progress in the contract's shape, the candidate saved under
 * STORE/models/ID and not made the model in use, and cancel.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FinetuneProgress, FinetuneResult } from '../../src/api/contract';
import { runFinetuneInWorker, type FinetuneWorkerInput } from '../../src/api/finetune-job';
import { spawnModuleWorker } from '../../src/bridge/worker';
import { Engine } from '../../src/engine';
import { CancelledError } from '../../src/errors';
import { readModelCard } from '../../src/model';
import { ModelRegistry } from '../../src/model/registry';
import { saveRandomModel } from '../cli/random-model';

const DSP = path.resolve('../shared/data/dspspeech20');
const words = (spk: string) => fs.readdirSync(path.join(DSP, spk)).sort().slice(0, 3).map((f) => ({ path: path.join(DSP, spk, f) }));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-ft-worker-'));
const model = path.join(tmp, 'base');
const storeDir = path.join(tmp, 'store');
const entry = new URL('../../src/api/finetune-worker-entry.ts', import.meta.url);

beforeAll(async () => {
  await saveRandomModel(model, 'base', 3);
  const e = await Engine.open({ storeDir, modelDir: model });
  await e.enroll('Anna', words('16307130302'));
  await e.enroll('Ben', words('15307110252'));
  e.dispose();
}, 60_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const input = (candidateId: string, epochs = 1): FinetuneWorkerInput => ({
  storeDir,
  modelDir: model,
  outDir: path.join(storeDir, 'models', candidateId),
  candidateId,
  request: { useEnrolled: true, folders: [], epochs, loss: 'triplet', mining: 'semihard' },
});

describe('fine-tune in the app worker', () => {
  it('streams contract-shaped progress and saves a candidate that is not yet in use', async () => {
    const seen: FinetuneProgress[] = [];
    const r = await runFinetuneInWorker((i) => spawnModuleWorker(entry, i), input('ft-cand-1'), {
      signal: new AbortController().signal,
      progress: (p) => seen.push(FinetuneProgress.parse(p)),
    });
    expect(FinetuneResult.parse(r)).toMatchObject({ candidateModelId: 'ft-cand-1', trials: 6 + 6 });
    expect(seen.map((p) => p.phase)).toEqual(expect.arrayContaining(['preparing', 'baseline', 'training', 'evaluating', 'saving']));
    const training = seen.filter((p) => p.phase === 'training');
    expect(training.length).toBeGreaterThan(0);
    expect(training.every((p) => p.epoch === 1 && p.step >= 1 && p.step <= p.stepsPerEpoch && Number.isFinite(p.loss))).toBe(true);
    expect(seen.at(-1)).toMatchObject({ fraction: 1 });
    expect(await readModelCard(path.join(storeDir, 'models', 'ft-cand-1'))).toMatchObject({ id: 'ft-cand-1', parent: 'base' });
    expect(new ModelRegistry({ storeDir, builtinDir: model }).state().activeId).toBeNull();
  }, 120_000);

  it('cancels in the worker: the promise rejects with CancelledError and no candidate is saved', async () => {
    const ac = new AbortController();
    const p = runFinetuneInWorker((i) => spawnModuleWorker(entry, i), input('ft-cand-2', 50), {
      signal: ac.signal,
      progress: (pr) => {
        if (pr.phase === 'training') ac.abort();
      },
    });
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(fs.existsSync(path.join(storeDir, 'models', 'ft-cand-2'))).toBe(false);
  }, 120_000);
});
