import { describe, expect, it } from 'vitest';
import { actDcf, cllr, minCllr, ratesAt } from '../../src/calibration/metrics';

describe('calibration metrics', () => {
  it('Cllr is 1 bit for a system that always says llr = 0, near 0 for confident right answers', () => {
    expect(cllr([0, 0], [0, 0, 0])).toBeCloseTo(1, 12);
    expect(cllr([20, 30], [-25, -20])).toBeLessThan(1e-6);
    // Confidently wrong costs more than saying nothing.
    expect(cllr([-5], [5])).toBeGreaterThan(1);
  });

  it('matches the definition on a hand-computed case', () => {
    // 0.5 * (log2(1 + e^-1) + log2(1 + e^-2))
    const want = 0.5 * (Math.log2(1 + Math.exp(-1)) + Math.log2(1 + Math.exp(-2)));
    expect(cllr([1], [-2])).toBeCloseTo(want, 12);
  });

  it('minCllr is 0 for separable scores, at most Cllr, and invariant to monotonic maps', () => {
    expect(minCllr([3, 4, 5], [0, 1, 2])).toBeLessThan(1e-4);
    const tar = [0.9, 0.4, 0.8, 0.3, 0.75];
    const non = [0.1, 0.5, 0.2, 0.35, 0.05, 0.6];
    const m = minCllr(tar, non);
    expect(m).toBeLessThanOrEqual(cllr(tar, non) + 1e-12);
    expect(minCllr(tar.map((x) => 10 * x ** 3 - 4), non.map((x) => 10 * x ** 3 - 4))).toBeCloseTo(m, 9);
    // Fully overlapping classes carry no information.
    expect(minCllr([1, 2], [1, 2])).toBeCloseTo(1, 6);
  });

  it('actDcf uses the Bayes threshold -logit(p)', () => {
    const r = actDcf([5, 4], [-5, 4.7], 0.01);
    expect(r.threshold).toBeCloseTo(Math.log(99), 12);
    expect(r.falseAcceptRate).toBe(0.5);
    expect(r.falseRejectRate).toBe(0.5);
    expect(r.actDcf).toBeCloseTo((0.01 * 0.5 + 0.99 * 0.5) / 0.01, 9);
    expect(ratesAt([1, 2], [0, 1], 1)).toEqual({ falseAcceptRate: 0.5, falseRejectRate: 0 });
  });
});
