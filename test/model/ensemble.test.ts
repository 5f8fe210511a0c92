import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { ModelError } from '../../src/errors';
import { composeEnsemble, createEmbedder, loadModel, saveModel, type Embedder } from '../../src/model';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/mfcc';
import { features } from './helpers/features';

const root = mkdtempSync(join(tmpdir(), 'voxprint-ensemble-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const small = { frameLayers: [32, 32], frameEmbed: 16, statsLayers: [32], statsEmbed: 8, embedDim: 16 };

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

/** A member with its own input statistics, so copying them is checked too. */
function member(seed: number): Embedder {
  const e = createEmbedder({ seed, arch: small });
  const c = DEFAULT_FEATURE_CONFIG.numCoeffs;
  e.setInputStats('stats_norm', new Float32Array(2 * c).fill(seed), new Float32Array(2 * c).fill(0.1 * seed));
  return e;
}

describe('composeEnsemble', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('scores the mean of the members\u2019 cosines, and survives save/load', async () => {
    const before = tf.memory().numTensors;
    const [a, b] = [member(1), member(2)];
    const ens = composeEnsemble([a, b]);
    expect(ens.arch.members).toBe(2);
    expect(ens.dim).toBe(32);
    expect(ens.model.countParams()).toBe(a.model.countParams() + b.model.countParams());
    const [x, y] = [features(250, 7), features(180, 11)];
    const [ex, ey] = [ens.embedFeatures(x), ens.embedFeatures(y)];
    const ens2 = (e: Float32Array) => Math.hypot(...e);
    expect(ens2(ex)).toBeCloseTo(1, 5);
    // Each member's part is its own embedding (scaled by 1/sqrt 2).
    const ax = a.embedFeatures(x);
    ax.forEach((v, i) => expect(ex[i] * Math.SQRT2).toBeCloseTo(v, 4));
    const want = (dot(ax, a.embedFeatures(y)) + dot(b.embedFeatures(x), b.embedFeatures(y))) / 2;
    expect(dot(ex, ey)).toBeCloseTo(want, 4);
    // The members differ, so the ensemble is not just one of them.
    expect(Math.abs(dot(ax, a.embedFeatures(y)) - want)).toBeGreaterThan(1e-4);

    const dir = join(root, 'ens');
    await saveModel(dir, ens, {
      id: 'test-ensemble',
      createdAt: new Date(0).toISOString(),
      training: { data: [], loss: 'triplet', mining: 'semihard', steps: 0, seconds: 0, recipe: 'test' },
      evaluation: {},
      threshold: { value: 0.5, method: 'test' },
      parent: null,
    });
    const back = await loadModel(dir);
    expect(back.arch.members).toBe(2);
    const bx = back.embedFeatures(x);
    bx.forEach((v, i) => expect(v).toBeCloseTo(ex[i], 5));
    for (const e of [a, b, ens, back]) e.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('sets the input statistics of every member', () => {
    const before = tf.memory().numTensors;
    const e = createEmbedder({ arch: { ...small, members: 3 } });
    const c = DEFAULT_FEATURE_CONFIG.numCoeffs;
    e.setInputStats('stats_norm', new Float32Array(2 * c).fill(4), new Float32Array(2 * c).fill(2));
    for (const name of ['stats_norm', 'm2_stats_norm', 'm3_stats_norm']) {
      const [shift] = e.model.getLayer(name).getWeights();
      expect((shift.dataSync() as Float32Array)[0]).toBe(4);
    }
    e.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses members it cannot combine, with a typed error', () => {
    const before = tf.memory().numTensors;
    const a = member(1);
    const wide = createEmbedder({ arch: { ...small, embedDim: 24 } });
    const b = member(2);
    const ens = composeEnsemble([a, b]);
    expect(() => composeEnsemble([a])).toThrow(ModelError);
    expect(() => composeEnsemble([a, wide])).toThrow(/another architecture/);
    expect(() => composeEnsemble([a, ens])).toThrow(/already an ensemble/);
    expect(() => createEmbedder({ arch: { ...small, members: 2, ldaSideDims: 4 } })).toThrow(RangeError);
    for (const e of [a, b, wide, ens]) e.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
