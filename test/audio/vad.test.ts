import { describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../../src/audio/decode';
import { analyseFrames, detectSpeech, requireSpeech } from '../../src/audio/vad';
import { AudioDecodeError } from '../../src/errors';

const SR = 16000;
const ARABIC = '../shared/data/arabic-speech-commands/00000001/00000001-backward-01.wav';
const DSP = '../shared/data/dspspeech20/15307110189/15307110189-00-02.flac';
const LIBRI = '../shared/data/librispeech/test-other/1688/1688-142285-0000.flac';
const BOILER = '../shared/data/noise/boiler.wav';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
}
const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);

/** The clip's own background level: RMS of its quietest tenth of 20 ms frames. */
function roomLevel(clip: Float32Array): number {
  const frames: number[] = [];
  for (let s = 0; s + 320 <= clip.length; s += 320) frames.push(rms(clip.subarray(s, s + 320)));
  frames.sort((a, b) => a - b);
  return Math.max(1e-4, frames[Math.floor(frames.length / 10)]);
}

/** 1 s of room noise, the clip, 1 s of room noise, as a recording with lead-in and tail would be. */
function padded(clip: Float32Array, seed = 1): Float32Array {
  const r = rng(seed);
  const level = roomLevel(clip) * Math.sqrt(3); // uniform noise of that RMS
  const y = new Float32Array(clip.length + 2 * SR);
  for (let i = 0; i < y.length; i++) y[i] = r() * level;
  y.set(clip, SR);
  return y;
}

/** Adds `noise` (looped) scaled to `snrDb` below the RMS of `speechRef`. */
function withNoise(x: Float32Array, noise: Float32Array, speechRef: Float32Array, snrDb: number): Float32Array {
  const g = (rms(speechRef) * 10 ** (-snrDb / 20)) / rms(noise);
  return x.map((v, i) => v + g * noise[(i * 7 + 1000) % noise.length]);
}

/** Fraction of the samples in `ref` segments that `test` segments also cover. */
function recall(ref: Array<[number, number]>, test: Array<[number, number]>): number {
  let total = 0;
  let hit = 0;
  for (const [a, b] of ref) {
    total += b - a;
    for (const [c, d] of test) hit += Math.max(0, Math.min(b, d) - Math.max(a, c));
  }
  return hit / total;
}

/**
 * The unmistakable speech of a clean signal: 10 ms frames whose speech-band energy is within
 * 25 dB of the loudest one. Noise may hide quieter tails, but never these.
 */
function core(x: Float32Array): Array<[number, number]> {
  const e = analyseFrames(x).energyDb;
  const top = Math.max(...e);
  const segs: Array<[number, number]> = [];
  e.forEach((v, f) => {
    if (v < top - 25) return;
    const last = segs[segs.length - 1];
    if (last && last[1] === f * 160) last[1] += 160;
    else segs.push([f * 160, (f + 1) * 160]);
  });
  return segs;
}

const inside = (segs: Array<[number, number]>, lo: number, hi: number) => segs.every(([s, e]) => s >= lo && e <= hi);

describe('detectSpeech on real recordings', () => {
  for (const file of [ARABIC, DSP]) {
    it(`${file.split('/').pop()}: trims the silence around a word, on clean, quiet and noisy versions`, async () => {
      const clip = (await decodeAudioFile(file)).samples;
      const clean = padded(clip);
      const ref = detectSpeech(clean);
      expect(ref.speechSec).toBeGreaterThan(0.3);
      expect(ref.speechSec).toBeLessThan(clip.length / SR + 0.1);
      // The padding is gone: nothing before 0.9 s or after the clip's end + 0.1 s.
      expect(inside(ref.segments, 0.9 * SR, SR + clip.length + 0.1 * SR)).toBe(true);
      expect(ref.speech.length).toBe(ref.segments.reduce((a, [s, e]) => a + e - s, 0));

      const loud = core(clean);
      expect(recall(loud, ref.segments)).toBe(1);

      const quiet = detectSpeech(clean.map((v) => v * 0.01)); // -40 dB
      expect(recall(ref.segments, quiet.segments)).toBeGreaterThan(0.9);
      expect(inside(quiet.segments, 0.9 * SR, SR + clip.length + 0.1 * SR)).toBe(true);

      const r = rng(9);
      const white = new Float32Array(SR).map(() => r());
      for (const [label, noise, snr] of [
        ['white 10 dB', white, 10],
        ['boiler 20 dB', (await decodeAudioFile(BOILER)).samples, 20],
      ] as const) {
        const noisy = detectSpeech(withNoise(clean, noise, ref.speech, snr));
        expect(recall(loud, noisy.segments), label).toBeGreaterThan(0.95);
        expect(noisy.speechSec, label).toBeLessThan(ref.speechSec + 0.3);
        expect(inside(noisy.segments, 0.8 * SR, SR + clip.length + 0.2 * SR), label).toBe(true);
      }
    });
  }

  it('keeps most of a read LibriSpeech utterance', async () => {
    const a = await decodeAudioFile(LIBRI);
    const r = detectSpeech(a.samples);
    expect(r.speechSec).toBeGreaterThan(0.6 * a.durationSec);
    expect(r.speechSec).toBeLessThanOrEqual(a.durationSec);
  });

  it('drops a long pause between two words but keeps both', async () => {
    const clip = (await decodeAudioFile(ARABIC)).samples;
    const gap = new Float32Array(2 * SR);
    const x = padded(Float32Array.from([...clip, ...gap, ...clip]));
    const r = detectSpeech(x);
    expect(r.segments.length).toBe(2);
    const total = x.length / SR;
    expect(r.speechSec).toBeLessThan(total - 3.5); // 2 s of padding and most of the 2 s gap are gone
    expect(r.speechSec).toBeGreaterThan(0.6);
  });

  it('finds nothing in digital silence and almost nothing in steady noise', () => {
    expect(detectSpeech(new Float32Array(SR)).segments).toEqual([]);
    expect(detectSpeech(new Float32Array(0)).speechSec).toBe(0);
    const r = rng(3);
    expect(detectSpeech(new Float32Array(3 * SR).map(() => 0.05 * r())).speechSec).toBeLessThan(0.3);
  });
});

describe('requireSpeech', () => {
  it('throws TOO_LITTLE_SPEECH naming the file', () => {
    expect(() => requireSpeech({ speechSec: 0.6 }, 1, 'take1.wav')).toThrow(AudioDecodeError);
    try {
      requireSpeech({ speechSec: 0.6 }, 1, 'take1.wav');
    } catch (e) {
      expect((e as AudioDecodeError).code).toBe('TOO_LITTLE_SPEECH');
      expect((e as Error).message).toMatch(/take1\.wav: only 0\.6 s of speech/);
    }
    expect(() => requireSpeech({ speechSec: 1.2 }, 1)).not.toThrow();
  });
});
