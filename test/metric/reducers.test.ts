import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { reduceLosses, reducerDivisor } from '../../src/metric/reducers';
import { batchWarnings, WARN_COLLAPSED, WARN_NO_NEGATIVE, WARN_NO_POSITIVE } from '../../src/metric/stats';

describe('reducers', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('mean, avg-nonzero and sum over the masked items, with the count as a constant', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([0, 2, 0, 4, 9]);
    const mask = [1, 1, 1, 1, 0];
    const cases = [
      ['mean', 6 / 4],
      ['avg-nonzero', 6 / 2],
      ['sum', 6],
    ] as const;
    for (const [reducer, want] of cases) {
      const r = reduceLosses(x, reducer, mask);
      expect(r.loss.dataSync()[0]).toBeCloseTo(want, 6);
      expect([r.items, r.nonZero]).toEqual([4, 2]);
      const g = tf.grad((v: tf.Tensor) => reduceLosses(v, reducer, mask).loss)(x);
      const w = reducer === 'sum' ? 1 : 1 / (reducer === 'mean' ? 4 : 2);
      const expected = [reducer === 'avg-nonzero' ? 0 : w, w, reducer === 'avg-nonzero' ? 0 : w, w, 0];
      expect(Array.from(g.dataSync())).toEqual(expected.map(Math.fround));
      tf.dispose([r.loss, g]);
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives 0 (not 0/0) when nothing counts', () => {
    expect(reducerDivisor('avg-nonzero', 5, 0)).toBe(0);
    expect(reducerDivisor('mean', 0, 0)).toBe(0);
    const x = tf.zeros([3]);
    const r = reduceLosses(x, 'avg-nonzero');
    expect(r.loss.dataSync()[0]).toBe(0);
    tf.dispose([x, r.loss]);
  });
});

describe('batch warnings', () => {
  it('name the problem and the fix', () => {
    expect(batchWarnings(0, 10, 0)).toEqual([WARN_NO_POSITIVE]);
    expect(batchWarnings(4, 0, 0.6)).toEqual([WARN_NO_NEGATIVE, WARN_COLLAPSED]);
    expect(batchWarnings(4, 10, 0.1)).toEqual([]);
    expect(WARN_NO_POSITIVE).toMatch(/K >= 2/);
  });
});
