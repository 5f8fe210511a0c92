import { describe, expect, it } from 'vitest';
import { measure, quantile, scaleTiming, sig, summarize } from '../../src/bench/measure';

describe('bench timing helpers', () => {
  it('quantile takes the nearest rank of a sorted array', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(xs, 0.5)).toBe(5);
    expect(quantile(xs, 0.95)).toBe(10);
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile([7], 0.95)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('summarize sorts its inputs and keeps wall and CPU apart', () => {
    const s = summarize([30, 10, 20], [3, 1, 2]);
    expect(s).toMatchObject({ median: 20, min: 10, max: 30, p95: 30, cpuMedian: 2, cpuP95: 3, runs: 3 });
  });

  it('scaleTiming divides every time and keeps the run count', () => {
    const s = scaleTiming(summarize([30, 10, 20], [3, 1, 2]), 10);
    expect(s).toMatchObject({ median: 2, min: 1, max: 3, cpuMedian: 0.2, runs: 3 });
  });

  it('measure runs the warm-up unmeasured and then exactly `runs` times', async () => {
    let calls = 0;
    const t = await measure(4, () => calls++, 2);
    expect(calls).toBe(6);
    expect(t.runs).toBe(4);
    expect(t.min).toBeGreaterThanOrEqual(0);
    expect(t.max).toBeGreaterThanOrEqual(t.median);
  });

  it('sig rounds to significant digits and leaves non-finite values alone', () => {
    expect(sig(0.0123456)).toBe(0.0123);
    expect(sig(123456)).toBe(123000);
    expect(sig(NaN)).toBeNaN();
    expect(sig(0)).toBe(0);
  });
});
