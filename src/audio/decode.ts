/**
 * Audio in: file or bytes -> 16 kHz mono Float32. WAV is read by ./wav-decode; FLAC, MP3 and
 * OGG (Opus or Vorbis) go through `audio-decode` (wasm decoders), fed in chunks so that a size
 * limit and a deadline are checked as decoding goes. Channels are averaged, then the result is
 * resampled with the band-limited resampler in ./resample. Every failure a user can cause is an
 * AudioDecodeError whose message names the file and says what to do.
 */
import { readFile, stat } from 'node:fs/promises';
import decodeLib from 'audio-decode';
import { AudioDecodeError, VoxprintError } from '../errors';
import { SAMPLE_RATE } from '../features/front-end';
import { resample } from './resample';
import { decodeWav, looksLikeWav, MAX_RATE, MIN_RATE, tooLong, type MonoAudio } from './wav-decode';

/** The front end's sample rate (src/features/front-end.ts), which every decoded recording has. */
export const TARGET_SAMPLE_RATE = SAMPLE_RATE;

/** Mono audio at the front end's rate (16 kHz), samples nominally in [-1, 1]. */
export interface Audio {
  samples: Float32Array;
  sampleRate: typeof SAMPLE_RATE;
  durationSec: number;
}

export interface DecodeOptions {
  /** Longest accepted recording in seconds (default 600 = 10 min). Longer gives TOO_LONG. */
  maxDurationSec?: number;
  /** Largest accepted file in bytes (default 256 MiB), checked before reading. */
  maxFileBytes?: number;
  /** Compressed formats: give up after this many ms of decoding (default 30 s). */
  timeoutMs?: number;
}

export const DEFAULT_MAX_DURATION_SEC = 600;
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * Bytes handed to a compressed decoder at a time; limits are checked between chunks. Small,
 * because FLAC frames of silence are ~13 bytes for 65,535 samples per channel: 64 KiB of them
 * decoded in one call were gigabytes (a 44 KB file took 4.6 GiB, docs/reliability.md).
 */
const CHUNK_BYTES = 1024;
/** Chunk size for the second FLAC pass that recovers a dropped last block (see decodeCompressed). */
const TAIL_SAFE_CHUNK_BYTES = 64 * 1024;
/** The largest FLAC block, in samples per channel. */
const FLAC_MAX_BLOCK = 65535;
/**
 * Decoded samples (at the file's own rate, per channel and over all channels) are also capped at
 * what the duration limit allows for 48 kHz stereo, so that a header claiming a huge rate or many
 * channels cannot turn the duration limit into a multi-gigabyte allocation.
 */
const MAX_DECODE_RATE = 48000;
const MAX_DECODE_CHANNELS = 2;

type Compressed = 'flac' | 'mp3' | 'opus' | 'oga';

/** Recognises a container from its first bytes; undefined when it is none we decode. */
export function sniffFormat(b: Uint8Array): 'wav' | Compressed | 'ogg-other' | undefined {
  if (looksLikeWav(b)) return 'wav';
  if (b.length >= 4 && b[0] === 0x66 && b[1] === 0x4c && b[2] === 0x61 && b[3] === 0x43) return 'flac'; // fLaC
  if (b.length >= 4 && b[0] === 0x4f && b[1] === 0x67 && b[2] === 0x67 && b[3] === 0x53) {
    // OggS: the first page's payload names the codec.
    const head = new TextDecoder('latin1').decode(b.subarray(0, Math.min(b.length, 128)));
    if (head.includes('OpusHead')) return 'opus';
    if (head.includes('\x01vorbis')) return 'oga';
    // A well-formed first page (stream structure version 0) of some other codec (Speex, FLAC...).
    return b.length >= 28 && b[4] === 0 ? 'ogg-other' : undefined;
  }
  if (b.length >= 3 && b[0] === 0x49 && b[1] === 0x44 && b[2] === 0x33) return 'mp3'; // ID3 tag
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0 && (b[1] & 0x06) !== 0) return 'mp3'; // MPEG audio frame sync, layer != 0
  return undefined;
}

/**
 * Decodes a file to 16 kHz mono. Throws AudioDecodeError: FILE_NOT_FOUND, NOT_AUDIO, TRUNCATED,
 * UNSUPPORTED_ENCODING, EMPTY_AUDIO, NON_FINITE_SAMPLES, TOO_LONG.
 */
export async function decodeAudioFile(path: string, opts: DecodeOptions = {}): Promise<Audio> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new AudioDecodeError('NOT_AUDIO', `${path} is not a file. Give the path of an audio file.`, { subject: path });
    size = st.size;
  } catch (e) {
    if (e instanceof VoxprintError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new AudioDecodeError('FILE_NOT_FOUND', `${path}: no such file. Check the path and try again.`, { subject: path, cause: e });
    }
    throw new AudioDecodeError('FILE_NOT_FOUND', `${path}: cannot be read (${code ?? (e as Error).message}). Check the path and its permissions.`, { subject: path, cause: e });
  }
  if (size > maxBytes) {
    throw new AudioDecodeError('TOO_LONG', `${path}: the file is ${(size / 2 ** 20).toFixed(0)} MiB, more than the ${(maxBytes / 2 ** 20).toFixed(0)} MiB allowed. Cut it into shorter recordings.`, { subject: path });
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new AudioDecodeError('FILE_NOT_FOUND', `${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path and its permissions.`, { subject: path, cause: e });
  }
  return decodeAudioBytes(bytes, { ...opts, name: path });
}

