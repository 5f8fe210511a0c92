/**
 * Measures the audio front end on real speech from ../shared/data, single-threaded:
 *   - MFCC: the fast path (src/features/mfcc) against per-frame `Meyda.extract` and against
 *     Meyda's own `mfcc` extractor fed an fft.js spectrum;
 *   - decode + resample: a 44.1 kHz stereo 16-bit WAV and a 16 kHz FLAC to 16 kHz mono, the
 *     resampler alone, a 16 kHz mono WAV; wavefile's `getSamples` on the 44.1 kHz WAV for reference;
 *   - VAD.
 * Each figure is milliseconds per second of audio: one warm-up, then the median (and min/max)
 * of --runs runs (default 7). `npx tsx scripts/bench-features.ts [--json] [--quick] [--runs N]`.
 * The figures in docs/features.md come from this script. `benchFeatures()` is exported for
 * `npm run bench`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as wavefileNs from 'wavefile';
import { decodeAudioBytes, decodeAudioFile } from '../src/audio/decode';
import { resample } from '../src/audio/resample';
import { detectSpeech } from '../src/audio/vad';
import { encodeWav } from '../src/audio/wav';
import { computeMfcc } from '../src/features/mfcc';
import { computeMfccMeydaExtract, computeMfccMeydaExtractor } from '../src/features/meyda-reference';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data');

export interface Figure {
  /** Median wall-clock time. */
  msPerAudioSecond: number;
  min: number;
  max: number;
  /** Median process CPU time (user + system): steadier than wall time on a shared machine. */
  cpuMsPerAudioSecond: number;
  runs: number;
}

export interface FeatureBench {
  audioSec: number;
  mfcc: Figure;
  mfccMeydaExtract: Figure;
  mfccMeydaExtractor: Figure;
  mfccSpeedupVsMeydaExtract: number;
  decodeWav44kStereo: Figure;
  decodeWav16kMono: Figure;
  resample44kTo16k: Figure;
  wavefileGetSamples44kStereo: Figure;
  decodeFlac16k: Figure;
  vad: Figure;
  machine: string;
}

async function measure(audioSec: number, runs: number, fn: () => unknown | Promise<unknown>): Promise<Figure> {
  await fn(); // warm-up: JIT, caches, wasm instantiation
  const t: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    t.push((performance.now() - t0) / audioSec);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000 / audioSec);
  }
  t.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const mid = Math.floor(runs / 2);
  return { msPerAudioSecond: round(t[mid]), min: round(t[0]), max: round(t[t.length - 1]), cpuMsPerAudioSecond: round(cpu[mid]), runs };
}

/** 16-bit stereo WAV bytes (left = x, right = 0.5 x). */
function stereoWav(x: Float32Array, rate: number): Uint8Array {
  const frames = x.length;
  const b = new Uint8Array(44 + frames * 4);
  const dv = new DataView(b.buffer);
  const tag = (at: number, s: string) => [...s].forEach((c, i) => (b[at + i] = c.charCodeAt(0)));
  tag(0, 'RIFF');
  dv.setUint32(4, 36 + frames * 4, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true);
  dv.setUint16(22, 2, true);
  dv.setUint32(24, rate, true);
  dv.setUint32(28, rate * 4, true);
  dv.setUint16(32, 4, true);
  dv.setUint16(34, 16, true);
  tag(36, 'data');
  dv.setUint32(40, frames * 4, true);
  for (let i = 0; i < frames; i++) {
    const v = Math.max(-32768, Math.min(32767, Math.round(x[i] * 32767)));
    dv.setInt16(44 + 4 * i, v, true);
    dv.setInt16(46 + 4 * i, v >> 1, true);
  }
  return b;
}

