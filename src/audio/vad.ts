/**
 * Energy-based voice activity detection with an adaptive noise floor.
 *
 * Frame energies (10 ms, dBFS) are measured in the speech band (150 Hz - 4 kHz, two biquads),
 * which leaves out rumble (boilers, washing machines, handling) and much of the hiss, and are
 * smoothed over 50 ms. The noise floor is tracked locally
 * (the minimum of the smoothed energy within +-1 s, never below the recording's own 10th
 * percentile), so it follows a noise that changes level; the speech threshold sits a margin above
 * it that scales with the recording's contrast (speech level minus floor): quiet recordings and
 * noisy ones get a threshold that fits them instead of a fixed dBFS. Frames above threshold become
 * segments; short gaps are bridged (natural pauses stay), short bursts dropped (clicks), each
 * segment padded, and long pauses and the leading and trailing silence are cut.
 *
 * Limits: energy cannot tell a loud noise burst from a word. With a non-stationary noise only
 * ~10 dB below the speech (a boiler, say), bursts in the pauses are kept as speech; ./quality
 * reports such a take as noisy. (An autocorrelation voicing check was tried and dropped: it
 * cost ~6 ms per audio-second and did not reject boiler noise, which is partly periodic.)
 */
import { AudioDecodeError } from '../errors';
import { DEFAULT_FRONT_END } from '../features/front-end';

export interface VadOptions {
  /** Sample rate of `samples` (default: the front end's). */
  sampleRate?: number;
  /** Pauses up to this long stay inside a segment (default 300 ms). */
  maxPauseMs?: number;
  /** Segments shorter than this (after bridging) are dropped as clicks (default 60 ms). */
  minSegmentMs?: number;
  /** Kept before and after each segment, so word edges are not clipped (default 100 ms). */
  padMs?: number;
  /** Frames quieter than this are digital silence: never speech, not noise either (default -110 dBFS, below 16-bit dither). */
  absoluteFloorDb?: number;
  /** Least margin above the noise floor for speech (default 3 dB). */
  minMarginDb?: number;
}

export interface SpeechResult {
  /** The speech segments joined end to end. */
  speech: Float32Array;
  speechSec: number;
  /** [start, end) sample indices into the input, in order, non-overlapping. */
  segments: Array<[number, number]>;
}

// The front end's VAD settings (src/features/front-end.ts): the defaults of VadOptions, and the
// fixed frame settings.
const VAD = DEFAULT_FRONT_END.vad;
const FRAME_MS = VAD.frameMs;
const SMOOTH_FRAMES = VAD.smoothFrames;
const LOCAL_WINDOW_FRAMES = VAD.localWindowFrames;

