import { describe, expect, it } from 'vitest';
import Meyda from 'meyda';
import { decodeAudioFile } from '../../src/audio/decode';
import { applyCmn, computeMfcc, DEFAULT_FEATURE_CONFIG, featureConfigKey, numFramesFor } from '../../src/features/mfcc';
import { computeMfccMeydaExtract, computeMfccMeydaExtractor } from '../../src/features/meyda-reference';

const LIBRI = '../shared/data/librispeech/test-other/1688/1688-142285-0000.flac';

function noise(n: number, seed = 1, amp = 0.1): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = amp * ((s / 2 ** 32) * 2 - 1);
  }
  return x;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('computeMfcc', () => {
  it('gives [numFrames, numCoeffs] with 25 ms frames and a 10 ms hop', () => {
    const f = computeMfcc(noise(16000));
    expect(f.numCoeffs).toBe(30);
    expect(f.numFrames).toBe(1 + Math.floor((16000 - 400) / 160)); // 98
    expect(f.data.length).toBe(98 * 30);
    expect(f.data.every(Number.isFinite)).toBe(true);
    expect(computeMfcc(noise(399)).numFrames).toBe(0);
    expect(computeMfcc(noise(400)).numFrames).toBe(1);
    expect(numFramesFor(560)).toBe(2);
    expect(computeMfcc(noise(16000), { numCoeffs: 40 }).numCoeffs).toBe(40);
  });

  it('rejects impossible settings', () => {
    expect(() => computeMfcc(noise(1000), { numCoeffs: 41 })).toThrow(/numCoeffs/);
    expect(() => computeMfcc(noise(1000), { numCoeffs: 20, numMelBands: 13 })).toThrow(/numCoeffs/);
    expect(() => computeMfcc(noise(1000), { fftSize: 500 })).toThrow(/fftSize/);
  });

  it('matches per-frame Meyda.extract on real speech, and leaves Meyda settings as they were', async () => {
    const audio = await decodeAudioFile(LIBRI);
    const x = audio.samples.subarray(0, 16000 * 3);
    const before = { bufferSize: Meyda.bufferSize, sampleRate: Meyda.sampleRate, melBands: Meyda.melBands };
    for (const numCoeffs of [13, 30, 40]) {
      const fast = computeMfcc(x, { numCoeffs });
      const ref = computeMfccMeydaExtract(x, { numCoeffs });
      const direct = computeMfccMeydaExtractor(x, { numCoeffs });
      expect(fast.numFrames).toBe(ref.numFrames);
      // Values reach ~1.6e3; Meyda keeps spectra in float32, we keep float64.
      expect(maxAbsDiff(fast.data, ref.data)).toBeLessThan(5e-3);
      expect(maxAbsDiff(direct.data, ref.data)).toBeLessThan(5e-3);
    }
    expect({ bufferSize: Meyda.bufferSize, sampleRate: Meyda.sampleRate, melBands: Meyda.melBands }).toEqual(before);
  });

  it('matches Meyda.extract for odd frame lengths and band counts, other FFT sizes, and long input', async () => {
    const audio = await decodeAudioFile(LIBRI);
    const x = audio.samples.subarray(16000, 16000 * 3);
    for (const cfg of [{ frameLength: 401, numMelBands: 41, numCoeffs: 20 }, { fftSize: 1024 }, { frameLength: 256, fftSize: 256, hopLength: 128 }, { removeDc: false, preEmphasis: 0 }]) {
      const fast = computeMfcc(x, cfg);
      const ref = computeMfccMeydaExtract(x, cfg);
      expect(fast.numFrames, JSON.stringify(cfg)).toBe(ref.numFrames);
      expect(maxAbsDiff(fast.data, ref.data), JSON.stringify(cfg)).toBeLessThan(5e-3);
    }
    // The frame mean slides along the signal: the last frames of a long input match a short one.
    const long = audio.samples;
    const tail = long.subarray(long.length - 16000 - ((long.length - 16000) % 160));
    const a = computeMfcc(long);
    const b = computeMfcc(tail);
    const off = (a.numFrames - b.numFrames) * a.numCoeffs;
    let d = 0;
    for (let i = 0; i < b.data.length; i++) d = Math.max(d, Math.abs(a.data[off + i] - b.data[i]));
    expect(d).toBeLessThan(1e-3);
  });

  it('c1.. do not depend on the gain, thanks to the int16 scale', () => {
    const x = noise(8000, 7, 0.3);
    const quiet = x.map((v) => v * 0.1);
    const a = computeMfcc(x);
    const b = computeMfcc(quiet);
    let maxD = 0;
    for (let t = 0; t < a.numFrames; t++) for (let k = 1; k < a.numCoeffs; k++) maxD = Math.max(maxD, Math.abs(a.data[t * 30 + k] - b.data[t * 30 + k]));
    expect(maxD).toBeLessThan(0.05);
    // c0 carries the level: 20 dB is ln(100) per band, times 40 bands, times Meyda's DCT scale 2.
    expect(a.data[0] - b.data[0]).toBeCloseTo(160 * Math.log(10), 0);
  });
});

describe('applyCmn', () => {
  it('removes the per-coefficient mean and does not modify its input', () => {
    const f = computeMfcc(noise(16000));
    const copy = f.data.slice();
    const g = applyCmn(f);
    expect(f.data).toEqual(copy);
    for (let k = 0; k < g.numCoeffs; k++) {
      let m = 0;
      for (let t = 0; t < g.numFrames; t++) m += g.data[t * g.numCoeffs + k];
      expect(Math.abs(m / g.numFrames)).toBeLessThan(1e-3);
    }
    expect(applyCmn({ data: new Float32Array(0), numFrames: 0, numCoeffs: 30 }).numFrames).toBe(0);
  });
});

describe('featureConfigKey', () => {
  it('is stable and changes with every setting', () => {
    const k = featureConfigKey(DEFAULT_FEATURE_CONFIG);
    expect(k).toBe('meyda-mfcc-v1:sr16000:win400:hop160:fft512:hamming:mel40:c30:pre0.97:dc1:scale32768');
    expect(featureConfigKey({})).toBe(k);
    expect(featureConfigKey({ numCoeffs: 20 })).not.toBe(k);
    expect(featureConfigKey({ removeDc: false })).not.toBe(k);
  });
});
