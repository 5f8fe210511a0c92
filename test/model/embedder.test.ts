import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { createEmbedder } from '../../src/model';
import { fastMatMul } from '../../src/model/layers';
import { prepareCrops, spliceInto, windowStarts } from '../../src/model/preprocess';
import { defaultArchConfig } from '../../src/model/architecture';
import { computeMfcc, DEFAULT_FEATURE_CONFIG } from '../../src/features/mfcc';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
}

function randomFeatures(frames: number, coeffs: number, seed: number) {
  const r = rng(seed);
  const data = new Float32Array(frames * coeffs);
  for (let i = 0; i < data.length; i++) data[i] = (r() - 0.5) * 20 + (i % coeffs === 0 ? 100 : 0);
  return { data, numFrames: frames, numCoeffs: coeffs };
}

function voiceLike(seconds: number, f0: number, seed: number): Float32Array {
  const r = rng(seed);
  const n = Math.round(seconds * 16000);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / 16000;
    const env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(2 * Math.PI * f0 * h * t) / h;
    x[i] = 0.1 * env * v + 0.005 * (r() - 0.5);
  }
  return x;
}

const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, b) => a + b * b, 0));

describe('embedder', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('embeds features to an L2-normalised vector, deterministically, without leaking tensors', () => {
    const e = createEmbedder();
    const f = randomFeatures(120, DEFAULT_FEATURE_CONFIG.numCoeffs, 1);
    const before = tf.memory().numTensors;
    const a = e.embedFeatures(f);
    const b = e.embedFeatures(f);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.length).toBe(e.dim);
    expect(norm(a)).toBeCloseTo(1, 4);
    expect(Array.from(a)).toEqual(Array.from(b));
    e.dispose();
  });

  it('gives the same random model for the same seed and a different one for another seed', () => {
    const f = randomFeatures(80, DEFAULT_FEATURE_CONFIG.numCoeffs, 2);
    const [e1, e2, e3] = [createEmbedder({ seed: 7 }), createEmbedder({ seed: 7 }), createEmbedder({ seed: 8 })];
    const [a, b, c] = [e1, e2, e3].map((e) => e.embedFeatures(f));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    [e1, e2, e3].forEach((e) => e.dispose());
  });

  it('embedBatch equals one-by-one embedding across mixed lengths, including windowed ones', () => {
    const e = createEmbedder();
    const c = DEFAULT_FEATURE_CONFIG.numCoeffs;
    const fs = [randomFeatures(50, c, 3), randomFeatures(700, c, 4), randomFeatures(50, c, 5), randomFeatures(1, c, 6)];
    const before = tf.memory().numTensors;
    const batch = e.embedBatch(fs);
    const single = fs.map((f) => e.embedFeatures(f));
    expect(tf.memory().numTensors).toBe(before);
    batch.forEach((v, i) => v.forEach((x, k) => expect(x).toBeCloseTo(single[i][k], 5)));
    e.dispose();
  });

  it('rejects features with the wrong number of coefficients or no frames', () => {
    const e = createEmbedder();
    expect(() => e.embedFeatures(randomFeatures(50, 13, 1))).toThrow(/coefficients/);
    expect(() => e.embedFeatures({ data: new Float32Array(0), numFrames: 0, numCoeffs: e.arch.numCoeffs })).toThrow(/no feature frames/);
    e.dispose();
  });

  it('embeds 1 s and 60 s of audio through the whole pipeline (VAD, MFCC, windows)', () => {
    const e = createEmbedder();
    const before = tf.memory().numTensors;
    const short = e.embedSamples(voiceLike(1, 120, 1));
    const long = e.embedSamples(voiceLike(60, 120, 2));
    expect(tf.memory().numTensors).toBe(before);
    for (const v of [short, long]) {
      expect(v.length).toBe(e.dim);
      expect(norm(v)).toBeCloseTo(1, 4);
      expect(v.every(Number.isFinite)).toBe(true);
    }
    e.dispose();
  });

  it('averages window embeddings for long inputs', () => {
    const e = createEmbedder();
    const c = DEFAULT_FEATURE_CONFIG.numCoeffs;
    const f = randomFeatures(e.arch.windowFrames * 3, c, 9);
    const { starts, length } = windowStarts(f.numFrames, e.arch);
    expect(length).toBe(e.arch.windowFrames);
    expect(starts[starts.length - 1] + length).toBe(f.numFrames);
    const parts = starts.map((s) =>
      e.embedFeatures({ data: f.data.subarray(s * c, (s + length) * c), numFrames: length, numCoeffs: c }),
    );
    const mean = new Float32Array(e.dim);
    parts.forEach((p) => p.forEach((x, k) => (mean[k] += x)));
    const n = norm(mean);
    const whole = e.embedFeatures(f);
    whole.forEach((x, k) => expect(x).toBeCloseTo(mean[k] / n, 5));
    e.dispose();
  });
});

