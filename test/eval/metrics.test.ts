import { describe, expect, it } from 'vitest';
import { computeEer, computeMinDcf, detCurve, thresholdForFar } from '../../src/eval/metrics';

describe('eval metrics', () => {
  it('gives EER 0 for perfectly separated scores, with a threshold between the classes', () => {
    const r = computeEer([0.8, 0.9, 0.7], [0.1, 0.2, 0.3]);
    expect(r.eer).toBe(0);
    expect(r.threshold).toBeGreaterThan(0.3);
    expect(r.threshold).toBeLessThanOrEqual(0.7);
  });

  it('gives EER 0.5 for identical distributions and 1 for inverted ones', () => {
    expect(computeEer([0.1, 0.5, 0.9], [0.1, 0.5, 0.9]).eer).toBeCloseTo(0.5, 6);
    expect(computeEer([0.1, 0.2], [0.8, 0.9]).eer).toBeCloseTo(1, 6);
  });

  it('matches a brute-force EER on a hand-made case', () => {
    // 4 targets, 4 non-targets, one of each on the wrong side: EER = 0.25.
    const tar = [0.9, 0.8, 0.7, 0.2];
    const non = [0.1, 0.3, 0.4, 0.75];
    expect(computeEer(tar, non).eer).toBeCloseTo(0.25, 6);
  });

  it('DET runs from (pfa 1, pmiss 0) to (pfa 0, pmiss 1), monotonically', () => {
    const det = detCurve([0.3, 0.6, 0.9], [0.1, 0.5, 0.7]);
    expect(det[0]).toMatchObject({ pfa: 1, pmiss: 0 });
    expect(det.at(-1)).toMatchObject({ pfa: 0, pmiss: 1 });
    for (let i = 1; i < det.length; i++) {
      expect(det[i].pfa).toBeLessThanOrEqual(det[i - 1].pfa);
      expect(det[i].pmiss).toBeGreaterThanOrEqual(det[i - 1].pmiss);
    }
  });

  it('minDCF is 0 for separable scores and at most 1 otherwise', () => {
    expect(computeMinDcf([0.9, 0.8], [0.1, 0.2]).minDcf).toBe(0);
    const m = computeMinDcf([0.1, 0.5, 0.9], [0.1, 0.5, 0.9]).minDcf;
    expect(m).toBeGreaterThan(0);
    expect(m).toBeLessThanOrEqual(1);
  });

  it('finds a threshold for a target false-accept rate, halfway between two non-target scores', () => {
    const p = thresholdForFar([0.9, 0.8, 0.6], [0.1, 0.2, 0.7, 0.3], 0.25);
    expect(p).toEqual({ threshold: 0.5, pfa: 0.25, pmiss: 0 });
    const same = [0.9, 0.8, 0.7, 0.6, 0.3];
    const diff = [0.65, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0, -0.1, -0.2, -0.3];
    const desc = [...diff].sort((a, b) => b - a);
    for (const target of [0, 0.05, 0.1, 0.2, 0.35, 1]) {
      const c = thresholdForFar(same, diff, target);
      expect(c.pfa).toBeLessThanOrEqual(target + 1e-12);
      // ...and above the next non-target score, which would push the rate past the target.
      const k = Math.floor(target * diff.length);
      if (k < diff.length) {
        expect(c.threshold).toBeGreaterThan(desc[k]);
        expect(diff.filter((s) => s >= desc[k]).length / diff.length).toBeGreaterThan(target);
      }
    }
    expect(thresholdForFar(same, diff, 0.1).threshold).toBeCloseTo(0.575, 6);
    expect(thresholdForFar(same, diff, 0).threshold).toBeCloseTo(0.651, 9);
    expect(thresholdForFar(same, [0.9995], 0).threshold).toBe(1);
    expect(() => thresholdForFar(same, [], 0.1)).toThrow(RangeError);
  });

  it('rejects empty score lists', () => {
    expect(() => computeEer([], [0.1])).toThrow(RangeError);
  });
});