export async function benchFeatures(opts: { quick?: boolean; runs?: number } = {}): Promise<FeatureBench> {
  const runs = opts.runs ?? (opts.quick ? 3 : 7);
  // Real speech: LibriSpeech test-other files, concatenated (about 60 s, or 10 s in quick mode).
  const dir = join(DATA, 'librispeech', 'test-other');
  const files = readdirSync(dir)
    .filter((d) => /^\d+$/.test(d))
    .sort()
    .flatMap((d) => readdirSync(join(dir, d)).filter((f) => f.endsWith('.flac')).sort().slice(0, 1).map((f) => join(dir, d, f)));
  const target = opts.quick ? 10 : 60;
  const parts: Float32Array[] = [];
  let total = 0;
  for (const f of files) {
    if (total >= target * 16000) break;
    const a = await decodeAudioFile(f);
    parts.push(a.samples);
    total += a.samples.length;
  }
  const speech = new Float32Array(total);
  parts.reduce((at, p) => (speech.set(p, at), at + p.length), 0);
  const sec = total / 16000;

  const mfcc = await measure(sec, runs, () => computeMfcc(speech));
  // Meyda.extract is ~30x slower: time it on a 10 s slice so the run stays short.
  const slice = speech.subarray(0, 16000 * Math.min(10, sec));
  const mfccMeydaExtract = await measure(slice.length / 16000, Math.min(runs, 5), () => computeMfccMeydaExtract(slice));
  const mfccMeydaExtractor = await measure(slice.length / 16000, Math.min(runs, 5), () => computeMfccMeydaExtractor(slice));

  const wav44 = stereoWav(resample(speech, 16000, 44100), 44100);
  const decodeWav44kStereo = await measure(sec, runs, () => decodeAudioBytes(wav44, { name: 'bench.wav' }));
  const wav16 = encodeWav(speech);
  const decodeWav16kMono = await measure(sec, runs, () => decodeAudioBytes(wav16, { name: 'bench16.wav' }));
  const mono44 = resample(speech, 16000, 44100);
  const resample44kTo16k = await measure(sec, runs, () => resample(mono44, 44100, 16000));
  const ns = wavefileNs as unknown as { WaveFile?: new () => WaveFileLike; default?: { WaveFile: new () => WaveFileLike } };
  const WaveFile = (ns.WaveFile ?? ns.default!.WaveFile) as new () => WaveFileLike;
  const wavefileGetSamples44kStereo = await measure(sec, Math.min(runs, 5), () => {
    const w = new WaveFile();
    w.fromBuffer(wav44);
    return w.getSamples(false, Float32Array);
  });
  const flacFile = files[0];
  const flacSec = (await decodeAudioFile(flacFile)).durationSec;
  const decodeFlac16k = await measure(flacSec, runs, () => decodeAudioFile(flacFile));
  const vad = await measure(sec, runs, () => detectSpeech(speech));

  const os = await import('node:os');
  return {
    audioSec: Math.round(sec * 10) / 10,
    mfcc,
    mfccMeydaExtract,
    mfccMeydaExtractor,
    mfccSpeedupVsMeydaExtract: Math.round((mfccMeydaExtract.msPerAudioSecond / mfcc.msPerAudioSecond) * 10) / 10,
    decodeWav44kStereo,
    decodeWav16kMono,
    resample44kTo16k,
    wavefileGetSamples44kStereo,
    decodeFlac16k,
    vad,
    machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}, node ${process.version}`,
  };
}

interface WaveFileLike {
  fromBuffer(b: Uint8Array): void;
  getSamples(interleaved?: boolean, ctor?: unknown): unknown;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const r = await benchFeatures({ quick: args.includes('--quick'), runs: runsAt >= 0 ? Number(args[runsAt + 1]) : undefined });
  if (args.includes('--json')) {
    console.log(JSON.stringify(r));
    return;
  }
  const row = (label: string, f: Figure) =>
    console.log(
      `${label.padEnd(44)} ${f.msPerAudioSecond.toFixed(3).padStart(8)} ms/audio-s  (min ${f.min.toFixed(3)}, max ${f.max.toFixed(3)}, cpu ${f.cpuMsPerAudioSecond.toFixed(3)}, ${f.runs} runs)`,
    );
  console.log(`audio: ${r.audioSec} s of LibriSpeech test-other; ${r.machine}`);
  row('MFCC fast path (fft.js + Meyda filterbank)', r.mfcc);
  row('MFCC Meyda mfcc extractor + fft.js', r.mfccMeydaExtractor);
  row('MFCC per-frame Meyda.extract', r.mfccMeydaExtract);
  console.log(`${'MFCC speed-up vs Meyda.extract'.padEnd(44)} ${r.mfccSpeedupVsMeydaExtract}x`);
  row('decode + resample WAV 44.1 kHz stereo', r.decodeWav44kStereo);
  row('  of which resample 44.1 -> 16 kHz (mono)', r.resample44kTo16k);
  row('  (wavefile getSamples alone, same WAV)', r.wavefileGetSamples44kStereo);
  row('decode WAV 16 kHz mono (no resampling)', r.decodeWav16kMono);
  row('decode FLAC 16 kHz mono', r.decodeFlac16k);
  row('VAD', r.vad);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
