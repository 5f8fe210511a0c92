import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../src/audio/wav';
import { initBackend, tf } from '../src/backend';
import { Engine } from '../src/engine';
import { RANDOM_MODEL_ID, saveRandomModel } from './cli/random-model';

const LIBRI = path.resolve('../shared/data/librispeech/test-other');
const fileOf = (spk: string, i: number) => path.join(LIBRI, spk, fs.readdirSync(path.join(LIBRI, spk)).sort()[i]);
const A0 = fileOf('1688', 0);
const A1 = fileOf('1688', 1);
const B0 = fileOf('1998', 0);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-engine-'));
const model1 = path.join(tmp, 'model1');
const model2 = path.join(tmp, 'model2');
const store = path.join(tmp, 'store');
let tensorsBefore = 0;

beforeAll(async () => {
  await initBackend();
  await saveRandomModel(model1);
  await saveRandomModel(model2, 'test-random-model-2', 11);
  tensorsBefore = tf.memory().numTensors;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('Engine', () => {
  it('enrolls, verifies and identifies, then leaks no tensors', async () => {
    const e = await Engine.open({ storeDir: store, modelDir: model1 });
    const info = e.info();
    expect(info).toMatchObject({ storeDir: store, model: { id: RANDOM_MODEL_ID, dir: model1 }, threshold: 0.9, minSpeechSec: 1.5 });
    expect(info.backend).toMatch(/wasm|tensorflow|cpu/);

    const a = await e.enroll('Anna', [{ path: A0 }]);
    expect(a.speaker).toMatchObject({ name: 'Anna', utterances: 1, modelId: RANDOM_MODEL_ID, stale: false });
    expect(a.takes[0]).toMatchObject({ name: path.basename(A0), usable: true });
    expect(a.speechSec).toBeGreaterThan(2);
    await e.enroll('Bram', [{ bytes: fs.readFileSync(B0), name: 'b0.flac' }]);

    // A take scored against a one-take profile made from it scores 1: the pipeline is deterministic.
    const v = await e.verify('anna', { path: A0 });
    expect(v.score).toBeGreaterThan(0.9999);
    expect(v).toMatchObject({ speaker: 'Anna', threshold: 0.9, accepted: true });
    expect(v.latencyMs).toBeGreaterThan(0);

    const id = await e.identify({ path: B0 }, { top: 5 });
    expect(id.best).toBe('Bram');
    expect(id.candidates.map((c) => c.speaker)).toEqual(['Bram', 'Anna']);
    expect(id.candidates[0].score).toBeGreaterThan(id.candidates[1].score);
    await e.setThreshold(1.0);
    expect((await e.identify({ path: A1 })).best).toBeNull(); // nobody reaches 1.0 with an unseen take
    await e.resetThreshold();
    expect(e.threshold()).toBe(0.9);

    const emb = await e.embed({ path: A1 });
    expect(emb.length).toBe(24);
    expect(Math.hypot(...emb)).toBeCloseTo(1, 4);
    e.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('gives quality feedback and refuses takes without speech', async () => {
    const e = await Engine.open({ storeDir: store, modelDir: model1 });
    const silence = { bytes: encodeWav(new Float32Array(32000), 16000), name: 'silence.wav' };
    const r = await e.assessTake(silence);
    expect(r.usable).toBe(false);
    expect(r.issues.map((i) => i.code)).toContain('no_voice');
    await expect(e.enroll('Silent', [silence])).rejects.toMatchObject({ code: 'TOO_LITTLE_SPEECH' });
    await expect(e.enroll('Anna', [{ path: A1 }])).rejects.toMatchObject({ code: 'SPEAKER_EXISTS' });
    await expect(e.enroll('Nobody', [{ path: A1 }], { append: true })).rejects.toMatchObject({ code: 'UNKNOWN_SPEAKER' });
    await expect(e.verify('Nobody', { path: A1 })).rejects.toMatchObject({ code: 'UNKNOWN_SPEAKER' });
    // No speech, no score: verify and identify refuse what enrollment refuses, naming the file.
    const noSpeech = { code: 'TOO_LITTLE_SPEECH', subject: 'silence.wav', message: expect.stringMatching(/^silence\.wav: no speech found.*Record again/) };
    await expect(e.verify('Anna', silence)).rejects.toMatchObject(noSpeech);
    await expect(e.identify(silence)).rejects.toMatchObject(noSpeech);
    const click = { bytes: encodeWav(Float32Array.from({ length: 3200 }, (_, i) => 0.3 * Math.sin(i / 3)), 16000), name: 'click.wav' };
    await expect(e.verify('Anna', click)).rejects.toMatchObject({ code: 'TOO_LITTLE_SPEECH' });
    await expect(e.enroll('Anna', [{ path: path.join(tmp, 'missing.wav') }], { append: true })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    const before = e.listSpeakers().find((s) => s.name === 'Anna')!;
    const added = await e.enroll('Anna', [silence, { path: A1 }], { append: true });
    expect(added.takes.map((t) => t.usable)).toEqual([false, true]);
    expect(added.speaker.utterances).toBe(before.utterances + 1);
    e.dispose();
  });

  it('calibrates on the enrolled takes (leave-one-out)', async () => {
    const e = await Engine.open({ storeDir: store, modelDir: model1 });
    const c = await e.calibrate();
    // Anna has 2 takes -> 2 target trials; every take vs the other speaker -> 3 non-target trials.
    expect(c.targetScores).toHaveLength(2);
    expect(c.nontargetScores).toHaveLength(3);
    expect(c.trials).toBe(5);
    // No calibration in this model: cosines, as before.
    expect(c.scale).toBe('cosine');
    expect(Math.max(...c.targetScores, ...c.nontargetScores)).toBeLessThanOrEqual(1);
    expect(c.eer).toBeGreaterThanOrEqual(0);
    expect(c.det[0]).toEqual({ pfa: 1, pmiss: 0 });
    // 2 target trials are too few to lean on: the advice says so and asks before it is applied.
    expect(c.advice).toMatchObject({ targets: 2, nontargets: 3, needsConfirmation: true });
    e.dispose();
  });

  it('flags profiles from another model as stale and re-embeds them from the stored recordings', async () => {
    const e2 = await Engine.open({ storeDir: store, modelDir: model2 });
    expect(e2.listSpeakers().every((s) => s.stale && s.modelId === RANDOM_MODEL_ID)).toBe(true);
    const v = await e2.verify('Bram', { path: B0 });
    expect(v.score).toBeGreaterThan(0.999); // re-embedded from the stored 16 kHz WAV with model 2
    const bram = e2.listSpeakers().find((s) => s.name === 'Bram')!;
    expect(bram).toMatchObject({ stale: false, modelId: 'test-random-model-2' });
    expect(await e2.reembedStale()).toBe(1); // Anna
    expect(e2.listSpeakers().every((s) => !s.stale)).toBe(true);
    e2.dispose();
  });

  it('exports, imports, renames and purges', async () => {
    const e = await Engine.open({ storeDir: store, modelDir: model2 });
    const bytes = await e.exportProfile('Bram');
    await expect(e.importProfile(bytes)).rejects.toMatchObject({ code: 'SPEAKER_EXISTS' });
    const copy = await e.importProfile(bytes, { name: 'Bram 2' });
    expect(copy).toMatchObject({ name: 'Bram 2', utterances: 1, stale: false });
    expect((await e.rename('Bram 2', 'Bruno')).name).toBe('Bruno');
    await e.remove('Bruno', { purge: true });
    expect(e.listSpeakers().map((s) => s.name).sort()).toEqual(['Anna', 'Bram']);
    expect(fs.readdirSync(path.join(store, 'profiles'))).toHaveLength(2);
    e.dispose();
  });

  it('without a model: store operations work, model operations explain how to get one', async () => {
    const none = path.join(tmp, 'no-model');
    await expect(Engine.open({ storeDir: store, modelDir: none })).rejects.toMatchObject({ code: 'NO_MODEL', message: expect.stringContaining('npm run train:default') });
    const e = await Engine.open({ storeDir: store, modelDir: none, allowMissingModel: true });
    expect(e.hasModel).toBe(false);
    expect(e.listSpeakers().map((s) => s.name).sort()).toEqual(['Anna', 'Bram']);
    expect(e.listSpeakers().every((s) => s.stale)).toBe(true);
    await expect(e.verify('Anna', { path: A0 })).rejects.toMatchObject({ code: 'NO_MODEL' });
    expect(() => e.info()).toThrow(expect.objectContaining({ code: 'NO_MODEL' }));
    e.dispose();
  });
});
