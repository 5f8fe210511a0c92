import { describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../../src/audio/decode';
import { computeMfcc, computeMfccPortable, mfccUsesWasm, type FeatureConfig } from '../../src/features/mfcc';

const LIBRI = '../shared/data/librispeech/test-other/1688/1688-142285-0000.flac';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('computeMfcc through the WebAssembly kernel', () => {
  it('is taken for the default config and for the other 2 * 4^k FFT sizes with even frames; not for the rest', () => {
    expect(mfccUsesWasm()).toBe(true);
    expect(mfccUsesWasm({ removeDc: false, preEmphasis: 0 })).toBe(true);
    expect(mfccUsesWasm({ fftSize: 2048, frameLength: 1600, hopLength: 480 })).toBe(true);
    expect(mfccUsesWasm({ frameLength: 401 })).toBe(false);
    expect(mfccUsesWasm({ fftSize: 1024 })).toBe(false);
  });

  it('gives the JS path values (float32 rounding apart) on real speech, for every frame count parity', async () => {
    const x = (await decodeAudioFile(LIBRI)).samples;
    const cfgs: Array<Partial<FeatureConfig>> = [{}, { removeDc: false, preEmphasis: 0 }, { numCoeffs: 13, numMelBands: 23 }, { fftSize: 2048, frameLength: 1600, hopLength: 480 }];
    for (const cfg of cfgs) {
      // 1, 2 and 3 frames (the last pair of an odd count computes one frame twice), then long input.
      const frame = cfg.frameLength ?? 400;
      const hop = cfg.hopLength ?? 160;
      for (const n of [frame, frame + hop, frame + 2 * hop, x.length]) {
        const part = x.subarray(16000, 16000 + n);
        const fast = computeMfcc(part, cfg);
        const js = computeMfccPortable(part, cfg);
        expect(fast.numFrames, `${JSON.stringify(cfg)} n=${n}`).toBe(js.numFrames);
        // Values reach ~1.6e3: 1e-4 is a few float32 ulps, the rounding of a different summation order.
        expect(maxAbsDiff(fast.data, js.data), `${JSON.stringify(cfg)} n=${n}`).toBeLessThan(1e-4);
      }
    }
  });

  it('crosses its 1000-frame chunks like one pass (21 s: chunks of 1000, 1000 and an odd 99 frames)', async () => {
    const x = (await decodeAudioFile(LIBRI)).samples;
    const long = new Float32Array(16000 * 21 + 80);
    for (let at = 0; at < long.length; at += x.length) long.set(x.subarray(0, Math.min(x.length, long.length - at)), at);
    const fast = computeMfcc(long);
    expect(fast.numFrames).toBe(2099);
    expect(maxAbsDiff(fast.data, computeMfccPortable(long).data)).toBeLessThan(1e-4);
  });

  it('keeps giving the same answer after a longer input grew its memory, and after a shorter one', async () => {
    const x = (await decodeAudioFile(LIBRI)).samples;
    const short = x.subarray(0, 16000);
    const a = computeMfcc(short);
    computeMfcc(x);
    expect(computeMfcc(short).data).toEqual(a.data);
    expect(computeMfcc(new Float32Array(399)).numFrames).toBe(0);
  });
});
