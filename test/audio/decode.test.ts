import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as wavefileNs from 'wavefile';
import { decodeAudioBytes, decodeAudioFile, sniffFormat } from '../../src/audio/decode';
import { resample } from '../../src/audio/resample';
import { decodeWav } from '../../src/audio/wav-decode';
import { encodeWav } from '../../src/audio/wav';
import { AudioDecodeError } from '../../src/errors';

const FIX = 'test/fixtures/audio';
const ORIGINAL = '../shared/data/arabic-speech-commands/00000001/00000001-backward-01.wav';
const LIBRI = '../shared/data/librispeech/test-other/1688/1688-142285-0000.flac';

type WaveFileT = {
  fromScratch(ch: number, rate: number, depth: string, samples: ArrayLike<number> | ArrayLike<number>[]): void;
  fromBuffer(b: Uint8Array): void;
  toBuffer(): Uint8Array;
  toALaw(): void;
  toMuLaw(): void;
  getSamples(interleaved?: boolean, ctor?: unknown): Float64Array | Float64Array[];
};
const ns = wavefileNs as unknown as {
  WaveFile?: new () => WaveFileT;
  default?: { WaveFile: new () => WaveFileT };
};
const WaveFile = (ns.WaveFile ?? ns.default!.WaveFile) as new () => WaveFileT;

/** The original recording as int16 values. */
function originalInt16(): Int16Array {
  const w = new WaveFile();
  w.fromBuffer(readFileSync(ORIGINAL));
  return Int16Array.from(w.getSamples(false, Float64Array) as Float64Array);
}

/** A WAV written by wavefile (an encoder independent of ours). */
function makeWav(channels: number, rate: number, depth: string, perChannel: Float64Array[]): Uint8Array {
  const w = new WaveFile();
  w.fromScratch(channels, rate, depth, channels === 1 ? perChannel[0] : perChannel);
  return w.toBuffer();
}

function scaleFor(depth: string): number {
  return depth === '8' ? 127 : depth === '16' ? 32767 : depth === '24' ? 8388607 : depth === '32' ? 2147483647 : 1;
}

/** Best normalised cross-correlation of a and b over lags in [-maxLag, maxLag], and the gain b/a. */
function bestMatch(a: Float32Array, b: Float32Array, maxLag: number): { corr: number; gain: number; lag: number } {
  let best = { corr: -1, gain: 0, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let ab = 0,
      aa = 0,
      bb = 0;
    for (let i = 0; i < a.length; i++) {
      const j = i + lag;
      if (j < 0 || j >= b.length) continue;
      ab += a[i] * b[j];
      aa += a[i] * a[i];
      bb += b[j] * b[j];
    }
    const corr = ab / Math.sqrt(aa * bb + 1e-30);
    if (corr > best.corr) best = { corr, gain: ab / aa, lag };
  }
  return best;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    if (!(e instanceof AudioDecodeError)) throw e;
    return e.code;
  }
}

function rawWavHeader(fields: {
  format?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  dataSize?: number;
  extraData?: number;
}): Uint8Array {
  const { format = 1, channels = 1, rate = 16000, bits = 16, dataSize = 0, extraData = dataSize } = fields;
  const b = new Uint8Array(44 + extraData);
  const dv = new DataView(b.buffer);
  const tag = (at: number, s: string) => [...s].forEach((c, i) => (b[at + i] = c.charCodeAt(0)));
  tag(0, 'RIFF');
  dv.setUint32(4, 36 + dataSize, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, format, true);
  dv.setUint16(22, channels, true);
  dv.setUint32(24, rate, true);
  dv.setUint32(28, (rate * channels * bits) / 8, true);
  dv.setUint16(32, (channels * bits) / 8, true);
  dv.setUint16(34, bits, true);
  tag(36, 'data');
  dv.setUint32(40, dataSize, true);
  return b;
}

