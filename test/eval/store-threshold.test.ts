/** The store calibration rule (src/eval/store-threshold.ts): inside the gap, pulled to the prior, asks before trusting thin evidence. */
import { describe, expect, it } from 'vitest';
import { adviseThreshold, boundText, MIN_TARGET_TRIALS, ratesAt, validationPoints, validationRates } from '../../src/eval/store-threshold';

// A household of 3 LibriSpeech speakers x 4 takes, leave-one-out (12 target, 24 non-target).
const TAR = [0.898, 0.91, 0.921, 0.93, 0.935, 0.94, 0.945, 0.95, 0.955, 0.96, 0.968, 0.974];
const NON = Array.from({ length: 24 }, (_, i) => 0.007 + (i * (0.694 - 0.007)) / 23);
const PRIOR = 0.5765;

describe('adviseThreshold', () => {
  it('separable scores: strictly inside the gap, on no trial, and nearer the prior than the gap middle', () => {
    const a = adviseThreshold(TAR, NON, PRIOR);
    expect(a.gap).toEqual([0.694, 0.898]);
    expect(a.threshold).toBeGreaterThan(0.694);
    expect(a.threshold).toBeLessThan(0.898);
    expect([...TAR, ...NON]).not.toContain(a.threshold);
    expect(a.threshold).toBeLessThan(a.fromTrials);
    expect(a.fromTrials).toBeCloseTo((0.694 + 0.898) / 2, 12);
    expect(a.rates).toEqual({ far: 0, frr: 0 });
    // A further genuine recording scoring 0.7746 is accepted; the lowest target score (0.898) as threshold refused it.
    expect(0.7746).toBeGreaterThanOrEqual(a.threshold);
    expect(a.needsConfirmation).toBe(false);
    expect(a.notes.join(' ')).toMatch(/one sitting/);
  });

  it('moves from the prior towards the trials as same-speaker trials grow', () => {
    const non = [0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.25, 0.15];
    const at = (n: number) => adviseThreshold(Array.from({ length: n }, (_, i) => 0.9 + (i % 5) * 0.01), non, 0.8);
    // The prior 0.8 lies inside the gap [0.3, 0.9]; the gap's middle is 0.6.
    const t = [2, 10, 40, 400].map((n) => at(n).threshold);
    expect(t[0]).toBeLessThan(0.8);
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeLessThan(t[i - 1]);
    expect(t[3]).toBeGreaterThan(0.6);
    expect(at(400).weight).toBeGreaterThan(0.9);
  });

  it('overlapping scores: between the prior and the EER threshold, no gap', () => {
    const tar = [0.5, 0.6, 0.7, 0.8, 0.9, 0.55, 0.65, 0.75, 0.85, 0.95, 0.4, 0.45];
    const non = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.15, 0.25, 0.35, 0.45, 0.05, 0.3];
    const a = adviseThreshold(tar, non, 0.3);
    expect(a.gap).toBeNull();
    expect(a.threshold).toBeGreaterThan(0.3);
    expect(a.threshold).toBeLessThan(a.fromTrials);
    expect(a.rates).toEqual(ratesAt(a.threshold, tar, non));
  });

  it('is scale-agnostic: an increasing affine map of scores and prior maps the threshold the same way', () => {
    const f = (x: number) => 12 * x - 5; // e.g. a log-likelihood-ratio calibration
    const a = adviseThreshold(TAR, NON, PRIOR);
    const b = adviseThreshold(TAR.map(f), NON.map(f), f(PRIOR), { nearDuplicate: f(0.98) });
    expect(b.threshold).toBeCloseTo(f(a.threshold), 9);
    expect(b.rates).toEqual(a.rates);
    expect(b.needsConfirmation).toBe(a.needsConfirmation);
  });

  it('asks for confirmation below the minimum of trials and with near-duplicate takes, saying why', () => {
    const few = adviseThreshold(TAR.slice(0, MIN_TARGET_TRIALS - 1), NON, PRIOR);
    expect(few.needsConfirmation).toBe(true);
    expect(few.reasons.join(' ')).toMatch(/Only 9 same-speaker/);
    const dup = adviseThreshold([...TAR, 0.999], NON, PRIOR);
    expect(dup.nearDuplicates).toBe(1);
    expect(dup.needsConfirmation).toBe(true);
    expect(dup.reasons.join(' ')).toMatch(/same recording/);
    const none = adviseThreshold([], NON, PRIOR);
    expect(none).toMatchObject({ threshold: PRIOR, needsConfirmation: true });
  });
});

describe('validation rates', () => {
  const card = {
    'validation/arabic': { eer: 0.05, eerThreshold: 0.47 },
    'validation/libri': { eer: 0, eerThreshold: 0.83 },
    'libri-dev': { eer: 0.01, eerThreshold: 0.64 },
  };
  it('reads the validation entries only, and bounds the rates from each EER point', () => {
    const v = validationPoints(card);
    expect(v.map((p) => p.name)).toEqual(['arabic', 'libri']);
    const above = validationRates(0.6, v[0]);
    expect([boundText(above.far), boundText(above.frr)]).toEqual(['at most 5.0 %', 'at least 5.0 %']);
    const below = validationRates(0.6, v[1]);
    expect([boundText(below.far), boundText(below.frr)]).toEqual(['not recorded', '0.0 %']);
    expect(boundText(validationRates(0.47, v[0]).far)).toBe('5.0 %');
    expect(adviseThreshold(TAR, NON, PRIOR).notes.join(' ')).toMatch(/records no validation trials/);
    expect(adviseThreshold(TAR, NON, PRIOR, { validation: v }).validation).toHaveLength(2);
  });
});
