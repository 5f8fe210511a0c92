/**
 * The fuzzer's seed corpus: real recordings from ../shared/data (a WAV and two FLACs), the MP3,
 * Ogg Vorbis and Ogg Opus fixtures made from a real recording (test/fixtures/audio), and WAV
 * variants of the real WAV in every encoding the WAV reader has a separate path for (8/24/32-bit
 * PCM, 32/64-bit float, A-law, mu-law, stereo, extensible, an extra LIST chunk). Seeds are small
 * (1-2 s) so that one case costs milliseconds. Developer tooling: the shipped engine never reads
 * these files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { boundaries, parseStructure, type Format, type Structure } from './formats';

export interface Seed {
  name: string;
  format: Format;
  bytes: Uint8Array;
  structure: Structure;
  /** Offsets worth truncating at (unit starts, body starts, ends). */
  cuts: number[];
}

export interface CorpusOptions {
  /** The shared data folder (default: ../shared/data next to the repository). */
  dataDir?: string;
  /** The audio fixtures folder (default: test/fixtures/audio of the repository). */
  fixturesDir?: string;
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Decompression bombs: tiny FLACs of silence at absurd rates and channel counts (made with
 * `sox -n ... | flac --lax --blocksize=65535`, see test/reliability/fixtures/README.md). They are
 * run as they are, not mutated: each costs about a second.
 */
export const BOMB_FILES = ['bomb-655k-8ch-30s.flac', 'bomb-192k-mono-200s.flac'];

export function loadBombs(dir = path.join(REPO, 'test', 'reliability', 'fixtures')): { name: string; bytes: Uint8Array }[] {
  return BOMB_FILES.map((f) => {
    const p = path.join(dir, f);
    if (!fs.existsSync(p)) throw new Error(`fuzz corpus: ${p} is missing.`);
    return { name: f, bytes: new Uint8Array(fs.readFileSync(p)) };
  });
}

/** Real files the corpus is made from, relative to the data folder / fixtures folder. */
export const SEED_FILES = {
  data: [
    { file: 'arabic-speech-commands/00000001/00000001-backward-01.wav', format: 'wav' },
    { file: 'dspspeech20/16307130043/16307130043-18-18.flac', format: 'flac' },
  ],
  fixtures: [
    { file: 'speech-16k-mono.flac', format: 'flac' },
    { file: 'speech-44k-stereo.mp3', format: 'mp3' },
    { file: 'speech-44k-stereo.ogg', format: 'ogg' },
    { file: 'speech-16k-mono.opus', format: 'ogg' },
  ],
} as const;

function seed(name: string, format: Format, bytes: Uint8Array): Seed {
  const structure = parseStructure(bytes, format);
  return { name, format, bytes, structure, cuts: boundaries(structure, bytes.length) };
}

/**
 * Loads the seeds. Throws (a plain Error: this is tooling) when a seed file is missing, naming it,
 * because a fuzz run on a silently smaller corpus would overstate what was tested.
 */
export function loadCorpus(opts: CorpusOptions = {}): Seed[] {
  const dataDir = opts.dataDir ?? path.resolve(REPO, '..', 'shared', 'data');
  const fixturesDir = opts.fixturesDir ?? path.join(REPO, 'test', 'fixtures', 'audio');
  const read = (dir: string, file: string): Uint8Array => {
    const p = path.join(dir, file);
    if (!fs.existsSync(p)) throw new Error(`fuzz corpus: ${p} is missing (set --data / dataDir to the shared data folder).`);
    return new Uint8Array(fs.readFileSync(p));
  };
  const seeds: Seed[] = [];
  for (const s of SEED_FILES.data) seeds.push(seed(path.basename(s.file), s.format, read(dataDir, s.file)));
  for (const s of SEED_FILES.fixtures) seeds.push(seed(s.file, s.format, read(fixturesDir, s.file)));
  const wav = seeds.find((s) => s.format === 'wav')!;
  for (const v of wavVariants(wav.bytes)) seeds.push(seed(v.name, 'wav', v.bytes));
  return seeds;
}

// ---- WAV variants of the real WAV --------------------------------------------------------------

/** The 16-bit mono samples of a canonical 44-byte-header WAV (our seed is one). */
function pcm16(b: Uint8Array): Int16Array {
  const n = Math.floor((b.length - 44) / 2);
  const dv = new DataView(b.buffer, b.byteOffset + 44, n * 2);
  return Int16Array.from({ length: n }, (_, i) => dv.getInt16(i * 2, true));
}

interface WavSpec {
  format: number;
  channels: number;
  rate: number;
  bits: number;
  extensible?: boolean;
  list?: boolean;
}

function writeWav(spec: WavSpec, data: Uint8Array): Uint8Array {
  const fmtLen = spec.extensible ? 40 : 16;
  const list = spec.list ? new TextEncoder().encode('INFOISFT\x0e\x00\x00\x00voxprint-fuzz\x00') : undefined;
  const listLen = list ? 8 + list.length + (list.length & 1) : 0;
  const total = 12 + 8 + fmtLen + listLen + 8 + data.length + (data.length & 1);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  const tag = (at: number, s: string) => out.set(new TextEncoder().encode(s), at);
  tag(0, 'RIFF');
  dv.setUint32(4, total - 8, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  dv.setUint32(16, fmtLen, true);
  const blockAlign = (spec.channels * spec.bits) / 8;
  dv.setUint16(20, spec.extensible ? 0xfffe : spec.format, true);
  dv.setUint16(22, spec.channels, true);
  dv.setUint32(24, spec.rate, true);
  dv.setUint32(28, spec.rate * blockAlign, true);
  dv.setUint16(32, blockAlign, true);
  dv.setUint16(34, spec.bits, true);
  let pos = 36;
  if (spec.extensible) {
    dv.setUint16(36, 22, true); // cbSize
    dv.setUint16(38, spec.bits, true); // valid bits
    dv.setUint32(40, spec.channels === 2 ? 3 : 4, true); // channel mask
    dv.setUint16(44, spec.format, true); // sub-format GUID starts with the format tag
    out.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 46);
    pos = 60;
  }
  if (list) {
    tag(pos, 'LIST');
    dv.setUint32(pos + 4, list.length, true);
    out.set(list, pos + 8);
    pos += listLen;
  }
  tag(pos, 'data');
  dv.setUint32(pos + 4, data.length, true);
  out.set(data, pos + 8);
  return out;
}

/** G.711 A-law and mu-law encoders (what `sox -e a-law / -e u-law` write). */
function muLaw(x: number): number {
  const BIAS = 0x84;
  const sign = x < 0 ? 0x80 : 0;
  let m = Math.min(32635, Math.abs(x)) + BIAS;
  let exp = 7;
  for (let mask = 0x4000; (m & mask) === 0 && exp > 0; mask >>= 1) exp--;
  const mant = (m >> (exp + 3)) & 0x0f;
  m = ~(sign | (exp << 4) | mant) & 0xff;
  return m;
}
function aLaw(x: number): number {
  const sign = x >= 0 ? 0x80 : 0;
  let m = Math.min(32767, Math.abs(x)) >> 3;
  let exp = 0;
  if (m >= 32) {
    exp = 1;
    while (m >= 64 && exp < 7) {
      m >>= 1;
      exp++;
    }
    m &= 0x1f;
    m >>= 1;
  } else m >>= 1;
  return ((sign | (exp << 4) | (m & 0x0f)) ^ 0x55) & 0xff;
}

/** The real WAV re-encoded in every layout the WAV reader treats separately. */
export function wavVariants(real: Uint8Array): { name: string; bytes: Uint8Array }[] {
  const s = pcm16(real).subarray(0, 12000); // 0.75 s keeps cases fast
  const n = s.length;
  const enc = (bytesPer: number, ch: number, put: (dv: DataView, at: number, v: number) => void): Uint8Array => {
    const out = new Uint8Array(n * bytesPer * ch);
    const dv = new DataView(out.buffer);
    for (let i = 0; i < n; i++) for (let c = 0; c < ch; c++) put(dv, (i * ch + c) * bytesPer, c === 0 ? s[i] : s[i] >> 1);
    return out;
  };
  return [
    { name: 'pcm8.wav', bytes: writeWav({ format: 1, channels: 1, rate: 16000, bits: 8 }, enc(1, 1, (d, a, v) => d.setUint8(a, (v >> 8) + 128))) },
    { name: 'pcm16-stereo-44k.wav', bytes: writeWav({ format: 1, channels: 2, rate: 44100, bits: 16, list: true }, enc(2, 2, (d, a, v) => d.setInt16(a, v, true))) },
    { name: 'pcm24.wav', bytes: writeWav({ format: 1, channels: 1, rate: 16000, bits: 24 }, enc(3, 1, (d, a, v) => {
      const x = v * 256;
      d.setUint8(a, x & 0xff);
      d.setUint8(a + 1, (x >> 8) & 0xff);
      d.setUint8(a + 2, (x >> 16) & 0xff);
    })) },
    { name: 'pcm32-3ch.wav', bytes: writeWav({ format: 1, channels: 3, rate: 22050, bits: 32 }, enc(4, 3, (d, a, v) => d.setInt32(a, v * 65536, true))) },
    { name: 'float32-ext.wav', bytes: writeWav({ format: 3, channels: 2, rate: 48000, bits: 32, extensible: true }, enc(4, 2, (d, a, v) => d.setFloat32(a, v / 32768, true))) },
    { name: 'float64.wav', bytes: writeWav({ format: 3, channels: 1, rate: 16000, bits: 64 }, enc(8, 1, (d, a, v) => d.setFloat64(a, v / 32768, true))) },
    { name: 'alaw.wav', bytes: writeWav({ format: 6, channels: 1, rate: 8000, bits: 8 }, enc(1, 1, (d, a, v) => d.setUint8(a, aLaw(v)))) },
    { name: 'mulaw-stereo.wav', bytes: writeWav({ format: 7, channels: 2, rate: 16000, bits: 8 }, enc(1, 2, (d, a, v) => d.setUint8(a, muLaw(v)))) },
  ];
}
