/**
 * WAV (RIFF/WAVE) reading. The header is parsed and every field checked here, before anything is
 * allocated from it, so a hostile or damaged header gives a typed error and never a huge
 * allocation, a hang or a crash. Integer PCM (8/16/24/32-bit) and float (32/64-bit) are converted
 * straight into a mono Float32Array with typed-array reads: `wavefile`'s `getSamples` costs
 * ~6 ms per second of 44.1 kHz stereo, which would dominate decoding. The companded encodings
 * (A-law, mu-law) go through `wavefile`, and the tests check the fast path against `wavefile` for
 * every PCM and float depth. IMA ADPCM is refused: wavefile's decoder drifts at block edges.
 */
import * as wavefileNs from 'wavefile';
import { AudioDecodeError } from '../errors';

/** Decoded, down-mixed audio at the file's own rate. */
export interface MonoAudio {
  samples: Float32Array;
  sampleRate: number;
}

export interface WavLimits {
  /** Longest accepted duration in seconds. */
  maxDurationSec: number;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;
/** Rates outside this range are not audio we can use (and guard the arithmetic below). */
export const MIN_RATE = 4000;
export const MAX_RATE = 768000;
const MAX_CHANNELS = 64;

interface WavHeader {
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  dataOffset: number;
  dataSize: number;
}

function ascii(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

/** True when the bytes start like a RIFF/RIFX/RF64 WAVE file. */
export function looksLikeWav(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const id = ascii(b, 0);
  return id === 'RIFF' || id === 'RIFX' || id === 'RF64';
}

/** Parses and validates the RIFF header and locates the data chunk. */
export function parseWavHeader(b: Uint8Array, name: string): WavHeader {
  const fail = (code: 'NOT_AUDIO' | 'TRUNCATED' | 'UNSUPPORTED_ENCODING', msg: string): never => {
    throw new AudioDecodeError(code, `${name}: ${msg}`, { subject: name });
  };
  if (b.length < 12) fail('TRUNCATED', 'the WAV file is cut off before its header ends. Re-export or re-record it.');
  const id = ascii(b, 0);
  if (id === 'RIFX' || id === 'RF64') {
    fail('UNSUPPORTED_ENCODING', `${id} WAV variants are not supported. Convert it to a standard 16-bit WAV or FLAC.`);
  }
  if (id !== 'RIFF' || ascii(b, 8) !== 'WAVE') fail('NOT_AUDIO', 'this is not a WAV file (no RIFF/WAVE header). Use WAV, FLAC, MP3 or OGG audio.');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let fmt: Omit<WavHeader, 'dataOffset' | 'dataSize'> | undefined;
  let pos = 12;
  // Each step advances by at least 8 bytes, so the walk ends.
  while (pos + 8 <= b.length) {
    const chunk = ascii(b, pos);
    const size = dv.getUint32(pos + 4, true);
    const body = pos + 8;
    if (chunk === 'fmt ') {
      if (size < 16 || body + 16 > b.length) fail('TRUNCATED', 'the WAV format header is cut off. Re-export or re-record it.');
      let format = dv.getUint16(body, true);
      const channels = dv.getUint16(body + 2, true);
      const sampleRate = dv.getUint32(body + 4, true);
      const blockAlign = dv.getUint16(body + 12, true);
      const bitsPerSample = dv.getUint16(body + 14, true);
      if (format === FORMAT_EXTENSIBLE) {
        if (size < 40 || body + 26 > b.length) fail('TRUNCATED', 'the WAV extensible format header is cut off. Re-export it.');
        format = dv.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
      fmt = { format, channels, sampleRate, bitsPerSample, blockAlign };
    } else if (chunk === 'data') {
      if (!fmt) fail('NOT_AUDIO', 'the WAV file has its audio before its format header. Re-export it with another program.');
      if (size > b.length - body) {
        fail('TRUNCATED', `the WAV header promises ${size} bytes of audio but only ${b.length - body} are there: the file was cut off. Re-export or re-record it.`);
      }
      return { ...checkFormat(fmt!, fail), dataOffset: body, dataSize: size };
    }
    pos = body + size + (size & 1);
  }
  if (!fmt) fail('TRUNCATED', 'the WAV file has no format header (it may be cut off). Re-export or re-record it.');
  return fail('TRUNCATED', 'the WAV file has no audio data chunk (it may be cut off). Re-export or re-record it.');
}

function checkFormat(
  f: Omit<WavHeader, 'dataOffset' | 'dataSize'>,
  fail: (code: 'NOT_AUDIO' | 'UNSUPPORTED_ENCODING', msg: string) => never,
): Omit<WavHeader, 'dataOffset' | 'dataSize'> {
  if (f.channels === 0) fail('NOT_AUDIO', 'the WAV header says 0 channels, so the file is damaged. Re-export or re-record it.');
  if (f.channels > MAX_CHANNELS) fail('UNSUPPORTED_ENCODING', `${f.channels} channels is more than the ${MAX_CHANNELS} supported. Export a mono or stereo file.`);
  if (f.sampleRate === 0) fail('NOT_AUDIO', 'the WAV header says a sample rate of 0 Hz, so the file is damaged. Re-export or re-record it.');
  if (f.sampleRate < MIN_RATE || f.sampleRate > MAX_RATE) {
    fail('UNSUPPORTED_ENCODING', `a sample rate of ${f.sampleRate} Hz is outside ${MIN_RATE}-${MAX_RATE} Hz. Record or export at 16 kHz or more.`);
  }
  const pcmOk = f.format === FORMAT_PCM && [8, 16, 24, 32].includes(f.bitsPerSample);
  const floatOk = f.format === FORMAT_FLOAT && (f.bitsPerSample === 32 || f.bitsPerSample === 64);
  const lawOk = (f.format === FORMAT_ALAW || f.format === FORMAT_MULAW) && f.bitsPerSample === 8;
  if (!pcmOk && !floatOk && !lawOk) {
    fail('UNSUPPORTED_ENCODING', `WAV encoding ${describe(f.format)} at ${f.bitsPerSample} bits is not supported. Convert it to 16-bit PCM WAV or FLAC.`);
  }
  // The block size follows from the format; a wrong header value is ignored, not trusted.
  return { ...f, blockAlign: (f.channels * f.bitsPerSample) / 8 };
}

function describe(format: number): string {
  const names: Record<number, string> = { 1: 'PCM', 2: 'MS ADPCM', 3: 'float', 6: 'A-law', 7: 'mu-law', 0x11: 'IMA ADPCM', 0x55: 'MP3' };
  return names[format] ?? `0x${format.toString(16)}`;
}

/** Number of sample frames the header describes (computed without allocating anything). */
export function wavFrameCount(h: WavHeader): number {
  return Math.floor(h.dataSize / h.blockAlign);
}

/**
 * Decodes a WAV file to mono Float32 at its own rate, averaging the channels.
 * Throws AudioDecodeError: NOT_AUDIO, TRUNCATED, UNSUPPORTED_ENCODING, EMPTY_AUDIO, TOO_LONG,
 * NON_FINITE_SAMPLES.
 */
export function decodeWav(b: Uint8Array, name: string, limits: WavLimits): MonoAudio {
  const h = parseWavHeader(b, name);
  const frames = wavFrameCount(h);
  if (frames === 0) throw new AudioDecodeError('EMPTY_AUDIO', `${name}: the WAV file holds no audio. Record something and try again.`, { subject: name });
  const duration = frames / h.sampleRate;
  if (duration > limits.maxDurationSec) throw tooLong(name, duration, limits.maxDurationSec);
  const data = b.subarray(h.dataOffset, h.dataOffset + h.dataSize);
  const samples = h.format === FORMAT_PCM || h.format === FORMAT_FLOAT ? convertPcm(data, h, frames) : viaWavefile(b, h, name);
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i])) {
      throw new AudioDecodeError('NON_FINITE_SAMPLES', `${name}: the audio contains NaN or infinite sample values at ${(i / h.sampleRate).toFixed(2)} s. Re-export it as 16-bit PCM.`, { subject: name });
    }
  }
  return { samples, sampleRate: h.sampleRate };
}

