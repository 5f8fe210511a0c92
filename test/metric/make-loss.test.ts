import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { InvalidArgumentError } from '../../src/errors';
import { makeLoss, type LossConfig } from '../../src/metric/make-loss';

function batch(b: number, d: number, classes: number, seed = 1): { e: tf.Tensor2D; y: Int32Array } {
  const e = tf.tidy(() => {
    const x = tf.randomNormal([b, d], 0, 1, 'float32', seed);
    return tf.div(x, tf.norm(x, 'euclidean', 1, true)) as tf.Tensor2D;
  });
  return { e, y: Int32Array.from({ length: b }, (_, i) => i % classes) };
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
    const fn = makeLoss(config);
    const { e, y } = batch(24, 16, 6);
    const before = tf.memory().numTensors;
    let stats!: ReturnType<typeof fn>['stats'];
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => {
      const r = fn(x as tf.Tensor2D, y);
      stats = r.stats;
      return r.loss;
    })(e);
    const v = value.dataSync()[0];
    const g = grad.dataSync();
    tf.dispose([value, grad]);
    expect(tf.memory().numTensors).toBe(before);
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
      const fn = makeLoss(config);
      const { e } = batch(6, 4, 6);
      const y = Int32Array.from([0, 1, 2, 3, 4, 5]);
      let warnings: string[] = [];
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => {
        const r = fn(x as tf.Tensor2D, y);
        warnings = r.stats.warnings;
        return r.loss;
      })(e);
      expect(Math.abs(value.dataSync()[0])).toBe(0);
      expect(Array.from(grad.dataSync()).every((g) => g === 0)).toBe(true);
      expect(warnings.join(' ')).toMatch(/no positive pair/);
      tf.dispose([value, grad, e]);
    }
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
