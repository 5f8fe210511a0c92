import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { ModelError } from '../../src/errors';
import { createEmbedder, loadModel, ModelCardSchema, saveModel, type ModelCardInput } from '../../src/model';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/mfcc';
import { features } from './helpers/features';

const root = mkdtempSync(join(tmpdir(), 'voxprint-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function card(over: Partial<ModelCardInput> = {}): ModelCardInput {
  return {
    id: 'test-model-1',
    createdAt: new Date(0).toISOString(),
    training: {
      data: [{ name: 'synthetic', speakers: 0, clips: 0, licence: 'none', attribution: 'test' }],
      loss: 'triplet',
      mining: 'semihard',
      margin: 0.2,
      steps: 0,
      seconds: 0,
      recipe: 'untrained test model',
    },
    evaluation: {},
    threshold: { value: 0.5, method: 'fixed for the test' },
    parent: null,
    ...over,
  };
}

describe('saveModel / loadModel', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('round-trips: same embeddings, card with format, feature config and architecture', async () => {
    const before = tf.memory().numTensors;
    const e = createEmbedder({ seed: 3 });
    e.setInputStats('stats_norm', new Float32Array(60).fill(1), new Float32Array(60).fill(0.5));
    const dir = join(root, 'm1');
    const saved = await saveModel(dir, e, card(), { extraFiles: { 'README.md': '# test\n' } });
    expect(readdirSync(dir).sort()).toEqual(['README.md', 'model.json', 'voxprint.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'voxprint.json'), 'utf8'));
    expect(ModelCardSchema.parse(json)).toEqual(saved);
    expect(json.format).toBe('voxprint-embedder');
    expect(json.featureConfig.numCoeffs).toBe(DEFAULT_FEATURE_CONFIG.numCoeffs);
    expect(json.architecture.embedDim).toBe(e.dim);
    const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(modelJson.format).toBe('layers-model');
    expect(JSON.stringify(modelJson.modelTopology)).toContain('VoxFastDense');

    const l = await loadModel(dir);
    expect(l.card?.id).toBe('test-model-1');
    for (const f of [features(40, 1), features(900, 2)]) {
      const a = e.embedFeatures(f);
      const b = l.embedFeatures(f);
      a.forEach((v, k) => expect(b[k]).toBeCloseTo(v, 5));
    }
    e.dispose();
    l.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('round-trips the LDA-initialised statistics branch with a concatenation head', async () => {
    const e = createEmbedder({ seed: 4, arch: { statsLdaDims: 20, head: 'concat', frameEmbed: 32, embedDim: 52 } });
    expect(e.model.getLayer('stats_residual')).toBeDefined();
    const dir = join(root, 'm-lda');
    await saveModel(dir, e, card());
    const l = await loadModel(dir);
    expect(l.arch.statsLdaDims).toBe(20);
    const f = features(120, 5);
    const want = e.embedFeatures(f);
    expect(want.length).toBe(52);
    l.embedFeatures(f).forEach((v, k) => expect(v).toBeCloseTo(want[k], 5));
    e.dispose();
    l.dispose();
  });

  it('round-trips a model with an LDA side branch fused after the embedding', async () => {
    const e = createEmbedder({ seed: 6, arch: { ldaSideDims: 10 } });
    expect(e.dim).toBe(e.arch.embedDim + 10);
    const dir = join(root, 'm-side');
    await saveModel(dir, e, card());
    const l = await loadModel(dir);
    const f = features(80, 7);
    const want = e.embedFeatures(f);
    expect(want.length).toBe(e.dim);
    l.embedFeatures(f).forEach((v, k) => expect(v).toBeCloseTo(want[k], 5));
    e.dispose();
    l.dispose();
  });

  it('replaces an existing model atomically and leaves no temp folders behind', async () => {
    const dir = join(root, 'm2');
    const e1 = createEmbedder({ seed: 1 });
    const e2 = createEmbedder({ seed: 2 });
    await saveModel(dir, e1, card({ id: 'first' }));
    await saveModel(dir, e2, card({ id: 'second' }));
    expect(readdirSync(root).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
    const l = await loadModel(dir);
    expect(l.card?.id).toBe('second');
    const f = features(60, 3);
    const want = e2.embedFeatures(f);
    l.embedFeatures(f).forEach((v, k) => expect(v).toBeCloseTo(want[k], 5));
    [e1, e2, l].forEach((m) => m.dispose());
  });

  it('rejects an invalid card before writing anything', async () => {
    const dir = join(root, 'm3');
    const e = createEmbedder();
    await expect(saveModel(dir, e, card({ id: '' }))).rejects.toThrow();
    expect(existsSync(dir)).toBe(false);
    e.dispose();
  });

  it('says NO_MODEL, and how to get one, for a missing folder', async () => {
    const err = await loadModel(join(root, 'nothing-here')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe('NO_MODEL');
    expect((err as ModelError).message).toContain('npm run train:default');
  });

  it('says MODEL_MISMATCH for a model trained with other feature settings', async () => {
    const dir = join(root, 'm4');
    const e = createEmbedder();
    await saveModel(dir, e, card());
    e.dispose();
    // the code computing different features than the model was trained with
    const err = await loadModel(dir, { featureConfig: { ...DEFAULT_FEATURE_CONFIG, numMelBands: 64 } }).catch((x: unknown) => x);
    expect((err as ModelError).code).toBe('MODEL_MISMATCH');
    // a card edited to claim other settings
    const p = join(dir, 'voxprint.json');
    const j = JSON.parse(readFileSync(p, 'utf8'));
    j.featureConfig.hopLength = 80;
    writeFileSync(p, JSON.stringify(j));
    const err2 = await loadModel(dir).catch((x: unknown) => x);
    expect((err2 as ModelError).code).toBe('MODEL_MISMATCH');
  });

  it('says MODEL_FORMAT for a broken or foreign card', async () => {
    const dir = join(root, 'm5');
    const e = createEmbedder();
    await saveModel(dir, e, card());
    e.dispose();
    const p = join(dir, 'voxprint.json');
    writeFileSync(p, '{not json');
    expect(((await loadModel(dir).catch((x: unknown) => x)) as ModelError).code).toBe('MODEL_FORMAT');
    writeFileSync(p, JSON.stringify({ format: 'something-else' }));
    expect(((await loadModel(dir).catch((x: unknown) => x)) as ModelError).code).toBe('MODEL_FORMAT');
    writeFileSync(p, JSON.stringify({ format: 'voxprint-embedder', formatVersion: 99 }));
    const err = (await loadModel(dir).catch((x: unknown) => x)) as ModelError;
    expect(err.code).toBe('MODEL_FORMAT');
    expect(err.message).toMatch(/version 99/);
  });
});