export function tooLong(name: string, durationSec: number, maxSec: number): AudioDecodeError {
  return new AudioDecodeError('TOO_LONG', `${name}: the recording is ${durationSec.toFixed(1)} s long, more than the ${maxSec} s allowed. Cut it into shorter pieces.`, { subject: name });
}

function convertPcm(data: Uint8Array, h: WavHeader, frames: number): Float32Array {
  const out = new Float32Array(frames);
  const ch = h.channels;
  const bytes = h.bitsPerSample / 8;
  const gain = 1 / ch;
  const dv = new DataView(data.buffer, data.byteOffset, frames * h.blockAlign);
  if (h.format === FORMAT_FLOAT) {
    const read = bytes === 4 ? (o: number) => dv.getFloat32(o, true) : (o: number) => dv.getFloat64(o, true);
    for (let f = 0, o = 0; f < frames; f++) {
      let acc = 0;
      for (let c = 0; c < ch; c++, o += bytes) acc += read(o);
      out[f] = acc * gain;
    }
    return out;
  }
  switch (h.bitsPerSample) {
    case 8: // unsigned, centred on 128
      for (let f = 0, o = 0; f < frames; f++) {
        let acc = 0;
        for (let c = 0; c < ch; c++, o++) acc += data[o] - 128;
        out[f] = (acc * gain) / 128;
      }
      break;
    case 16:
      if (ch === 1) {
        for (let f = 0, o = 0; f < frames; f++, o += 2) out[f] = dv.getInt16(o, true) / 32768;
      } else if (ch === 2) {
        for (let f = 0, o = 0; f < frames; f++, o += 4) out[f] = (dv.getInt16(o, true) + dv.getInt16(o + 2, true)) / 65536;
      } else {
        for (let f = 0, o = 0; f < frames; f++) {
          let acc = 0;
          for (let c = 0; c < ch; c++, o += 2) acc += dv.getInt16(o, true);
          out[f] = (acc * gain) / 32768;
        }
      }
      break;
    case 24:
      for (let f = 0, o = 0; f < frames; f++) {
        let acc = 0;
        for (let c = 0; c < ch; c++, o += 3) acc += ((data[o] | (data[o + 1] << 8) | (data[o + 2] << 16)) << 8) >> 8;
        out[f] = (acc * gain) / 8388608;
      }
      break;
    case 32:
      for (let f = 0, o = 0; f < frames; f++) {
        let acc = 0;
        for (let c = 0; c < ch; c++, o += 4) acc += dv.getInt32(o, true);
        out[f] = (acc * gain) / 2147483648;
      }
      break;
  }
  return out;
}