/** Coefficients of a second-order Butterworth section (RBJ cookbook), a0 normalised to 1. */
export function biquadCoefficients(rate: number, freq: number, type: 'lowpass' | 'highpass'): { b0: number; b1: number; b2: number; a1: number; a2: number } {
  const w = (2 * Math.PI * Math.min(freq, rate * 0.45)) / rate;
  const alpha = Math.sin(w) / Math.SQRT2;
  const cos = Math.cos(w);
  const a0 = 1 + alpha;
  const b1 = (type === 'lowpass' ? 1 - cos : -(1 + cos)) / a0;
  const b0 = b1 / (type === 'lowpass' ? 2 : -2);
  return { b0, b1, b2: b0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

/**
 * Frame energies (dBFS: mean square of samples in [-1, 1]; -120 for digital silence) of the 150 Hz - 4 kHz band, where voiced speech has most of its energy:
 * a highpass and a lowpass biquad and the per-frame mean square in one pass, with no copy of the
 * signal. Each filter's output is rounded to float32 as it was when the filters ran in place
 * over a Float32Array one after the other, so the energies are the same to the bit.
 */
function speechBandEnergiesDb(samples: Float32Array, rate: number, frameLen: number): Float64Array {
  const { b0: hb0, b1: hb1, b2: hb2, a1: ha1, a2: ha2 } = biquadCoefficients(rate, 150, 'highpass');
  const { b0: lb0, b1: lb1, b2: lb2, a1: la1, a2: la2 } = biquadCoefficients(rate, 4000, 'lowpass');
  const fround = Math.fround;
  const n = Math.floor(samples.length / frameLen) + (samples.length % frameLen ? 1 : 0);
  const out = new Float64Array(n);
  let hx1 = 0;
  let hx2 = 0;
  let hy1 = 0;
  let hy2 = 0;
  let lx1 = 0;
  let lx2 = 0;
  let ly1 = 0;
  let ly2 = 0;
  for (let f = 0; f < n; f++) {
    const s = f * frameLen;
    const e = Math.min(samples.length, s + frameLen);
    let acc = 0;
    for (let i = s; i < e; i++) {
      const x0 = samples[i];
      const h0 = hb0 * x0 + hb1 * hx1 + hb2 * hx2 - ha1 * hy1 - ha2 * hy2;
      hx2 = hx1;
      hx1 = x0;
      hy2 = hy1;
      hy1 = h0;
      const hf = fround(h0);
      const l0 = lb0 * hf + lb1 * lx1 + lb2 * lx2 - la1 * ly1 - la2 * ly2;
      lx2 = lx1;
      lx1 = hf;
      ly2 = ly1;
      ly1 = l0;
      const y = fround(l0);
      acc += y * y;
    }
    out[f] = 10 * Math.log10(acc / (e - s) + 1e-12);
  }
  return out;
}

export function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return -120;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * (sorted.length - 1))))];
}

/** Sliding-window minimum over +-half (monotonic deque, O(n)). */
function slidingMin(x: Float64Array, half: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const dq = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let next = 0; // next index to push
  for (let i = 0; i < n; i++) {
    const hi = Math.min(n - 1, i + half);
    for (; next <= hi; next++) {
      while (tail > head && x[dq[tail - 1]] >= x[next]) tail--;
      dq[tail++] = next;
    }
    while (dq[head] < i - half) head++;
    out[i] = x[dq[head]];
  }
  return out;
}

/** Per-frame speech decisions and the statistics behind them (shared with ./quality). */
export interface FrameAnalysis {
  frameLen: number;
  /** Speech-band energy per frame, dBFS. */
  energyDb: Float64Array;
  /** 1 where the energy test says speech. */
  speech: Uint8Array;
  noiseFloorDb: number;
  speechLevelDb: number;
}

export function analyseFrames(samples: Float32Array, opts: VadOptions = {}): FrameAnalysis {
  const sampleRate = opts.sampleRate ?? DEFAULT_FRONT_END.sampleRate;
  const absoluteFloorDb = opts.absoluteFloorDb ?? VAD.absoluteFloorDb;
  const minMarginDb = opts.minMarginDb ?? VAD.minMarginDb;
  const frameLen = Math.max(1, Math.round((sampleRate * FRAME_MS) / 1000));
  const energyDb = speechBandEnergiesDb(samples, sampleRate, frameLen);
  const n = energyDb.length;
  // Smooth in the power domain over 50 ms, so one quiet frame inside a word is not a pause.
  const power = energyDb.map((db) => 10 ** (db / 10));
  const smooth = new Float64Array(n);
  const half = SMOOTH_FRAMES >> 1;
  for (let f = 0; f < n; f++) {
    let acc = 0;
    let cnt = 0;
    for (let k = Math.max(0, f - half); k <= Math.min(n - 1, f + half); k++, cnt++) acc += power[k];
    smooth[f] = 10 * Math.log10(acc / cnt + 1e-12);
  }
  // Digital silence (padding, muted input) says nothing about the noise: leave it out.
  const live = smooth.filter((v) => v > absoluteFloorDb);
  const globalFloor = percentile(live, 0.1);
  const speechLevelDb = percentile(live, 0.95);
  // The margin grows with the contrast: a clean recording (50 dB) gets 15 dB, a noisy one (10 dB) 3 dB.
  const margin = Math.max(minMarginDb, Math.min(15, 0.3 * (speechLevelDb - globalFloor)));
  const localFloor = slidingMin(
    smooth.map((v) => (v > absoluteFloorDb ? v : globalFloor)),
    LOCAL_WINDOW_FRAMES,
  );
  const speech = new Uint8Array(n);
  for (let f = 0; f < n; f++) {
    const floor = Math.max(globalFloor, localFloor[f]);
    speech[f] = smooth[f] > floor + margin && smooth[f] > absoluteFloorDb ? 1 : 0;
  }
  return { frameLen, energyDb, speech, noiseFloorDb: globalFloor, speechLevelDb };
}

