import { describe, expect, it } from 'vitest';
import { histogram, probit, ratesAt, thresholdForFar, detSeries } from '../../renderer/src/lib/calibration';

describe('calibration helpers', () => {
  const same = [0.9, 0.8, 0.7, 0.6, 0.3];
  const diff = [0.65, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0, -0.1, -0.2, -0.3];

  it('rates at a threshold count score >= threshold as accepted', () => {
    expect(ratesAt(0.5, same, diff)).toEqual({ threshold: 0.5, far: 0.2, frr: 0.2 });
  });

  it('threshold for a target FAR accepts at most that share of different-speaker trials', () => {
    for (const target of [0, 0.05, 0.1, 0.2, 0.35, 1]) {
      const c = thresholdForFar(target, same, diff);
      expect(c.far).toBeLessThanOrEqual(target + 1e-12);
      // ...and sits just above the next different-speaker score, which would push FAR past the target.
      const desc = [...diff].sort((a, b) => b - a);
      const k = Math.floor(target * diff.length);
      if (k < diff.length) {
        expect(c.threshold).toBeGreaterThan(desc[k]);
        expect(ratesAt(desc[k], same, diff).far).toBeGreaterThan(target);
      }
    }
    expect(thresholdForFar(0.1, same, diff).threshold).toBeCloseTo(0.575, 6);
  });

  it('refuses an empty different-speaker list', () => {
    expect(() => thresholdForFar(0.1, same, [])).toThrow(RangeError);
  });

  it('histogram shares sum to one per list', () => {
    const h = histogram(same, diff, 8);
    expect(h.edges).toHaveLength(9);
    expect(h.same.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(h.different.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('probit inverts the normal CDF at known points', () => {
    expect(probit(0.5)).toBeCloseTo(0, 9);
    expect(probit(0.975)).toBeCloseTo(1.959964, 5);
    expect(probit(0.001)).toBeCloseTo(-3.090232, 5);
    expect(probit(0)).toBe(-Infinity);
  });

  it('DET series is sorted by false-accept rate and finite', () => {
    const s = detSeries([{ pfa: 1, pmiss: 0 }, { pfa: 0.5, pmiss: 0.1 }, { pfa: 0, pmiss: 1 }]);
    expect(s.x).toEqual([...s.x].sort((a, b) => a - b));
    expect(s.x.every(Number.isFinite) && s.y.every(Number.isFinite)).toBe(true);
  });
});
