import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { collapsedFraction, l2Normalize, pairwiseDistance, safeSqrt, type DistanceMetric } from '../../src/metric/distances';
import { matrix, randomMatrix, type Mat } from './helpers/reference';

function leakFree<T>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const out = fn();
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

function distanceOf(E: Mat, metric: DistanceMetric, normalize = false): Mat {
  return leakFree(() => {
    const e = tf.tensor2d(E);
    const d = pairwiseDistance(e, { metric, normalize });
    const out = d.arraySync() as Mat;
    tf.dispose([e, d]);
    return out;
  });
}

function gradOf(E: Mat, f: (x: tf.Tensor2D) => tf.Scalar): number[] {
  return leakFree(() => {
    const e = tf.tensor2d(E);
    const g = tf.grad((x: tf.Tensor) => f(x as tf.Tensor2D))(e);
    const out = Array.from(g.dataSync());
    tf.dispose([e, g]);
    return out;
  });
}

describe('pairwise distances', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it.each(['l2', 'squared-l2', 'angular', 'cosine', 'dot'] as DistanceMetric[])('%s matches float64, normalised or not', (metric) => {
    const E = randomMatrix(10, 6, 3, 2);
    for (const normalize of [false, true]) {
      const got = distanceOf(E, metric, normalize);
      const want = matrix(E, metric, normalize);
      got.flat().forEach((v, i) => expect(Math.abs(v - want.flat()[i])).toBeLessThan(2e-5 * Math.max(1, Math.abs(want.flat()[i]))));
      if (metric !== 'cosine' && metric !== 'dot') got.forEach((r, i) => expect(r[i]).toBe(0));
    }
  });

  it('stays accurate for a batch far from the origin (centring removes the offset)', () => {
    const E = randomMatrix(8, 4, 5);
    const far = E.map((r) => r.map((v) => Math.fround(v + 300)));
    const got = distanceOf(far, 'squared-l2');
    const want = matrix(far, 'squared-l2');
    got.flat().forEach((v, i) => expect(Math.abs(v - want.flat()[i])).toBeLessThan(1e-4 * Math.max(1, want.flat()[i])));
  });

  it('has finite gradients for identical rows and zero rows (no NaN from sqrt or the norm at 0)', () => {
    const E = [
      [1, 2, 3],
      [1, 2, 3],
      [0, 0, 0],
      [-1, 0.5, 2],
    ];
    for (const metric of ['l2', 'angular', 'cosine'] as DistanceMetric[]) {
      for (const normalize of [false, true]) {
        const g = gradOf(E, (x) => tf.sum(pairwiseDistance(x, { metric, normalize })) as tf.Scalar);
        expect(g.every(Number.isFinite)).toBe(true);
      }
    }
    expect(distanceOf(E, 'l2')[0][1]).toBe(0);
    expect(distanceOf(E, 'cosine')[2]).toEqual([0, 0, 0, 0]);
  });

  it('safeSqrt has value and gradient 0 at 0 and the ordinary ones elsewhere', () => {
    const g = gradOf([[0, 4]], (x) => tf.sum(safeSqrt(x)) as tf.Scalar);
    expect(g).toEqual([0, 0.25]);
    leakFree(() => {
      const x = tf.tensor1d([0, 4, 1e-14]);
      const s = safeSqrt(x);
      expect(Array.from(s.dataSync())).toEqual([0, 2, 0]);
      tf.dispose([x, s]);
    });
  });

  it('l2Normalize keeps a zero row at zero', () => {
    leakFree(() => {
      const x = tf.tensor2d([
        [3, 4],
        [0, 0],
      ]);
      const n = l2Normalize(x);
      expect(n.arraySync()).toEqual([
        [0.6000000238418579, 0.800000011920929],
        [0, 0],
      ]);
      tf.dispose([x, n]);
    });
  });
});

describe('collapsedFraction', () => {
  it('counts unordered pairs closer than the threshold, in float64', () => {
    const E = [1, 0, 1, 0, 1, 0.0005, 0, 1];
    expect(collapsedFraction(E, 4, 2)).toBeCloseTo(3 / 6, 12);
    expect(collapsedFraction(E, 4, 2, { threshold: 1e-4 })).toBeCloseTo(1 / 6, 12);
    expect(collapsedFraction([2, 0, 5, 0], 2, 2, { normalize: true })).toBe(1);
    expect(collapsedFraction([1, 2], 1, 2)).toBe(0);
  });
});
