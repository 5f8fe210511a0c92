/**
 * Baselines on a small subset of the real data (kept small: the suite runs on 2 shared cores).
 * The full figures come from `voxprint eval --compare` (README).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ldaBaseline } from '../../src/eval/baselines';
import { readSplits, splitFiles } from '../../src/eval/data';
import { evaluate } from '../../src/eval/evaluate';

const DATA = path.resolve('../shared/data');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-baselines-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('baselines on real speech', () => {
  it('mfcc-stats separates LibriSpeech dev speakers far better than chance', async () => {
    const r = await evaluate({ trialsFile: path.join(DATA, 'libri-dev.trials.txt'), system: 'mfcc-stats', limit: 80 });
    expect(r.trials).toBe(80);
    expect(r.targets).toBeGreaterThan(20);
    expect(r.eer).toBeGreaterThanOrEqual(0);
    expect(r.eer).toBeLessThan(0.25);
    expect(r.minDcf).toBeLessThanOrEqual(1);
  });

  it('LDA is fitted on the train speakers of splits.json only, cached, and beats chance on Arabic dev trials', async () => {
    // A reduced data root: 10 Arabic train speakers x 12 clips (symlinks), and a splits file naming them.
    const splits = readSplits(path.join(DATA, 'splits.json'));
    const train = splits.train['arabic-speech-commands'].slice(0, 10);
    const dev = splits.dev!['arabic-speech-commands'];
    expect(train.some((s) => dev.includes(s))).toBe(false);
    for (const spk of train) {
      const src = path.join(DATA, 'arabic-speech-commands', spk);
      const dst = path.join(tmp, 'data', 'arabic-speech-commands', spk);
      fs.mkdirSync(dst, { recursive: true });
      for (const f of fs.readdirSync(src).sort().filter((_, i) => i % 5 === 0)) fs.symlinkSync(path.join(src, f), path.join(dst, f));
    }
    const splitsFile = path.join(tmp, 'data', 'splits.json');
    fs.writeFileSync(splitsFile, JSON.stringify({ train: { 'arabic-speech-commands': train }, dev: { 'arabic-speech-commands': dev } }));
    expect(splitFiles(readSplits(splitsFile), 'train', path.dirname(splitsFile)).map((s) => s.key)).toHaveLength(10);

    const cacheDir = path.join(tmp, 'cache');
    const first = await ldaBaseline({ splitsFile, cacheDir });
    expect(first.cached).toBe(false);
    expect(first.model.classes).toBe(10);
    expect(first.model.outDim).toBe(9); // at most classes - 1
    const again = await ldaBaseline({ splitsFile, cacheDir });
    expect(again.cached).toBe(true);
    expect(again.model.w).toEqual(first.model.w);

    const r = await evaluate({ trialsFile: path.join(DATA, 'arabic-dev.trials.txt'), system: 'lda', splitsFile, cacheDir, limit: 60 });
    expect(r.system).toBe('lda');
    expect(r.eer).toBeLessThan(0.4);
  });

  it('says where to find splits.json when the LDA baseline has none', async () => {
    const list = path.join(tmp, 'list.txt');
    fs.writeFileSync(list, `1 ${path.join(DATA, 'arabic-speech-commands/00000003/00000003-five-01.wav')} ${path.join(DATA, 'arabic-speech-commands/00000003/00000003-open-01.wav')}\n`);
    await expect(evaluate({ trialsFile: list, system: 'lda' })).rejects.toThrow(/--splits FILE/);
  });
});
