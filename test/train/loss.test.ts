import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { makeLoss } from '../../src/metric';
import { perMemberLoss } from '../../src/train/loss';

/** Rows of `n` random unit vectors of dimension `d` (Lehmer generator). */
function unitRows(n: number, d: number, seed: number): number[][] {
  let s = seed;
  return Array.from({ length: n }, () => {
    const v = Array.from({ length: d }, () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

describe('perMemberLoss', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('is the loss itself for one member', () => {
    const f = makeLoss({ loss: 'triplet', mining: 'tfa-semihard', margin: 0.2 });
    expect(perMemberLoss(f, 1)).toBe(f);
  });

  it('averages the loss over the members\u2019 re-normalised parts of an ensemble embedding', () => {
    const before = tf.memory().numTensors;
    const f = makeLoss({ loss: 'triplet', mining: 'tfa-semihard', margin: 0.2 });
    const labels = Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]);
    const [a, b] = [unitRows(8, 6, 3), unitRows(8, 6, 9)];
    // the ensemble output: each member's unit embedding, concatenated and re-normalised (1/sqrt 2)
    const joint = a.map((r, i) => [...r, ...b[i]].map((x) => x / Math.SQRT2));
    const got = tf.tidy(() => {
      const r = perMemberLoss(f, 2)(tf.tensor2d(joint), labels);
      return { loss: r.loss.dataSync()[0], active: r.stats.activeFraction };
    });
    const want = tf.tidy(() => {
      const ra = f(tf.tensor2d(a), labels);
      const rb = f(tf.tensor2d(b), labels);
      return { loss: (ra.loss.dataSync()[0] + rb.loss.dataSync()[0]) / 2, active: (ra.stats.activeFraction + rb.stats.activeFraction) / 2 };
    });
    expect(got.loss).toBeCloseTo(want.loss, 5);
    expect(got.active).toBeCloseTo(want.active, 10);
    // not the loss of the joint embedding taken as one
    const whole = tf.tidy(() => f(tf.tensor2d(joint), labels).loss.dataSync()[0]);
    expect(Math.abs(whole - want.loss)).toBeGreaterThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });
});
