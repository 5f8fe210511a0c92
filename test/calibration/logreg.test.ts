import { describe, expect, it } from 'vitest';
import { fitLogReg, fitLogRegWeighted } from '../../src/calibration/logreg';
import { makeRng } from '../../src/util/rng';

/** Gaussian draws by Box-Muller from the seeded PRNG. */
function gauss(rng: ReturnType<typeof makeRng>): number {
  const u = Math.max(1e-12, rng.next());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

describe('fitLogReg', () => {
  it('recovers the llr of two Gaussian classes (known in closed form)', () => {
    // Targets ~ N(1, 1), non-targets ~ N(-1, 1): the true llr is 2x exactly.
    const rng = makeRng(7);
    const tar = Array.from({ length: 4000 }, () => [1 + gauss(rng)]);
    const non = Array.from({ length: 4000 }, () => [-1 + gauss(rng)]);
    const f = fitLogReg(tar, non, { ridge: 0 });
    expect(f.weights[0]).toBeCloseTo(2, 1);
    expect(Math.abs(f.bias)).toBeLessThan(0.1);
  });

  it('gives the same llr whatever the class proportions (prior weighting)', () => {
    const rng = makeRng(8);
    const tar = Array.from({ length: 500 }, () => [1 + gauss(rng)]);
    const non = Array.from({ length: 5000 }, () => [-1 + gauss(rng)]);
    const f = fitLogReg(tar, non, { ridge: 0 });
    expect(f.weights[0]).toBeCloseTo(2, 0);
    expect(Math.abs(f.bias)).toBeLessThan(0.2);
  });

  it('lets a zero-weight row change nothing, and refuses a single class', () => {
    const rows = [
      { x: [1], target: true, weight: 1 },
      { x: [0.5], target: true, weight: 1 },
      { x: [-1], target: false, weight: 1 },
      { x: [0.2], target: false, weight: 1 },
    ];
    const a = fitLogRegWeighted(rows);
    const b = fitLogRegWeighted([...rows, { x: [50], target: false, weight: 0 }]);
    expect(b.weights[0]).toBeCloseTo(a.weights[0], 9);
    expect(() => fitLogReg([[1]], [])).toThrow(/target and non-target/);
  });
});