/**
 * Decodes in-memory bytes to 16 kHz mono; `name` is used in messages. Same errors as
 * decodeAudioFile, except FILE_NOT_FOUND.
 */
export async function decodeAudioBytes(bytes: Uint8Array, opts: DecodeOptions & { name?: string } = {}): Promise<Audio> {
  const name = opts.name ?? 'audio';
  const maxDurationSec = opts.maxDurationSec ?? DEFAULT_MAX_DURATION_SEC;
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (bytes.length === 0) throw new AudioDecodeError('EMPTY_AUDIO', `${name}: the file is empty (0 bytes). Record something and try again.`, { subject: name });
  if (bytes.length > maxBytes) {
    throw new AudioDecodeError('TOO_LONG', `${name}: ${(bytes.length / 2 ** 20).toFixed(0)} MiB is more than the ${(maxBytes / 2 ** 20).toFixed(0)} MiB allowed. Cut it into shorter recordings.`, { subject: name });
  }
  const format = sniffFormat(bytes);
  if (!format) {
    throw new AudioDecodeError('NOT_AUDIO', `${name}: not a recognised audio file (WAV, FLAC, MP3 or OGG/Opus expected). Check that you picked the right file, or convert it to WAV.`, { subject: name });
  }
  if (format === 'ogg-other') {
    throw new AudioDecodeError('UNSUPPORTED_ENCODING', `${name}: this Ogg file holds neither Opus nor Vorbis audio. Convert it to WAV, FLAC or Ogg/Opus.`, { subject: name });
  }
  let mono: MonoAudio;
  if (format === 'wav') {
    mono = decodeWav(bytes, name, { maxDurationSec });
  } else {
    mono = await decodeCompressed(bytes, format, name, maxDurationSec, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }
  return toAudio(mono, name);
}

function toAudio(mono: MonoAudio, name: string): Audio {
  if (mono.samples.length === 0) throw new AudioDecodeError('EMPTY_AUDIO', `${name}: the file holds no audio. Record something and try again.`, { subject: name });
  const samples = mono.sampleRate === TARGET_SAMPLE_RATE ? mono.samples : resample(mono.samples, mono.sampleRate, TARGET_SAMPLE_RATE);
  return { samples, sampleRate: TARGET_SAMPLE_RATE, durationSec: samples.length / TARGET_SAMPLE_RATE };
}

interface AudioData {
  channelData: Float32Array[];
  sampleRate: number;
}
type StreamDecoder = ((chunk?: Uint8Array) => Promise<AudioData>) & { free(): void };

async function decodeCompressed(bytes: Uint8Array, format: Compressed, name: string, maxDurationSec: number, timeoutMs: number): Promise<MonoAudio> {
  const label = { flac: 'FLAC', mp3: 'MP3', opus: 'Opus', oga: 'Ogg Vorbis' }[format];
  const damaged = (e: unknown) =>
    new AudioDecodeError('NOT_AUDIO', `${name}: the ${label} data could not be decoded (${(e as Error)?.message ?? e}); the file looks damaged. Re-export it, or convert it to WAV.`, { subject: name, cause: e });
  const deadline = Date.now() + timeoutMs;
  const info = format === 'flac' ? flacStreamInfo(bytes) : undefined;
  const expected = info?.totalSamples;
  // FLAC states its length up front: refuse a too-long file before decoding anything.
  if (info && info.sampleRate > 0 && info.totalSamples / info.sampleRate > maxDurationSec) {
    throw tooLong(name, info.totalSamples / info.sampleRate, maxDurationSec);
  }
  const factory = (decodeLib as unknown as Record<Compressed, () => Promise<StreamDecoder>>)[format];
  const run = async (chunkBytes: number) => {
    let dec: StreamDecoder;
    try {
      dec = await factory();
    } catch (e) {
      throw damaged(e);
    }
    const parts: Float32Array[] = [];
    let rate = 0;
    let total = 0;
    let values = 0;
    const take = (r: AudioData) => {
      if (!r.channelData.length || !r.channelData[0].length) return;
      if (rate === 0) rate = r.sampleRate;
      if (!(r.sampleRate > 0) || r.sampleRate !== rate) throw damaged(new Error(`sample rate changes mid-stream (${rate} -> ${r.sampleRate})`));
      // The same range as for WAV: a Vorbis header can claim any 32-bit rate.
      if (rate < MIN_RATE || rate > MAX_RATE)
        throw new AudioDecodeError('UNSUPPORTED_ENCODING', `${name}: a sample rate of ${rate} Hz is outside ${MIN_RATE}-${MAX_RATE} Hz; the file looks damaged. Re-export it at 16 kHz or more.`, { subject: name });
      parts.push(downmix(r.channelData));
      total += r.channelData[0].length;
      values += r.channelData[0].length * r.channelData.length;
      if (total / rate > maxDurationSec) throw tooLong(name, total / rate, maxDurationSec);
      if (total > maxDurationSec * MAX_DECODE_RATE || values > maxDurationSec * MAX_DECODE_RATE * MAX_DECODE_CHANNELS)
        throw new AudioDecodeError(
          'TOO_LONG',
          `${name}: ${r.channelData.length} channel(s) at ${rate} Hz hold more audio data than ${maxDurationSec} s of 48 kHz stereo, the most accepted. Export it as mono or stereo at 48 kHz or lower, or cut it into shorter pieces.`,
          { subject: name },
        );
    };
    let finished = false;
    try {
      for (let off = 0; off < bytes.length; off += chunkBytes) {
        take(await dec(bytes.subarray(off, off + chunkBytes)));
        if (Date.now() > deadline) {
          throw new AudioDecodeError('NOT_AUDIO', `${name}: decoding took longer than ${timeoutMs / 1000} s; the file looks damaged. Convert it to WAV and try again.`, { subject: name });
        }
      }
      finished = true;
      take(await dec());
    } catch (e) {
      if (!finished) dec.free();
      if (e instanceof VoxprintError) throw e;
      throw damaged(e);
    }
    return { parts, rate, total };
  };
  let { parts, rate, total } = await withQuietConsole(() => run(CHUNK_BYTES));
  // Fed in small chunks, the FLAC decoder's flush can drop the stream's last (short) block. When
  // exactly that is missing (at most one block short of STREAMINFO's count), decoding again in large
  // chunks is safe, since the first pass has bounded what the file expands to.
  if (expected !== undefined && total < expected && expected - total <= FLAC_MAX_BLOCK) {
    ({ parts, rate, total } = await withQuietConsole(() => run(TAIL_SAFE_CHUNK_BYTES)));
  }
  if (total === 0) {
    throw new AudioDecodeError('TRUNCATED', `${name}: no ${label} audio could be decoded; the file is empty or cut off. Re-export or re-record it.`, { subject: name });
  }
  if (expected !== undefined && expected > 0 && total < expected * 0.99) {
    throw new AudioDecodeError('TRUNCATED', `${name}: the FLAC file is cut off (${total} of ${expected} samples present). Re-export or re-record it.`, { subject: name });
  }
  const samples = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    samples.set(p, at);
    at += p.length;
  }
  // The FLAC decoder divides by 2^(b-1) - 1 where WAV readers (ours, wavefile) divide by
  // 2^(b-1); rescale so that the same PCM gives the same samples, whatever the container.
  if (info && info.bitsPerSample >= 4 && info.bitsPerSample <= 32) {
    const full = 2 ** (info.bitsPerSample - 1);
    const k = (full - 1) / full;
    for (let i = 0; i < total; i++) samples[i] *= k;
  }
  for (let i = 0; i < total; i++) {
    if (!Number.isFinite(samples[i])) throw new AudioDecodeError('NON_FINITE_SAMPLES', `${name}: the decoder produced NaN or infinite samples; the file looks damaged. Re-export it.`, { subject: name });
  }
  return { samples, sampleRate: rate };
}

