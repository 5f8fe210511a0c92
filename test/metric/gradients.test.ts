/**
 * Finite-difference gradient checks: tf.grad of each float32 loss against central differences
 * of the float64 reference loops (test/metric/helpers/reference.ts) on a small batch with a
 * singleton class. The batch is generic, so no mining decision or relu flips within h.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import type { LossResult } from '../../src/metric/losses/common';
import { contrastiveLoss } from '../../src/metric/losses/contrastive';
import { npairsLoss } from '../../src/metric/losses/npairs';
import { ntxentLoss } from '../../src/metric/losses/ntxent';
import { supconLoss } from '../../src/metric/losses/supcon';
import { tfaTripletHardLoss, tfaTripletSemiHardLoss } from '../../src/metric/losses/tfa';
import { tripletMarginLoss } from '../../src/metric/losses/triplet';
import * as ref from './helpers/reference';
import { runGrad } from './helpers/run';

const X = ref.randomMatrix(9, 4, 11, 1.5);
const y = [0, 0, 0, 1, 1, 1, 2, 2, 3];

type Case = [string, (e: tf.Tensor2D) => LossResult, (E: ref.Mat) => number];
const CASES: Case[] = [
  ['tfa semi-hard L2', (e) => tfaTripletSemiHardLoss(e, y, { margin: 1 }), (E) => ref.tfaSemiHardRef(ref.matrix(E, 'l2'), y, 1).value],
  ['tfa semi-hard squared-L2', (e) => tfaTripletSemiHardLoss(e, y, { margin: 0.5, metric: 'squared-L2' }), (E) => ref.tfaSemiHardRef(ref.matrix(E, 'squared-l2'), y, 0.5).value],
  ['tfa semi-hard angular', (e) => tfaTripletSemiHardLoss(e, y, { margin: 0.5, metric: 'angular' }), (E) => ref.tfaSemiHardRef(ref.matrix(E, 'angular'), y, 0.5).value],
  ['tfa hard L2', (e) => tfaTripletHardLoss(e, y, { margin: 1 }), (E) => ref.tfaHardRef(ref.matrix(E, 'l2'), y, 1).value],
  ['tfa hard soft', (e) => tfaTripletHardLoss(e, y, { soft: true }), (E) => ref.tfaHardRef(ref.matrix(E, 'l2'), y, 0, true).value],
  [
    'pml triplet, normalised in the graph',
    (e) => tripletMarginLoss(e, y, { margin: 0.4 }),
    (E) => ref.tripletRef(ref.matrix(E, 'l2', true), ref.allValidTriplets(y), 0.4),
  ],
  [
    'pml batch-hard, mean',
    (e) => tripletMarginLoss(e, y, { margin: 0.4, mining: 'batch-hard', normalize: false, reducer: 'mean' }),
    (E) => ref.tripletRef(ref.matrix(E, 'l2'), ref.batchHardRef(ref.matrix(E, 'l2'), y), 0.4, 'mean'),
  ],
  ['contrastive Hadsell', (e) => contrastiveLoss(e, y, { margin: 2 }), (E) => ref.hadsellRef(ref.matrix(E, 'l2'), y, 2)],
  ['contrastive pml', (e) => contrastiveLoss(e, y, { form: 'pml', negMargin: 1.2 }), (E) => ref.contrastivePmlRef(ref.matrix(E, 'l2', true), y, 0, 1.2).value],
  ['N-pairs', (e) => npairsLoss(e, y), (E) => ref.npairsRef(E, y).value],
  ['NT-Xent', (e) => ntxentLoss(e, y, { temperature: 0.2 }), (E) => ref.ntxentRef(E, y, 0.2)],
  ['SupCon', (e) => supconLoss(e, y, { temperature: 0.2 }), (E) => ref.supconRef(E, y, 0.2)],
];

describe('gradients match finite differences', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it.each(CASES)('%s', (_, fn, f) => {
    const { value, grad } = runGrad(X, fn);
    const num = ref.numericGrad(f, X);
    expect(Math.abs(value - f(X))).toBeLessThan(1e-5 * Math.max(1, Math.abs(f(X))));
    const scale = Math.max(...num.flat().map(Math.abs));
    expect(scale).toBeGreaterThan(1e-3);
    const worst = Math.max(...grad.flat().map((g, i) => Math.abs(g - num.flat()[i])));
    expect(worst).toBeLessThan(1e-4 * scale);
  });
});
