import { describe, expect, it } from 'vitest';
import { RealFft } from '../../src/features/fft';

/** |DFT|^2 of x, bins 0..n/2-1, the slow way. */
function naivePower(x: number[]): number[] {
  const n = x.length;
  return Array.from({ length: n / 2 }, (_, k) => {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      re += x[t] * Math.cos((2 * Math.PI * k * t) / n);
      im -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
    return re * re + im * im;
  });
}

describe('RealFft', () => {
  it('gives the power spectrum of a real frame for every size, and again on reuse', () => {
    for (const n of [4, 8, 16, 32, 64, 128, 256, 512, 1024]) {
      const fft = new RealFft(n);
      const out = new Float64Array(n / 2);
      for (const seed of [1, 2]) {
        const x = Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 * seed) + ((i * seed) % 3) - 1);
        // The caller writes sample 2j and 2j+1 into complex point j at its bit-reversed slot.
        for (let j = 0; j < n / 2; j++) {
          fft.re[fft.slot[j]] = x[2 * j];
          fft.im[fft.slot[j]] = x[2 * j + 1];
        }
        fft.powerSpectrum(out);
        const ref = naivePower(x);
        for (let k = 0; k < n / 2; k++) expect(Math.abs(out[k] - ref[k]) / (1 + ref[k]), `n=${n} k=${k}`).toBeLessThan(1e-9);
      }
    }
  });

  it('rejects sizes that are not powers of two', () => {
    expect(() => new RealFft(2)).toThrow(RangeError);
    expect(() => new RealFft(500)).toThrow(RangeError);
  });
});
