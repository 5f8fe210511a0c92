import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { InvalidArgumentError } from '../../src/errors';
import { makeLoss, type LossConfig, type LossFn } from '../../src/metric/make-loss';
import type { MiningStats } from '../../src/metric/stats';

function batch(b: number, d: number, classes: number, seed = 1): { e: tf.Tensor2D; y: Int32Array } {
  const e = tf.tidy(() => {
    const x = tf.randomNormal([b, d], 0, 1, 'float32', seed);
    return tf.div(x, tf.norm(x, 'euclidean', 1, true)) as tf.Tensor2D;
  });
  return { e, y: Int32Array.from({ length: b }, (_, i) => i % classes) };
}

/** Loss value, gradient and stats of `fn` at `e`; disposes what it made (checked). */
function gradWithStats(fn: LossFn, e: tf.Tensor2D, y: Int32Array): { v: number; g: Float32Array; stats: MiningStats } {
  const before = tf.memory().numTensors;
  let stats!: MiningStats;
  const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => {
    const r = fn(x as tf.Tensor2D, y);
    stats = r.stats;
    return r.loss;
  })(e);
  const out = { v: value.dataSync()[0], g: grad.dataSync() as Float32Array, stats };
  tf.dispose([value, grad]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

const CONFIGS: LossConfig[] = [
  { loss: 'triplet' },
  { loss: 'triplet', mining: 'tfa-hard' },
  { loss: 'triplet', mining: 'tfa-hard', soft: true, distance: 'l2' },
  { loss: 'triplet', mining: 'semihard', distance: 'l2' },
  { loss: 'triplet', mining: 'hard' },
  { loss: 'triplet', mining: 'easy' },
  { loss: 'triplet', mining: 'all', reducer: 'mean' },
  { loss: 'triplet', mining: 'batch-hard', distance: 'angular' },
  { loss: 'triplet', mining: 'random', seed: 3, normalize: true },
  { loss: 'contrastive' },
  { loss: 'contrastive', contrastive: 'pml', posMargin: 0.1, negMargin: 0.8 },
  { loss: 'npair' },
  { loss: 'infonce', temperature: 0.1 },
  { loss: 'supcon' },
];

describe('makeLoss', () => {
  beforeAll(async () => {
    // The wasm backend lacks several gradients (gather's among them); prove ours do not need them.
    process.env.VOXPRINT_BACKEND = 'wasm';
    await initBackend();
    expect(tf.getBackend()).toBe('wasm');
  });

  it.each(CONFIGS)('gives a finite loss and a gradient on wasm (%o)', (config) => {
    const { e, y } = batch(24, 16, 6);
    const { v, g, stats } = gradWithStats(makeLoss(config), e, y);
    e.dispose();
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(0);
    expect(g.every(Number.isFinite)).toBe(true);
    expect(stats.batchSize).toBe(24);
    expect(stats.validTriplets).toBe(24 * 3 * 20);
    expect(stats.items).toBeGreaterThan(0);
    if (config.mining !== 'easy') expect(g.some((x) => x !== 0)).toBe(true);
  });

  it('trains on wasm through optimizer.minimize: the loss goes down', () => {
    const fn = makeLoss({ loss: 'triplet', mining: 'tfa-semihard', margin: 0.5 });
    const { e, y } = batch(16, 8, 4, 7);
    const v = tf.variable(e);
    e.dispose();
    const opt = tf.train.sgd(0.2);
    const losses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const l = opt.minimize(() => fn(v as unknown as tf.Tensor2D, y).loss, true) as tf.Scalar;
      losses.push(l.dataSync()[0]);
      l.dispose();
    }
    v.dispose();
    opt.dispose();
    expect(losses[9]).toBeLessThan(losses[0]);
  });

  it('gives 0, a zero gradient and a warning when no two labels match', () => {
    const configs: LossConfig[] = [
      ...(['tfa-semihard', 'tfa-hard', 'semihard', 'batch-hard', 'all', 'random'] as const).map((mining) => ({ loss: 'triplet' as const, mining })),
      { loss: 'contrastive' },
      { loss: 'contrastive', contrastive: 'pml' },
      { loss: 'npair' },
      { loss: 'infonce' },
      { loss: 'supcon' },
    ];
    for (const config of configs) {
      const { e } = batch(6, 4, 6);
      const { v, g, stats } = gradWithStats(makeLoss(config), e, Int32Array.from([0, 1, 2, 3, 4, 5]));
      e.dispose();
      expect(Math.abs(v)).toBe(0);
      expect(g.every((x) => x === 0)).toBe(true);
      expect(stats.warnings.join(' ')).toMatch(/no positive pair/);
    }
  });

  it('reports mining statistics: active triplets, mean distances, fallbacks', () => {
    const fn = makeLoss({ loss: 'triplet', mining: 'tfa-semihard', distance: 'l2', margin: 0.3 });
    const { e, y } = batch(12, 4, 3, 5);
    const r = fn(e, y);
    const D = tf.tidy(() => {
      const sq = tf.sum(tf.square(tf.sub(tf.expandDims(e, 1), tf.expandDims(e, 0))), 2);
      return tf.sqrt(sq).arraySync() as number[][];
    });
    e.dispose();
    r.loss.dispose();
    const s = r.stats;
    expect(s.items).toBe(12 * 3);
    expect(s.positivePairs).toBe(36);
    expect(s.active).toBeGreaterThan(0);
    expect(s.activeFraction).toBeCloseTo(s.active / s.items, 12);
    let dap = 0;
    for (let a = 0; a < 12; a++) for (let p = 0; p < 12; p++) if (p !== a && y[p] === y[a]) dap += D[a][p];
    expect(s.meanDap).toBeCloseTo(dap / 36, 5);
    expect(s.meanDan!).toBeGreaterThan(0);
    expect(s.fallbacks).toBeGreaterThanOrEqual(0);
    expect(s.collapsedFraction).toBe(0);
    expect(s.warnings).toEqual([]);
  });

  it('flags a collapsed batch and keeps gradients finite at zero distance', () => {
    const y = Int32Array.from([0, 0, 1, 1, 2, 2]);
    const e = tf.tensor2d(Array.from({ length: 6 }, () => [0.6, 0.8, 0]));
    for (const config of CONFIGS) {
      const { v, g, stats } = gradWithStats(makeLoss(config), e, y);
      expect(Number.isFinite(v)).toBe(true);
      expect(g.every(Number.isFinite)).toBe(true);
      expect(stats.collapsedFraction).toBe(1);
      expect(stats.warnings.join(' ')).toMatch(/collapsed/);
    }
    e.dispose();
  });

  it('rejects configurations a user can get wrong, saying what to do', () => {
    expect(() => makeLoss({ loss: 'triplet', margin: -1 })).toThrow(InvalidArgumentError);
    expect(() => makeLoss({ loss: 'triplet', mining: 'nope' as never })).toThrow(/choose one of/);
    expect(() => makeLoss({ loss: 'triplet', mining: 'semihard', soft: true })).toThrow(/soft applies/);
    expect(() => makeLoss({ loss: 'triplet', mining: 'tfa-semihard', reducer: 'mean' })).toThrow(/reducer/);
    expect(() => makeLoss({ loss: 'bogus' as never })).toThrow(/Unknown loss/);
    expect(() => makeLoss({ loss: 'infonce', temperature: 0 })).toThrow(/temperature/);
    expect(() => makeLoss({ loss: 'supcon', mining: 'hard' })).toThrow(/triplet loss only/);
    expect(() => makeLoss({ loss: 'triplet', temperature: 0.1 })).toThrow(/infonce and supcon only/);
    expect(() => makeLoss({ loss: 'contrastive', contrastive: 'pml', margin: 1 })).toThrow(/posMargin/);
    expect(() => makeLoss({ loss: 'contrastive', distance: 'squared-l2' })).toThrow(/Euclidean/);
    const fn = makeLoss({ loss: 'triplet' });
    const { e } = batch(4, 3, 2);
    expect(() => fn(e, Int32Array.from([0, 1, 0]))).toThrow(/one label per embedding/);
    e.dispose();
  });
});
