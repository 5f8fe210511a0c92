import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { pairwiseDistance } from '../../src/metric/distances';
import { contrastiveLoss } from '../../src/metric/losses/contrastive';
import { npairsLoss } from '../../src/metric/losses/npairs';
import { ntxentLoss } from '../../src/metric/losses/ntxent';
import { supconLoss } from '../../src/metric/losses/supcon';
import { tfaTripletHardLoss, tfaTripletSemiHardLoss } from '../../src/metric/losses/tfa';
import { tripletMarginLoss } from '../../src/metric/losses/triplet';
import { tripletTerms } from '../../src/metric/losses/triplet-terms';
import {
  allValidTriplets,
  batchHardRef,
  contrastivePmlRef,
  hadsellRef,
  matrix,
  npairsRef,
  ntxentRef,
  randomMatrix,
  relu,
  supconRef,
  tfaHardRef,
  tfaSemiHardRef,
  tripletRef,
  type Mat,
  type Triplet,
} from './helpers/reference';
import { expectClose, runLoss } from './helpers/run';

// Hand-made: two tight pairs per class, one class-1 point (5) sitting among class 0.
const E: Mat = [
  [0, 0],
  [0.3, 0.1],
  [2, 2],
  [2.2, 1.7],
  [-1, 0.5],
  [0.2, -0.4],
].map((r) => r.map(Math.fround));
const Y = [0, 0, 1, 1, 0, 1];

const RANDOM = [
  ...[1, 2, 3].map((seed) => ({ E: randomMatrix(16, 5, seed, 2), y: Array.from({ length: 16 }, (_, i) => i % 4) })),
  // Classes 1, 3, 5 and 7 have a single member: anchors without a positive.
  { E: randomMatrix(14, 5, 4, 3), y: [0, 0, 0, 1, 2, 2, 3, 4, 4, 4, 5, 6, 6, 7] },
];

describe('losses against plain loops', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('triplet terms on hand-listed triplets equal the loop, for relu and both reducers', () => {
    const listed: Triplet[] = [
      [0, 1, 2],
      [0, 1, 5],
      [0, 4, 5],
      [5, 2, 0],
      [5, 3, 1],
      [2, 3, 4],
      [3, 2, 5],
    ];
    const trip = {
      a: Int32Array.from(listed.map((t) => t[0])),
      p: Int32Array.from(listed.map((t) => t[1])),
      n: Int32Array.from(listed.map((t) => t[2])),
    };
    for (const metric of ['l2', 'squared-l2'] as const) {
      for (const reducer of ['avg-nonzero', 'mean'] as const) {
        const D = matrix(E, metric);
        const want = tripletRef(D, listed, 0.5, reducer);
        const active = listed.filter(([a, p, n]) => relu(D[a][p] - D[a][n] + 0.5) > 0).length;
        const e = tf.tensor2d(E);
        const before = tf.memory().numTensors;
        const dist = pairwiseDistance(e, { metric });
        const t = tripletTerms(dist, dist.dataSync(), trip, { margin: 0.5, reducer });
        expectClose(t.loss.dataSync()[0], want);
        expect(t.active).toBe(active);
        expect(active).toBeGreaterThan(0);
        expect(active).toBeLessThan(listed.length);
        tf.dispose([dist, t.loss]);
        expect(tf.memory().numTensors).toBe(before);
        e.dispose();
      }
    }
  });

  it('pml triplet margin loss: all triplets, batch-hard, mined, unnormalised and normalised', () => {
    for (const { E: X, y } of [{ E, y: Y }, ...RANDOM]) {
      for (const normalize of [false, true]) {
        const D = matrix(X, 'l2', normalize);
        const all = runLoss(X, (e) => tripletMarginLoss(e, y, { margin: 0.3, normalize }));
        expectClose(all.value, tripletRef(D, allValidTriplets(y), 0.3));
        expect(all.result.stats.items).toBe(allValidTriplets(y).length);
        const bh = runLoss(X, (e) => tripletMarginLoss(e, y, { margin: 0.3, normalize, mining: 'batch-hard', reducer: 'mean' }));
        expectClose(bh.value, tripletRef(D, batchHardRef(D, y), 0.3, 'mean'));
      }
    }
  });

  it('TFA semi-hard and hard losses (L2, squared-L2, angular; hard also soft)', () => {
    for (const { E: X, y } of [{ E, y: Y }, ...RANDOM]) {
      for (const metric of ['L2', 'squared-L2', 'angular'] as const) {
        const D = matrix(X, metric === 'L2' ? 'l2' : metric === 'squared-L2' ? 'squared-l2' : 'angular');
        for (const margin of [0.2, 1]) {
          const sh = runLoss(X, (e) => tfaTripletSemiHardLoss(e, y, { margin, metric }));
          const ref = tfaSemiHardRef(D, y, margin);
          expectClose(sh.value, ref.value);
          expect(sh.result.stats.fallbacks).toBe(ref.fallback.length);
          expectClose(runLoss(X, (e) => tfaTripletHardLoss(e, y, { margin, metric })).value, tfaHardRef(D, y, margin).value);
        }
        expectClose(runLoss(X, (e) => tfaTripletHardLoss(e, y, { metric, soft: true })).value, tfaHardRef(D, y, 0, true).value);
      }
    }
  });

  it('the hand-made batch exercises the TFA fallback (point 5 sits inside class 0)', () => {
    const ref = tfaSemiHardRef(matrix(E, 'l2'), Y, 1);
    expect(ref.fallback.length).toBeGreaterThan(0);
  });

  it('contrastive: Hadsell and pml forms', () => {
    for (const { E: X, y } of [{ E, y: Y }, ...RANDOM]) {
      const D = matrix(X, 'l2');
      expectClose(runLoss(X, (e) => contrastiveLoss(e, y, { margin: 1.5 })).value, hadsellRef(D, y, 1.5));
      const pml = runLoss(X, (e) => contrastiveLoss(e, y, { form: 'pml', posMargin: 0.1, negMargin: 2, normalize: false }));
      const ref = contrastivePmlRef(D, y, 0.1, 2);
      expectClose(pml.value, ref.value);
      expectClose(pml.result.components!.posLoss, ref.pos);
      expectClose(pml.result.components!.negLoss, ref.neg);
    }
  });

  it('N-pairs (cosine and raw dot), NT-Xent and SupCon', () => {
    for (const { E: X, y } of [{ E, y: Y }, ...RANDOM]) {
      for (const normalize of [true, false]) {
        const r = runLoss(X, (e) => npairsLoss(e, y, { normalize }));
        const ref = npairsRef(X, y, normalize);
        expectClose(r.value, ref.value, 1e-5, 1e-6);
        expect(r.result.pairs).toEqual(ref.pairs);
      }
      for (const T of [0.05, 0.5]) {
        expectClose(runLoss(X, (e) => ntxentLoss(e, y, { temperature: T })).value, ntxentRef(X, y, T));
        expectClose(runLoss(X, (e) => supconLoss(e, y, { temperature: T })).value, supconRef(X, y, T));
      }
    }
  });

  it('stays finite at a tiny temperature where exp would overflow float32', () => {
    const X = RANDOM[0].E;
    const y = RANDOM[0].y;
    for (const fn of [ntxentLoss, supconLoss]) {
      const r = runLoss(X, (e) => fn(e, y, { temperature: 0.005 }));
      expect(Number.isFinite(r.value)).toBe(true);
    }
    expectClose(runLoss(X, (e) => ntxentLoss(e, y, { temperature: 0.005 })).value, ntxentRef(X, y, 0.005), 1e-4);
  });
});