/**
 * Finds speech in mono audio: trims leading and trailing silence and drops pauses longer than
 * `maxPauseMs`. Returns the joined speech, its duration and the kept [start, end) sample ranges.
 */
export function detectSpeech(samples: Float32Array, opts: VadOptions = {}): SpeechResult {
  const { speech, speechSec, segments } = detectSpeechDetailed(samples, opts);
  return { speech, speechSec, segments };
}

/** detectSpeech plus the per-frame analysis behind it (for ./quality). */
export function detectSpeechDetailed(samples: Float32Array, opts: VadOptions = {}): SpeechResult & { frames: FrameAnalysis } {
  const sampleRate = opts.sampleRate ?? DEFAULT_FRONT_END.sampleRate;
  const maxPauseFrames = Math.round((opts.maxPauseMs ?? VAD.maxPauseMs) / FRAME_MS);
  const minSegFrames = Math.round((opts.minSegmentMs ?? VAD.minSegmentMs) / FRAME_MS);
  const padFrames = Math.round((opts.padMs ?? VAD.padMs) / FRAME_MS);
  const frames = analyseFrames(samples, opts);
  const { frameLen, speech } = frames;
  const n = speech.length;

  // Runs of speech frames, with short gaps bridged.
  const runs: Array<[number, number]> = [];
  for (let f = 0; f < n; ) {
    if (!speech[f]) {
      f++;
      continue;
    }
    let end = f + 1;
    while (end < n && speech[end]) end++;
    const last = runs[runs.length - 1];
    if (last && f - last[1] <= maxPauseFrames) last[1] = end;
    else runs.push([f, end]);
    f = end;
  }
  // Drop clicks, pad, merge what the padding joins, convert to samples.
  const segments: Array<[number, number]> = [];
  for (const [a, b] of runs) {
    if (b - a < minSegFrames) continue;
    const s = Math.max(0, (a - padFrames) * frameLen);
    const e = Math.min(samples.length, (b + padFrames) * frameLen);
    const last = segments[segments.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else segments.push([s, e]);
  }
  let total = 0;
  for (const [s, e] of segments) total += e - s;
  const out = new Float32Array(total);
  let at = 0;
  for (const [s, e] of segments) {
    out.set(samples.subarray(s, e), at);
    at += e - s;
  }
  return { speech: out, speechSec: total / sampleRate, segments, frames };
}

/**
 * Throws AudioDecodeError TOO_LITTLE_SPEECH when `speechSec` is below `minSec`; the message names
 * `name` and says what to do.
 */
export function requireSpeech(result: { speechSec: number }, minSec: number, name = 'audio'): void {
  if (result.speechSec >= minSec) return;
  const found = result.speechSec < 0.05 ? 'no speech was found' : `only ${result.speechSec.toFixed(1)} s of speech was found`;
  throw new AudioDecodeError(
    'TOO_LITTLE_SPEECH',
    `${name}: ${found}, and at least ${minSec.toFixed(1)} s is needed. Record again and say a full sentence, close to the microphone.`,
    { subject: name },
  );
}