/**
 * The wasm decoders print their own diagnostics with console.error/warn on damaged input; what the
 * user needs is our typed error, so their chatter is muted while one of them runs.
 */
async function withQuietConsole<T>(fn: () => Promise<T>): Promise<T> {
  const { error, warn } = console;
  console.error = () => {};
  console.warn = () => {};
  try {
    return await fn();
  } finally {
    console.error = error;
    console.warn = warn;
  }
}

/** Averages channels into one (copies, since decoders may reuse their buffers). */
function downmix(chans: Float32Array[]): Float32Array {
  const n = chans[0].length;
  if (chans.length === 1) return chans[0].slice();
  const out = new Float32Array(n);
  const g = 1 / chans.length;
  for (const c of chans) for (let i = 0; i < n; i++) out[i] += c[i] * g;
  return out;
}

/** Sample rate and total samples per channel (0 = unknown) from FLAC STREAMINFO, if readable. */
function flacStreamInfo(b: Uint8Array): { sampleRate: number; totalSamples: number; bitsPerSample: number } | undefined {
  // "fLaC", a 4-byte metadata block header whose type must be 0 (STREAMINFO), then 34 bytes.
  if (b.length < 8 + 34 || (b[4] & 0x7f) !== 0) return undefined;
  const s = 8;
  // Bytes 10..13: 20-bit rate, 3-bit channels-1, 5-bit bits-1, then 36 bits of total samples.
  const sampleRate = (b[s + 10] << 12) | (b[s + 11] << 4) | (b[s + 12] >> 4);
  const bitsPerSample = (((b[s + 12] & 1) << 4) | (b[s + 13] >> 4)) + 1;
  const totalSamples = (b[s + 13] & 0x0f) * 2 ** 32 + ((b[s + 14] << 24) >>> 0) + (b[s + 15] << 16) + (b[s + 16] << 8) + b[s + 17];
  return { sampleRate, totalSamples, bitsPerSample };
}