type WaveFileCtor = new () => {
  fromBuffer(bytes: Uint8Array): void;
  fromALaw(bitDepth?: string): void;
  fromMuLaw(bitDepth?: string): void;
  getSamples(interleaved?: boolean, out?: unknown): Float64Array | Float64Array[];
};

function waveFileClass(): WaveFileCtor {
  const ns = wavefileNs as unknown as { WaveFile?: WaveFileCtor; default?: { WaveFile: WaveFileCtor } };
  const ctor = ns.WaveFile ?? ns.default?.WaveFile;
  if (!ctor) throw new Error('wavefile did not export WaveFile');
  return ctor;
}

/** A-law and mu-law, expanded to 16-bit by wavefile (header already validated). */
function viaWavefile(b: Uint8Array, h: WavHeader, name: string): Float32Array {
  let chans: Float64Array[];
  try {
    const wav = new (waveFileClass())();
    wav.fromBuffer(b);
    if (h.format === FORMAT_ALAW) wav.fromALaw('16');
    else wav.fromMuLaw('16');
    const s = wav.getSamples(false, Float64Array);
    chans = Array.isArray(s) ? s : [s as Float64Array];
  } catch (e) {
    throw new AudioDecodeError('NOT_AUDIO', `${name}: the WAV audio could not be decoded (${(e as Error).message}). Convert it to 16-bit PCM WAV or FLAC.`, { subject: name, cause: e });
  }
  const n = chans[0]?.length ?? 0;
  const out = new Float32Array(n);
  const gain = 1 / (chans.length * 32768);
  for (const c of chans) for (let i = 0; i < n; i++) out[i] += c[i] * gain;
  return out;
}
