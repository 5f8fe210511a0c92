/**
 * The front end as one value: recorded whole on save, derived for cards written before it existed
 * (the shipped model's), checked on load with a message naming what differs, and keying the
 * training feature cache under the folder names the caches already have.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { ModelError } from '../../src/errors';
import { DEFAULT_FRONT_END, FrontEndSchema, SAMPLE_RATE } from '../../src/features/front-end';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/mfcc';
import { TARGET_SAMPLE_RATE } from '../../src/audio/decode';
import { createEmbedder, loadModel, readModelCard, saveModel, type ModelCardInput } from '../../src/model';
import { cardFrontEnd, frontEndKey } from '../../src/model/front-end-check';
import { MIN_SPEECH_SEC } from '../../src/model/speech';
import { FeatureCache } from '../../src/train/cache';
import { features } from './helpers/features';

const MODEL = join(import.meta.dirname, '../../models/default');
const root = mkdtempSync(join(tmpdir(), 'voxprint-front-end-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const card: ModelCardInput = {
  id: 'front-end-test',
  createdAt: new Date(0).toISOString(),
  training: { data: [], loss: 'triplet', mining: 'semihard', steps: 0, seconds: 0, recipe: 'untrained test model' },
  evaluation: {},
  threshold: { value: 0.5, method: 'fixed for the test' },
  parent: null,
};

async function savedCard(name: string): Promise<{ dir: string; path: string; json: Record<string, unknown> & { frontEnd: typeof DEFAULT_FRONT_END } }> {
  const dir = join(root, name);
  const e = createEmbedder({ seed: 2 });
  await saveModel(dir, e, card);
  e.dispose();
  const path = join(dir, 'voxprint.json');
  return { dir, path, json: JSON.parse(readFileSync(path, 'utf8')) };
}

describe('the front end', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('has one sample rate and one minimum of speech, the ones decoding, MFCCs and speech selection use', () => {
    expect(FrontEndSchema.parse(DEFAULT_FRONT_END)).toEqual(DEFAULT_FRONT_END);
    expect(TARGET_SAMPLE_RATE).toBe(SAMPLE_RATE);
    expect(DEFAULT_FEATURE_CONFIG).toBe(DEFAULT_FRONT_END.mfcc);
    expect(DEFAULT_FRONT_END.mfcc.sampleRate).toBe(SAMPLE_RATE);
    expect(MIN_SPEECH_SEC).toBe(DEFAULT_FRONT_END.speech.minSpeechSec);
    expect(Object.isFrozen(DEFAULT_FRONT_END.vad)).toBe(true);
  });

  it('is recorded whole in voxprint.json, and a saved model loads with the same embeddings', async () => {
    const before = tf.memory().numTensors;
    const { dir, json } = await savedCard('saved');
    expect(json.frontEnd).toEqual(DEFAULT_FRONT_END);
    const m = await loadModel(dir);
    const again = createEmbedder({ seed: 2 });
    const f = features(120, 4);
    const want = again.embedFeatures(f);
    m.embedFeatures(f).forEach((v, k) => expect(v).toBeCloseTo(want[k], 5));
    m.dispose();
    again.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is derived for a card without one (the shipped model), from its featureConfig and the VAD and speech defaults', async () => {
    const shipped = await readModelCard(MODEL);
    expect(shipped.frontEnd).toBeUndefined();
    expect(cardFrontEnd(shipped, MODEL)).toEqual(DEFAULT_FRONT_END);
    const { dir, path, json } = await savedCard('legacy');
    delete (json as Record<string, unknown>).frontEnd;
    writeFileSync(path, JSON.stringify(json));
    const m = await loadModel(dir);
    expect(m.card?.frontEnd).toBeUndefined();
    m.dispose();
  });

  it('refuses a model with another front end, naming every setting that differs', async () => {
    const { dir, path, json } = await savedCard('other-vad');
    writeFileSync(path, JSON.stringify({ ...json, frontEnd: { ...json.frontEnd, vad: { ...json.frontEnd.vad, padMs: 120 }, speech: { minSpeechSec: 0.5 } } }));
    const err = (await loadModel(dir).catch((x: unknown) => x)) as ModelError;
    expect(err).toBeInstanceOf(ModelError);
    expect(err.code).toBe('MODEL_MISMATCH');
    expect(err.message).toContain('vad.padMs is 120 in the model, 100 here');
    expect(err.message).toContain('speech.minSpeechSec is 0.5 in the model, 0.3 here');
    expect(err.message).toContain('npm run train:default');
  });

  it('refuses a front end this voxprint cannot read (MODEL_FORMAT), and one whose MFCC rate is not its own', async () => {
    const { dir, path, json } = await savedCard('bad');
    writeFileSync(path, JSON.stringify({ ...json, frontEnd: { ...json.frontEnd, version: 2 } }));
    expect(((await loadModel(dir).catch((x: unknown) => x)) as ModelError).code).toBe('MODEL_FORMAT');
    writeFileSync(path, JSON.stringify({ ...json, frontEnd: { ...json.frontEnd, mfcc: { ...json.frontEnd.mfcc, sampleRate: 8000 } } }));
    const err = (await loadModel(dir).catch((x: unknown) => x)) as ModelError;
    expect(err.code).toBe('MODEL_FORMAT');
    expect(err.message).toContain('mfcc.sampleRate must equal sampleRate');
  });

  it('keys the feature cache: every setting changes the key, and the default keeps the folder the caches already have', () => {
    const base = frontEndKey(DEFAULT_FRONT_END);
    expect(frontEndKey({ ...DEFAULT_FRONT_END, vad: { ...DEFAULT_FRONT_END.vad, padMs: 120 } })).not.toBe(base);
    expect(frontEndKey({ ...DEFAULT_FRONT_END, speech: { minSpeechSec: 0.5 } })).not.toBe(base);
    expect(frontEndKey({ ...DEFAULT_FRONT_END, mfcc: { ...DEFAULT_FRONT_END.mfcc, numCoeffs: 20 } })).not.toBe(base);
    const cacheRoot = join(root, 'cache');
    // The folder name of the key before the front end was one value (sha1 of the MFCC key, the cache version and the VAD settings).
    expect(new FeatureCache(cacheRoot, { ...DEFAULT_FEATURE_CONFIG }).dir).toBe(join(cacheRoot, 'features', 'f7a25464df9cd20b'));
    expect(new FeatureCache(cacheRoot, { ...DEFAULT_FEATURE_CONFIG, numCoeffs: 20 }).dir).not.toBe(join(cacheRoot, 'features', 'f7a25464df9cd20b'));
  });
});
