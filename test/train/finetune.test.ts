/**
 * The core fine-tune (src/train/finetune.ts) with a tiny random model and a few steps: the
 * too-little-data errors say what is missing, too little data for a held-out split is said and
 * measured leave-one-out, the version folder carries its parent and EERs, replay is used or
 * explained, cancel works at every stage, a failed re-embed at activation keeps the old model,
 * and kill -9 at random points of a fine-tune leaves a consistent store.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { Engine } from '../../src/engine';
import { CancelledError } from '../../src/errors';
import { loadModel, readModelCard } from '../../src/model';
import { ModelRegistry } from '../../src/model/registry';
import { ProfileStore } from '../../src/speakers/store';
import { finetune, type FinetuneEvent } from '../../src/train/finetune';
import { saveRandomModel } from '../cli/random-model';
import { writeSyntheticData } from './fixtures';

const DSP = path.resolve('../shared/data/dspspeech20');
const words = (spk: string, n: number, from = 0) =>
  fs
    .readdirSync(path.join(DSP, spk))
    .sort()
    .slice(from, from + n)
    .map((f) => ({ path: path.join(DSP, spk, f) }));
const SPK = ['16307130302', '15307110252', '15307130120'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-finetune-'));
const model = path.join(tmp, 'base');
const modelWithData = path.join(tmp, 'base-data');
const tiny = { epochs: 1, stepsPerEpoch: 2, p: 6, k: 2, replay: false, cacheDir: path.join(tmp, 'cache') };
let tensorsBefore = 0;
const savedEnv = process.env.VOXPRINT_MODEL;

beforeAll(async () => {
  await initBackend();
  await saveRandomModel(model, 'base', 3);
  // Engines opened without --model use the store's chosen version, else this built-in one.
  process.env.VOXPRINT_MODEL = model;
  // The same model, its card naming the shared corpora (as the trained default's does).
  await saveRandomModel(modelWithData, 'base-data', 3);
  const cardPath = path.join(modelWithData, 'voxprint.json');
  const card = JSON.parse(fs.readFileSync(cardPath, 'utf8'));
  card.training.data = [{ name: 'DSPSpeech-20 (subset)', speakers: 20, clips: 1200, licence: 'MIT', attribution: 'test' }];
  fs.writeFileSync(cardPath, JSON.stringify(card));
  tensorsBefore = tf.memory().numTensors;
}, 60_000);
afterAll(() => {
  if (savedEnv === undefined) delete process.env.VOXPRINT_MODEL;
  else process.env.VOXPRINT_MODEL = savedEnv;
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function storeWith(name: string, speakers: [string, { path: string }[]][]): Promise<string> {
  const storeDir = path.join(tmp, name);
  const e = await Engine.open({ storeDir, modelDir: model });
  for (const [n, files] of speakers) await e.enroll(n, files);
  e.dispose();
  return storeDir;
}

describe('finetune: data', () => {
  it('refuses too little data with NOT_ENOUGH_DATA, saying what is missing', async () => {
    const empty = await storeWith('empty', []);
    await expect(finetune({ storeDir: empty, modelDir: model })).rejects.toMatchObject({ code: 'NOT_ENOUGH_DATA', message: expect.stringMatching(/found no speakers at all/) });
    const short = await storeWith('short', [
      ['Anna', words(SPK[0], 3)],
      ['Ben', words(SPK[1], 2)],
      ['Cleo', words(SPK[2], 1)],
    ]);
    // Anna and Ben are enough; Cleo alone would not be.
    const one = await storeWith('one', [
      ['Anna', words(SPK[0], 3)],
      ['Cleo', words(SPK[2], 1)],
    ]);
    const err = await finetune({ storeDir: one, modelDir: model }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_ENOUGH_DATA' });
    expect((err as Error).message).toMatch(/at least 2 speakers with at least 2 recordings each; found Anna \(3 recordings\), Cleo \(1 recording\)\. Add a take to Cleo/);
    expect(fs.existsSync(path.join(one, 'models'))).toBe(false);
    await expect(finetune({ storeDir: short, modelDir: model, data: [path.join(tmp, 'nowhere')] })).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringMatching(/does not exist/) });
    const flat = path.join(tmp, 'flat');
    fs.mkdirSync(flat);
    fs.copyFileSync(words(SPK[0], 1)[0].path, path.join(flat, 'a.flac'));
    await expect(finetune({ storeDir: short, modelDir: model, data: [flat] })).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringMatching(/SPEAKER\/\*\.wav/) });
    await expect(finetune({ modelDir: model })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(finetune({ storeDir: short, modelDir: model, epochs: 0 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringMatching(/epochs/) });
  }, 60_000);

  it('with too little data to hold any out, says so and measures leave-one-out; the version carries its parent and EERs', async () => {
    const data = writeSyntheticData(path.join(tmp, 'synth3'), 3, 3);
    const out = path.join(tmp, 'v-loo');
    const events: FinetuneEvent[] = [];
    const r = await finetune({ ...tiny, modelDir: model, data: [data], out, keep: 'never' }, (e) => events.push(e));
    const d = events.find((e) => e.type === 'data');
    expect(d).toMatchObject({ estimate: 'leave-one-out', recordings: 9, heldOut: 0, note: expect.stringMatching(/Too little data to hold recordings out/) });
    expect(r).toMatchObject({ estimate: 'leave-one-out', parentId: 'base', activated: false, epochs: 1, steps: 2, speakers: 3, recordings: 9 });
    // leave-one-out: each of the 9 recordings against its speaker's other two, and the 2 other speakers
    expect([r.targets, r.nontargets]).toEqual([9, 18]);
    const steps = events.filter((e): e is Extract<FinetuneEvent, { type: 'step' }> => e.type === 'step');
    expect(steps.map((s) => s.step)).toEqual([1, 2]);
    for (const s of steps) {
      expect(Number.isFinite(s.loss)).toBe(true);
      expect(s.activeFraction).toBeGreaterThanOrEqual(0);
      expect(s.activeFraction).toBeLessThanOrEqual(1);
      expect(s.collapsedFraction).toBeGreaterThanOrEqual(0);
    }
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(1);
    const card = await readModelCard(out);
    expect(card).toMatchObject({ id: r.versionId, parent: 'base' });
    expect(card.evaluation['local-held-out/before'].eer).toBe(r.eerBefore);
    expect(card.evaluation['local-held-out/after'].eer).toBe(r.eerAfter);
    expect(card.training.data.at(-1)).toMatchObject({ name: 'local recordings (fine-tune)', speakers: 3, clips: 9 });
    (await loadModel(out)).dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 60_000);

  it('holds recordings out when there are enough, the same way for the same seed', async () => {
    const data = writeSyntheticData(path.join(tmp, 'synth6'), 3, 6);
    const split = async (seed: number) => {
      const ev: FinetuneEvent[] = [];
      const r = await finetune({ ...tiny, modelDir: model, data: [data], out: path.join(tmp, `v-ho-${seed}-${ev.length}`), keep: 'never', seed, stepsPerEpoch: 1 }, (e) => ev.push(e));
      return { r, d: ev.find((e) => e.type === 'data') as Extract<FinetuneEvent, { type: 'data' }> };
    };
    const a = await split(1);
    expect(a.d).toMatchObject({ estimate: 'held-out', heldOut: 6 });
    expect(a.d.speakers.map((s) => s.heldOut)).toEqual([2, 2, 2]);
    expect([a.r.targets, a.r.nontargets]).toEqual([6, 12]);
    const b = await split(1);
    expect(b.r.eerBefore).toBe(a.r.eerBefore);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 60_000);

  it('the L2-SP anchor keeps the fine-tuned weights nearer the parent than no anchor does', async () => {
    const data = writeSyntheticData(path.join(tmp, 'synth-anchor'), 3, 3);
    const parent = await loadModel(model);
    const drift = async (anchor: number) => {
      const out = path.join(tmp, `v-anchor-${anchor}`);
      await finetune({ ...tiny, modelDir: model, data: [data], out, keep: 'never', anchor, lr: 0.01, warmupSteps: 0, stepsPerEpoch: 4 });
      const m = await loadModel(out);
      const d = tf.tidy(() => tf.addN(m.model.getWeights().map((w, i) => tf.sum(tf.square(tf.sub(w, parent.model.getWeights()[i]))))).dataSync()[0]);
      m.dispose();
      return d;
    };
    const free = await drift(0);
    const anchored = await drift(100);
    parent.dispose();
    expect(free).toBeGreaterThan(0);
    expect(anchored).toBeLessThan(free / 2);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 60_000);

  it('replays the training speakers when the card names corpora that are here, and says why not otherwise', async () => {
    const data = writeSyntheticData(path.join(tmp, 'synth-r'), 2, 3);
    const replayOf = async (opts: object) => {
      const ev: FinetuneEvent[] = [];
      await finetune({ ...tiny, stepsPerEpoch: 1, data: [data], out: path.join(tmp, `v-r${Math.random()}`), keep: 'never', replaySpeakersPerCorpus: 2, replayClipsPerSpeaker: 4, ...opts }, (e) => ev.push(e));
      return ev.find((e) => e.type === 'replay') as Extract<FinetuneEvent, { type: 'replay' }>;
    };
    expect(await replayOf({ modelDir: modelWithData, replay: true })).toMatchObject({ used: true, speakers: 2, clips: 8, reason: expect.stringMatching(/^Replaying 2 training speakers \(8 clips\) of dspspeech20/) });
    expect(await replayOf({ modelDir: modelWithData, replay: true, replayData: path.join(tmp, 'flat') })).toMatchObject({ used: false, reason: expect.stringMatching(/not on this computer/) });
    expect(await replayOf({ modelDir: modelWithData, replay: false })).toMatchObject({ used: false, reason: expect.stringMatching(/off/) });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 120_000);
});

describe('finetune: safety', () => {
  it('cancels at every stage; nothing changes in use, and nothing is saved before the saving stage', async () => {
    const storeDir = await storeWith('cancel', [
      ['Anna', words(SPK[0], 3)],
      ['Ben', words(SPK[1], 3)],
    ]);
    const reg = new ModelRegistry({ storeDir, builtinDir: model });
    for (const stage of ['data', 'replay', 'features', 'baseline', 'step', 'epoch', 'saving', 'activating'] as const) {
      const ac = new AbortController();
      const seen: string[] = [];
      const p = finetune({ ...tiny, storeDir, builtinDir: model, keep: 'always' }, (e) => {
        seen.push(e.type);
        if (e.type === stage) ac.abort();
      }, ac.signal);
      await expect(p, stage).rejects.toBeInstanceOf(CancelledError);
      expect(seen, stage).toContain(stage);
      expect(reg.state().activeId, stage).toBeNull();
      const versions = fs.existsSync(reg.userDir) ? fs.readdirSync(reg.userDir).filter((n) => !n.startsWith('.')) : [];
      if (stage !== 'activating') expect(versions, stage).toEqual([]);
    }
    const e = await Engine.open({ storeDir, modelDir: model });
    expect(e.listSpeakers().every((s) => s.modelId === 'base' && !s.stale)).toBe(true);
    e.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 120_000);

  it('a re-embed that fails at activation keeps the old model and profiles in use, and says so', async () => {
    const storeDir = await storeWith('broken', [
      ['Anna', words(SPK[0], 3)],
      ['Ben', words(SPK[1], 3)],
    ]);
    const b = (await ProfileStore.open(storeDir)).get('Ben');
    fs.writeFileSync(path.join(storeDir, 'profiles', b.id, `rec-${b.utterances[2].id}.wav`), Buffer.alloc(64, 1));
    const data = writeSyntheticData(path.join(tmp, 'synth-b'), 2, 3);
    const r = await finetune({ ...tiny, storeDir, builtinDir: model, useEnrolled: false, data: [data], keep: 'always' });
    expect(r.activated).toBe(false);
    expect(r.activation).toMatch(/re-embedding the profiles failed .*damaged.*the previous model and profiles stay in use/);
    const reg = new ModelRegistry({ storeDir, builtinDir: model });
    expect(reg.state().activeId).toBeNull();
    expect((await reg.entries()).map((x) => x.id)).toEqual(['base', r.versionId]);
    const e = await Engine.open({ storeDir });
    expect(e.info().model.id).toBe('base');
    expect((await e.verify('Anna', words(SPK[0], 1, 5)[0])).speaker).toBe('Anna');
    expect(e.listSpeakers().map((s) => [s.name, s.modelId, s.stale])).toEqual([
      ['Anna', 'base', false],
      ['Ben', 'base', false],
    ]);
    e.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 60_000);

  it('kill -9 at random points of a fine-tune leaves a consistent store', async () => {
    const storeDir = await storeWith('kill', [
      ['Anna', words(SPK[0], 3)],
      ['Ben', words(SPK[1], 3)],
      ['Cleo', words(SPK[2], 3)],
    ]);
    const script = path.join(tmp, 'ft-child.mts');
    fs.writeFileSync(
      script,
      `
import { initBackend } from ${JSON.stringify(path.resolve('src/backend.ts'))};
import { finetune } from ${JSON.stringify(path.resolve('src/train/finetune.ts'))};
const [storeDir, builtinDir] = process.argv.slice(2);
await initBackend();
process.stdout.write('ready\\n');
for (;;) {
  const r = await finetune({ storeDir, builtinDir, epochs: 1, stepsPerEpoch: 2, p: 6, k: 2, replay: false, keep: 'always' });
  process.stdout.write('done ' + r.versionId + ' ' + r.activated + '\\n');
}
`,
    );
    const run = (delayMs: number) =>
      new Promise<string[]>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, storeDir, model], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, VOXPRINT_CACHE: path.join(tmp, 'cache') } });
        let out = '';
        let timer: NodeJS.Timeout | undefined;
        child.stdout.on('data', (d) => {
          out += d;
          if (!timer && out.includes('ready')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
        });
        child.on('exit', () => resolve(out.split('\n').filter((l) => l.startsWith('done '))));
      });
    const reg = new ModelRegistry({ storeDir, builtinDir: model });
    const done: string[] = [];
    for (const delay of [400, 1500, 3500]) {
      done.push(...(await run(delay)));
      const e = await Engine.open({ storeDir });
      const active = e.info().model.id;
      // Every fine-tune reported done was activated (keep always); the one in use is the last of
      // them or a later one whose switch committed just before the kill, never the base after one.
      if (done.length) expect(active).not.toBe('base');
      expect(e.store.problems).toEqual([]);
      for (const [i, n] of ['Anna', 'Ben', 'Cleo'].entries()) expect((await e.verify(n, words(SPK[i], 1, 6)[0])).speaker).toBe(n);
      expect(e.listSpeakers().every((s) => !s.stale && s.modelId === active)).toBe(true);
      e.dispose();
      reg.sweepLeftovers();
      expect(fs.existsSync(reg.userDir) ? fs.readdirSync(reg.userDir).filter((n) => n.startsWith('.')) : []).toEqual([]);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 240_000);
});