describe('preprocessing', () => {
  it('splices context frames with edge repetition and frame stride', () => {
    const a = defaultArchConfig(2, { splice: [-1, 0, 1], frameStride: 2 });
    // frames: [0,10], [1,11], [2,12]
    const f = { data: Float32Array.from([0, 10, 1, 11, 2, 12]), numFrames: 3, numCoeffs: 2 };
    const out = new Float32Array(2 * 6);
    spliceInto(f, 0, 3, a, null, out);
    expect(Array.from(out)).toEqual([0, 10, 0, 10, 1, 11, /* t=2 */ 1, 11, 2, 12, 2, 12]);
  });

  it('puts the raw crop mean/std in the stats input and mean-normalises the frames', () => {
    const a = defaultArchConfig(1, { splice: [0], frameStride: 1 });
    const f = { data: Float32Array.from([9, 1, 3, 5, 7]), numFrames: 5, numCoeffs: 1 };
    const b = prepareCrops([{ f, start: 1 }], 3, a); // frames 1, 3, 5: mean 3, std sqrt(8/3)
    expect(b.stats[0]).toBeCloseTo(3, 6);
    expect(b.stats[1]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(Array.from(b.frames)).toEqual([-2, 0, 2]);
  });
});

describe('fastMatMul', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('has the same value and gradients as tf.matMul', () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([7, 5], 0, 1, 'float32', 1) as import('@tensorflow/tfjs').Tensor2D;
    const w = tf.randomNormal([5, 3], 0, 1, 'float32', 2) as import('@tensorflow/tfjs').Tensor2D;
    const up = tf.randomNormal([7, 3], 0, 1, 'float32', 3);
    const loss = (mm: typeof fastMatMul) => (a: import('@tensorflow/tfjs').Tensor, b: import('@tensorflow/tfjs').Tensor) =>
      tf.sum(tf.mul(mm(a as typeof x, b as typeof w), up));
    const [gx1, gw1] = tf.grads(loss(fastMatMul))([x, w]);
    const [gx2, gw2] = tf.grads(loss((a, b) => tf.matMul(a, b)))([x, w]);
    const v1 = fastMatMul(x, w);
    const v2 = tf.matMul(x, w);
    const maxDiff = (p: import('@tensorflow/tfjs').Tensor, q: import('@tensorflow/tfjs').Tensor) =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(p, q))).dataSync()[0]);
    for (const [p, q] of [[gx1, gx2], [gw1, gw2], [v1, v2]]) expect(maxDiff(p, q)).toBeLessThan(1e-5);
    tf.dispose([x, w, up, gx1, gw1, gx2, gw2, v1, v2]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('feature pipeline agreement', () => {
  it('uses the model feature config: embedSamples equals embedFeatures on the same MFCCs when there is no silence', async () => {
    await initBackend();
    const e = createEmbedder();
    const x = voiceLike(2, 150, 3);
    // the signal is all voiced (the envelope never reaches 0), so speech detection keeps everything
    const a = e.embedSamples(x);
    const b = e.embedFeatures(computeMfcc(x, e.featureConfig));
    a.forEach((v, k) => expect(v).toBeCloseTo(b[k], 5));
    e.dispose();
  });
});
