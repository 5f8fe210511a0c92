import { describe, expect, it } from 'vitest';
import { histogram, ratesAt, detSeries, DET_RANGE } from '../../renderer/src/lib/calibration';
import { probit } from '../../src/eval/det-svg';

describe('calibration helpers', () => {
  const same = [0.9, 0.8, 0.7, 0.6, 0.3];
  const diff = [0.65, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0, -0.1, -0.2, -0.3];

  it('rates at a threshold count score >= threshold as accepted', () => {
    expect(ratesAt(0.5, same, diff)).toEqual({ threshold: 0.5, far: 0.2, frr: 0.2 });
  });

  it('histogram shares sum to one per list', () => {
    const h = histogram(same, diff, 8);
    expect(h.edges).toHaveLength(9);
    expect(h.same.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(h.different.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("DET axes are the core's probit of the plotted error rates", () => {
    expect(DET_RANGE).toEqual([probit(0.0005), probit(0.6)]);
    expect(detSeries([{ pfa: 0.1, pmiss: 0.02 }])).toEqual({ x: [probit(0.1)], y: [probit(0.02)] });
  });

  it('DET series is sorted by false-accept rate and finite', () => {
    const s = detSeries([{ pfa: 1, pmiss: 0 }, { pfa: 0.5, pmiss: 0.1 }, { pfa: 0, pmiss: 1 }]);
    expect(s.x).toEqual([...s.x].sort((a, b) => a - b));
    expect(s.x.every(Number.isFinite) && s.y.every(Number.isFinite)).toBe(true);
  });
});