describe('decode: formats', () => {
  const orig = originalInt16();
  const origF = Float32Array.from(orig, (v) => v / 32768);

  it('sniffs containers from their first bytes', () => {
    expect(sniffFormat(readFileSync(`${FIX}/speech-16k-mono.flac`))).toBe('flac');
    expect(sniffFormat(readFileSync(`${FIX}/speech-44k-stereo.mp3`))).toBe('mp3');
    expect(sniffFormat(readFileSync(`${FIX}/speech-44k-stereo.ogg`))).toBe('oga');
    expect(sniffFormat(readFileSync(`${FIX}/speech-16k-mono.opus`))).toBe('opus');
    expect(sniffFormat(readFileSync(ORIGINAL))).toBe('wav');
    expect(sniffFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
  });

  it('FLAC (lossless) decodes to exactly the original samples', async () => {
    const a = await decodeAudioFile(`${FIX}/speech-16k-mono.flac`);
    expect(a.sampleRate).toBe(16000);
    expect(a.samples).toEqual(origF);
    expect(a.durationSec).toBe(1);
  });

  it('WAV 16 kHz mono decodes to exactly the original samples', async () => {
    const a = await decodeAudioFile(ORIGINAL);
    expect(a.samples).toEqual(origF);
  });

  for (const [file, expectedGain] of [
    ['speech-44k-stereo.mp3', 0.75],
    ['speech-44k-stereo.ogg', 0.75],
    ['speech-16k-mono.opus', 1],
  ] as const) {
    it(`${file} decodes to 16 kHz mono that matches the original (channels averaged)`, async () => {
      const a = await decodeAudioFile(`${FIX}/${file}`);
      expect(a.sampleRate).toBe(16000);
      expect(Math.abs(a.durationSec - 1)).toBeLessThan(0.1); // codec padding
      const m = bestMatch(origF, a.samples, 1200);
      expect(m.corr).toBeGreaterThan(0.9);
      // Right channel is 0.5 x left, so the average is 0.75 x the original.
      expect(m.gain).toBeGreaterThan(expectedGain - 0.1);
      expect(m.gain).toBeLessThan(expectedGain + 0.1);
    });
  }

  it('reads every PCM and float depth, any channel count, exactly like wavefile does', () => {
    const n = 3000;
    for (const depth of ['8', '16', '24', '32', '32f', '64']) {
      for (const channels of [1, 2, 3]) {
        const s = scaleFor(depth);
        const chans = Array.from({ length: channels }, (_, c) =>
          Float64Array.from({ length: n }, (_, i) => {
            const v = (origF[(i * 5) % origF.length] * (c + 1)) / channels;
            return depth === '8' ? Math.round(v * s + 128) : s === 1 ? v : Math.round(v * s);
          }),
        );
        const bytes = makeWav(channels, 22050, depth, chans);
        const ours = decodeWav(bytes, 'x.wav', { maxDurationSec: 600 });
        expect(ours.sampleRate).toBe(22050);
        const w = new WaveFile();
        w.fromBuffer(bytes);
        const ref = w.getSamples(false, Float64Array);
        const refChans = channels === 1 ? [ref as Float64Array] : (ref as Float64Array[]);
        const full = depth === '8' ? 128 : depth === '16' ? 32768 : depth === '24' ? 8388608 : depth === '32' ? 2147483648 : 1;
        let maxDiff = 0;
        for (let i = 0; i < n; i++) {
          let mean = 0;
          for (const c of refChans) mean += (depth === '8' ? c[i] - 128 : c[i]) / full;
          mean /= channels;
          maxDiff = Math.max(maxDiff, Math.abs(ours.samples[i] - mean));
        }
        expect(maxDiff, `depth ${depth}, ${channels} ch`).toBeLessThan(1e-6);
      }
    }
  });

  it('resamples WAV at other rates to 16 kHz', async () => {
    for (const rate of [8000, 11025, 22050, 44100, 48000, 96000]) {
      const x = resample(origF, 16000, rate);
      const bytes = makeWav(1, rate, '16', [Float64Array.from(x, (v) => Math.round(v * 32767))]);
      const a = await decodeAudioBytes(bytes, { name: `r${rate}.wav` });
      expect(a.sampleRate).toBe(16000);
      expect(Math.abs(a.samples.length - 16000)).toBeLessThanOrEqual(1);
      const m = bestMatch(origF, a.samples, 2);
      expect(m.lag).toBe(0);
      // 8 kHz loses everything above 4 kHz, so it matches less well.
      expect(m.corr, `rate ${rate}`).toBeGreaterThan(rate === 8000 ? 0.8 : 0.99);
    }
  });

  it('decodes A-law and mu-law WAV through wavefile', async () => {
    for (const conv of ['toALaw', 'toMuLaw'] as const) {
      const w = new WaveFile();
      w.fromScratch(1, 16000, '16', Float64Array.from(orig));
      w[conv]();
      const a = await decodeAudioBytes(w.toBuffer(), { name: `${conv}.wav` });
      const m = bestMatch(origF, a.samples, 2);
      expect(m.lag).toBe(0);
      expect(m.corr, conv).toBeGreaterThan(0.99);
    }
  });

  it('round-trips through encodeWav', async () => {
    const bytes = encodeWav(origF);
    expect(bytes.length).toBe(44 + 32000);
    const a = await decodeAudioBytes(bytes);
    expect(a.samples).toEqual(origF);
    const clipped = encodeWav(new Float32Array([2, -2, NaN, 0.5]));
    const b = await decodeAudioBytes(clipped);
    expect(Array.from(b.samples)).toEqual([32767 / 32768, -1, 0, 0.5]);
    expect(() => encodeWav(origF, 0)).toThrow(/sample rate/);
  });

  it('decodes a longer real FLAC', async () => {
    const a = await decodeAudioFile(LIBRI);
    expect(a.durationSec).toBeGreaterThan(10);
  });

  it('keeps the last short FLAC block, which the streaming decoder drops when fed small chunks', async () => {
    // 71,840 samples = 17 blocks of 4,096 + one of 2,208; the small-chunk pass loses the last one.
    const path = '../shared/data/librispeech/test-other/2609/2609-156975-0000.flac';
    const bytes = new Uint8Array(readFileSync(path));
    const totalSamples = Number((BigInt(bytes[21] & 0x0f) << 32n) | BigInt((bytes[22] << 24) >>> 0 | (bytes[23] << 16) | (bytes[24] << 8) | bytes[25]));
    expect(totalSamples).toBe(71840);
    const a = await decodeAudioFile(path);
    expect(a.samples.length).toBe(totalSamples);
  });
});

describe('decode: bad input gives typed errors that name the file', () => {
  const flac = readFileSync(`${FIX}/speech-16k-mono.flac`);
  const mp3 = readFileSync(`${FIX}/speech-44k-stereo.mp3`);

  const cases: [string, () => Uint8Array, string, object?][] = [
    ['text', () => new TextEncoder().encode('hello, this is not audio at all'), 'NOT_AUDIO'],
    ['PNG', () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]), 'NOT_AUDIO'],
    ['empty file', () => new Uint8Array(0), 'EMPTY_AUDIO'],
    ['RIFF but not WAVE', () => new TextEncoder().encode('RIFF\x10\x00\x00\x00AVI LIST'), 'NOT_AUDIO'],
    ['WAV cut inside the header', () => rawWavHeader({ dataSize: 100 }).subarray(0, 10), 'TRUNCATED'],
    ['WAV data chunk larger than the file', () => rawWavHeader({ dataSize: 32000, extraData: 1000 }), 'TRUNCATED'],
    ['WAV claiming 4 GB of data', () => rawWavHeader({ dataSize: 0xfffffff0, extraData: 100 }), 'TRUNCATED'],
    ['WAV with no data chunk', () => rawWavHeader({}).subarray(0, 36), 'TRUNCATED'],
    ['WAV with 0 samples', () => rawWavHeader({ dataSize: 0 }), 'EMPTY_AUDIO'],
    ['WAV with 0 channels', () => rawWavHeader({ channels: 0, dataSize: 100 }), 'NOT_AUDIO'],
    ['WAV with 0 Hz', () => rawWavHeader({ rate: 0, dataSize: 100 }), 'NOT_AUDIO'],
    ['WAV with 65535 channels', () => rawWavHeader({ channels: 65535, dataSize: 100 }), 'UNSUPPORTED_ENCODING'],
    ['WAV at 4 GHz', () => rawWavHeader({ rate: 0xffffffff, dataSize: 100 }), 'UNSUPPORTED_ENCODING'],
    ['WAV MS-ADPCM', () => rawWavHeader({ format: 2, bits: 4, dataSize: 100 }), 'UNSUPPORTED_ENCODING'],
    ['WAV IMA-ADPCM', () => rawWavHeader({ format: 0x11, bits: 4, dataSize: 100 }), 'UNSUPPORTED_ENCODING'],
    ['WAV 12-bit PCM', () => rawWavHeader({ bits: 12, dataSize: 96 }), 'UNSUPPORTED_ENCODING'],
    ['WAV float 16-bit', () => rawWavHeader({ format: 3, bits: 16, dataSize: 100 }), 'UNSUPPORTED_ENCODING'],
    [
      'RIFX (big-endian) WAV',
      () => {
        const b = rawWavHeader({ dataSize: 10 });
        b.set([0x52, 0x49, 0x46, 0x58]);
        return b;
      },
      'UNSUPPORTED_ENCODING',
    ],
    [
      'WAV of NaN',
      () => makeWav(1, 16000, '32f', [Float64Array.from({ length: 100 }, (_, i) => (i === 50 ? NaN : 0.1))]),
      'NON_FINITE_SAMPLES',
    ],
    [
      'WAV of Inf',
      () => makeWav(2, 16000, '64', [new Float64Array(100), Float64Array.from({ length: 100 }, () => Infinity)]),
      'NON_FINITE_SAMPLES',
    ],
    ['10 min + 1 s of 4 kHz WAV', () => rawWavHeader({ rate: 4000, bits: 8, dataSize: 4000 * 601 }), 'TOO_LONG'],
    ['3 s WAV, max 2 s', () => encodeWav(new Float32Array(48000)), 'TOO_LONG', { maxDurationSec: 2 }],
    ['FLAC, max 0.5 s (from its header)', () => flac, 'TOO_LONG', { maxDurationSec: 0.5 }],
    ['MP3, max 0.5 s', () => mp3, 'TOO_LONG', { maxDurationSec: 0.5 }],
    ['FLAC cut in half', () => flac.subarray(0, flac.length >> 1), 'TRUNCATED'],
    ['FLAC header only', () => flac.subarray(0, 42), 'TRUNCATED'],
    [
      'fLaC then garbage',
      () => {
        const b = new Uint8Array(5000).map((_, i) => (i * 7919) & 255);
        b.set([0x66, 0x4c, 0x61, 0x43]);
        return b;
      },
      'TRUNCATED',
    ],
    [
      'Ogg/Speex',
      () => {
        const b = new Uint8Array(200).fill(1);
        b.set([0x4f, 0x67, 0x67, 0x53, 0]);
        b.set([...'Speex   '].map((c) => c.charCodeAt(0)), 28);
        return b;
      },
      'UNSUPPORTED_ENCODING',
    ],
    [
      'OggS then garbage',
      () => {
        const b = new Uint8Array(500).fill(7);
        b.set([0x4f, 0x67, 0x67, 0x53]);
        return b;
      },
      'NOT_AUDIO',
    ],
    ['file over the byte limit', () => encodeWav(new Float32Array(1000)), 'TOO_LONG', { maxFileBytes: 1000 }],
  ];
  for (const [label, make, code, opts] of cases) {
    it(`${label} -> ${code}`, async () => {
      const name = `take-${label.replace(/\W+/g, '_')}.wav`;
      const err = await decodeAudioBytes(make(), { name, ...opts }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AudioDecodeError);
      expect((err as AudioDecodeError).code).toBe(code);
      expect((err as AudioDecodeError).message).toContain(name);
      expect((err as AudioDecodeError).subject).toBe(name);
    });
  }

  it('missing files and directories', async () => {
    expect(await codeOf(decodeAudioFile('/nonexistent/voice.wav'))).toBe('FILE_NOT_FOUND');
    await expect(decodeAudioFile('/nonexistent/voice.wav')).rejects.toThrow(/\/nonexistent\/voice\.wav/);
    expect(await codeOf(decodeAudioFile('test'))).toBe('NOT_AUDIO');
    expect(await codeOf(decodeAudioFile(`${FIX}/speech-16k-mono.flac`, { maxFileBytes: 100 }))).toBe('TOO_LONG');
  });

  it('mutated headers and bodies never throw anything but AudioDecodeError', async () => {
    // A small deterministic fuzz: flip bytes in the first 64 bytes and in the body.
    const seeds = [encodeWav(Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i / 9) * 0.3)), flac, mp3];
    let rng = 12345;
    const rand = () => (rng = (rng * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const seen = new Set<string>();
    for (const seed of seeds) {
      for (let trial = 0; trial < 60; trial++) {
        const b = Uint8Array.from(seed); // not Buffer#slice, which is a view
        const flips = 1 + Math.floor(rand() * 4);
        for (let k = 0; k < flips; k++) {
          const at = rand() < 0.7 ? Math.floor(rand() * 64) : Math.floor(rand() * b.length);
          b[at] = Math.floor(rand() * 256);
        }
        const cut = rand() < 0.2 ? b.subarray(0, Math.floor(rand() * b.length)) : b;
        seen.add(await codeOf(decodeAudioBytes(cut, { name: 'fuzz', timeoutMs: 5000 })));
      }
    }
    // codeOf rethrows anything that is not an AudioDecodeError, failing the test.
    expect(seen.size).toBeGreaterThan(1);
  });
});
