import { describe, expect, it } from 'vitest';
import FFT from 'fft.js';
import { resample, resampledLength } from '../../src/audio/resample';

const N = 8192; // analysis length at the output rate
const fft = new FFT(N);
const spec = new Float64Array(2 * N);
// 4-term Blackman-Harris: sidelobes below -92 dB, so a -60 dB floor is measurable.
const win = Float64Array.from({ length: N }, (_, i) => {
  const a = (2 * Math.PI * i) / N;
  return 0.35875 - 0.48829 * Math.cos(a) + 0.14128 * Math.cos(2 * a) - 0.01168 * Math.cos(3 * a);
});
const winSum = win.reduce((s, v) => s + v, 0);

/** Output spectrum of a unit sine at `freq` Hz resampled from `from` to `to`, in dB re full scale. */
function toneSpectrum(freq: number, from: number, to: number): Float64Array {
  const skip = 512; // past the filter's start-up
  const len = Math.ceil(((N + 2 * skip) * from) / to);
  const x = new Float32Array(len);
  for (let i = 0; i < len; i++) x[i] = Math.sin((2 * Math.PI * freq * i) / from);
  const y = resample(x, from, to);
  const seg = new Float64Array(N);
  for (let i = 0; i < N; i++) seg[i] = y[skip + i] * win[i];
  fft.realTransform(spec, seg);
  const db = new Float64Array(N / 2);
  for (let k = 0; k < N / 2; k++) db[k] = 20 * Math.log10((2 * Math.hypot(spec[2 * k], spec[2 * k + 1])) / winSum + 1e-12);
  return db;
}

/** Strongest component further than `guardHz` from `freq` (or anywhere, when freq is null). */
function worstSpur(db: Float64Array, to: number, freq: number | null, guardHz = 40): number {
  let worst = -Infinity;
  for (let k = 1; k < db.length; k++) {
    if (freq !== null && Math.abs((k * to) / N - freq) < guardHz) continue;
    worst = Math.max(worst, db[k]);
  }
  return worst;
}

/** Gain in dB of a unit sine at `freq` through the resampler, by a least-squares sine fit. */
function toneGainDb(freq: number, from: number, to: number): number {
  const n = 4000;
  const x = Float32Array.from({ length: Math.ceil(((n + 1000) * from) / to) }, (_, i) => Math.sin((2 * Math.PI * freq * i) / from));
  const y = resample(x, from, to);
  let ss = 0,
    cc = 0,
    sc = 0,
    ys = 0,
    yc = 0;
  for (let i = 500; i < 500 + n; i++) {
    const s = Math.sin((2 * Math.PI * freq * i) / to);
    const c = Math.cos((2 * Math.PI * freq * i) / to);
    ss += s * s;
    cc += c * c;
    sc += s * c;
    ys += y[i] * s;
    yc += y[i] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  return 20 * Math.log10(Math.hypot(a, b));
}

describe('resample', () => {
  it('returns ceil(n * to / from) samples and a copy at equal rates', () => {
    expect(resample(new Float32Array(44100), 44100, 16000).length).toBe(16000);
    expect(resample(new Float32Array(44101), 44100, 16000).length).toBe(resampledLength(44101, 44100, 16000));
    expect(resample(new Float32Array(8000), 8000, 16000).length).toBe(16000);
    const x = new Float32Array([1, 2, 3]);
    const y = resample(x, 16000, 16000);
    expect(y).toEqual(x);
    expect(y).not.toBe(x);
    expect(() => resample(x, 0, 16000)).toThrow(/positive integers/);
  });

  for (const from of [44100, 48000, 22050]) {
    it(`stepped sine sweep ${from} Hz -> 16 kHz: flat pass band, nothing aliases above -60 dB`, () => {
      let worstAlias = -Infinity;
      let worstRipple = 0;
      for (let f = 100; f < from / 2; f += 173) {
        const db = toneSpectrum(f, from, 16000);
        if (f < 8000) {
          worstAlias = Math.max(worstAlias, worstSpur(db, 16000, f));
          if (f <= 6900) worstRipple = Math.max(worstRipple, Math.abs(toneGainDb(f, from, 16000)));
        } else {
          // Above the output Nyquist everything must be gone: any energy would be an alias.
          worstAlias = Math.max(worstAlias, worstSpur(db, 16000, null));
        }
      }
      expect(worstAlias).toBeLessThan(-60);
      expect(worstRipple).toBeLessThan(0.1);
    });
  }

  it('8 kHz input keeps its spectrum: unit gain below 3.4 kHz, no images above -60 dB', () => {
    for (let f = 100; f < 4000; f += 131) {
      const db = toneSpectrum(f, 8000, 16000);
      if (f <= 3400) expect(Math.abs(toneGainDb(f, 8000, 16000))).toBeLessThan(0.1);
      // The image of f sits at 8000 - f; nothing but the tone itself may show.
      expect(worstSpur(db, 16000, f)).toBeLessThan(-60);
    }
  });

  it('keeps a constant constant and does not shift the signal in time', () => {
    const ones = new Float32Array(44100).fill(0.5);
    const y = resample(ones, 44100, 16000);
    for (let i = 500; i < 15500; i++) expect(Math.abs(y[i] - 0.5)).toBeLessThan(1e-4);
    // A slow sine lines up with the same sine sampled at 16 kHz.
    const from = 48000;
    const x = Float32Array.from({ length: from }, (_, i) => Math.sin((2 * Math.PI * 200 * i) / from));
    const z = resample(x, from, 16000);
    for (let i = 1000; i < 15000; i += 37) expect(Math.abs(z[i] - Math.sin((2 * Math.PI * 200 * i) / 16000))).toBeLessThan(1e-3);
  });
});
