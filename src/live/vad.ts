/**
 * Streaming voice activity detection: src/audio/vad.ts's rules, run on audio as it arrives.
 *
 * What is the same as the batch VAD: the speech-band filter (causal, its state carried across
 * chunks), the 10 ms frame energies, the 50 ms centred smoothing, the contrast-scaled margin, the
 * rules that bridge pauses up to 300 ms, drop bursts under 60 ms and pad segments by 100 ms.
 * What differs, because the future is unknown: the noise floor (10th percentile) and the speech
 * level (95th percentile) are taken over the frames seen so far (a histogram, O(1) per frame)
 * rather than over the whole recording, and the local floor is the minimum over the past 1 s (plus
 * the 20 ms the smoothing looks ahead) rather than +-1 s. The first WARMUP_FRAMES are held back
 * and classified together, so the first statistics are not taken from a handful of frames.
 * Each sample is filtered, measured and classified once; speech is emitted at most
 * MAX_DELAY_FRAMES (0.4 s, the pause bridge plus the end padding) after it arrived.
 */
import { biquadCoefficients } from '../audio/vad';
import { DEFAULT_FRONT_END } from '../features/front-end';
import { percentileOfHistogram, EnergyHistogram } from './histogram';
import { FrameLog, SampleLog } from './logs';

// The batch VAD's settings (the front end's, src/features/front-end.ts), in frames.
const VAD = DEFAULT_FRONT_END.vad;
const RATE = DEFAULT_FRONT_END.sampleRate;
const FRAME = Math.round((RATE * VAD.frameMs) / 1000); // 10 ms
const SMOOTH_HALF = VAD.smoothFrames >> 1; // 5-frame centred smoothing
const LOCAL_PAST = VAD.localWindowFrames; // 1 s
const MAX_PAUSE = Math.round(VAD.maxPauseMs / VAD.frameMs); // 300 ms
const MIN_SEGMENT = Math.round(VAD.minSegmentMs / VAD.frameMs); // 60 ms
const PAD = Math.round(VAD.padMs / VAD.frameMs); // 100 ms
const ABS_FLOOR_DB = VAD.absoluteFloorDb;
const MIN_MARGIN_DB = VAD.minMarginDb;
/** Frames held back at the start so the first noise-floor estimate has 1 s to go on. */
export const WARMUP_FRAMES = 100;

/** A biquad whose state is carried across chunks (the batch VAD's coefficients). */
class Biquad {
  private readonly c: ReturnType<typeof biquadCoefficients>;
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;
  constructor(freq: number, type: 'lowpass' | 'highpass') {
    this.c = biquadCoefficients(RATE, freq, type);
  }
  run(x: number): number {
    const { b0, b1, b2, a1, a2 } = this.c;
    const y = b0 * x + b1 * this.x1 + b2 * this.x2 - a1 * this.y1 - a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

export class StreamingVad {
  private readonly hp = new Biquad(150, 'highpass');
  private readonly lp = new Biquad(4000, 'lowpass');
  private readonly raw = new SampleLog();
  private readonly hist = new EnergyHistogram();
  /** Per-frame band energies (dB) and smoothed energies, by frame index (kept for a short window). */
  private readonly energy = new FrameLog();
  private readonly smooth = new FrameLog();
  private partialAcc = 0;
  private partialLen = 0;
  /** Next frame to classify. */
  private next = 0;
  /** Current run of speech frames [runStart, runEnd), and whether it is long enough to keep. */
  private runStart = -1;
  private runEnd = -1;
  private confirmed = false;
  /** Samples before this absolute index have been emitted or dropped. */
  private emitted = 0;
  private speechSamples = 0;
  private ended = false;

  get speechSec(): number {
    return this.speechSamples / RATE;
  }

  /** Feeds audio; returns the speech it can now release (possibly empty). */
  push(samples: Float32Array): Float32Array[] {
    if (this.ended) throw new Error('StreamingVad: push after end');
    this.raw.push(samples);
    const out: Float32Array[] = [];
    for (let i = 0; i < samples.length; i++) {
      const y = this.lp.run(this.hp.run(samples[i]));
      this.partialAcc += y * y;
      if (++this.partialLen === FRAME) {
        this.closeFrame();
        // Each frame is classified as soon as it can be, so the result does not depend on chunk sizes.
        if (this.smooth.length >= WARMUP_FRAMES) this.classify(out);
      }
    }
    this.forget();
    return out;
  }

  /** Ends the stream: classifies the held-back frames and releases the last speech. */
  end(): Float32Array[] {
    if (this.ended) throw new Error('StreamingVad: end called twice');
    if (this.partialLen > 0) this.closeFrame();
    this.ended = true;
    for (let f = this.smooth.length; f < this.energy.length; f++) this.pushSmooth(f, this.energy.length - 1);
    const out: Float32Array[] = [];
    this.classify(out);
    this.closeRun(out, this.raw.end);
    return out;
  }

  private closeFrame(): void {
    this.energy.push(10 * Math.log10(this.partialAcc / this.partialLen + 1e-12));
    this.partialAcc = 0;
    this.partialLen = 0;
    // The smoothed value of frame f needs frames up to f + SMOOTH_HALF.
    const f = this.energy.length - 1 - SMOOTH_HALF;
    if (f >= 0) this.pushSmooth(f, f + SMOOTH_HALF);
  }

  private pushSmooth(f: number, last: number): void {
    let acc = 0;
    let cnt = 0;
    for (let k = Math.max(0, f - SMOOTH_HALF); k <= last; k++, cnt++) acc += 10 ** (this.energy.at(k) / 10);
    const v = 10 * Math.log10(acc / cnt + 1e-12);
    this.smooth.push(v);
    if (v > ABS_FLOOR_DB) this.hist.add(v);
  }

  private classify(out: Float32Array[]): void {
    const ready = this.smooth.length;
    const floorG = percentileOfHistogram(this.hist, 0.1);
    const level = percentileOfHistogram(this.hist, 0.95);
    const margin = Math.max(MIN_MARGIN_DB, Math.min(15, 0.3 * (level - floorG)));
    for (; this.next < ready; this.next++) {
      const f = this.next;
      const s = this.smooth.at(f);
      const floor = Math.max(floorG, this.localMin(f, ready, floorG));
      this.step(f, s > floor + margin && s > ABS_FLOOR_DB, out);
    }
  }

  /** Minimum smoothed energy over [f - 1 s, f + what is known ahead]; digital silence counts as the global floor. */
  private localMin(f: number, ready: number, floorG: number): number {
    // Plain scan of <= 103 values: ~0.1 ms per second of audio, not worth a deque here.
    let m = Infinity;
    const hi = Math.min(ready - 1, f + (this.next < WARMUP_FRAMES ? LOCAL_PAST : SMOOTH_HALF));
    for (let k = Math.max(0, f - LOCAL_PAST); k <= hi; k++) {
      const v = this.smooth.at(k);
      const w = v > ABS_FLOOR_DB ? v : floorG;
      if (w < m) m = w;
    }
    return m;
  }

  private step(f: number, isSpeech: boolean, out: Float32Array[]): void {
    if (isSpeech) {
      if (this.runStart >= 0 && f - this.runEnd <= MAX_PAUSE) this.runEnd = f + 1;
      else {
        this.closeRun(out, this.raw.end);
        this.runStart = f;
        this.runEnd = f + 1;
        this.confirmed = false;
      }
      if (!this.confirmed && this.runEnd - this.runStart >= MIN_SEGMENT) this.confirmed = true;
      if (this.confirmed) this.emit(Math.max(0, (this.runStart - PAD) * FRAME), this.runEnd * FRAME, out);
    } else if (this.runStart >= 0 && f - this.runEnd >= MAX_PAUSE) {
      this.closeRun(out, this.raw.end);
    }
  }

  /** Ends the current run: releases its end padding if it was kept. */
  private closeRun(out: Float32Array[], limit: number): void {
    if (this.runStart < 0) return;
    if (this.confirmed) this.emit(Math.max(0, (this.runStart - PAD) * FRAME), Math.min(limit, (this.runEnd + PAD) * FRAME), out);
    this.runStart = -1;
    this.runEnd = -1;
    this.confirmed = false;
  }

  private emit(from: number, to: number, out: Float32Array[]): void {
    const a = Math.max(from, this.emitted);
    const b = Math.min(to, this.raw.end);
    if (b <= a) return;
    out.push(this.raw.slice(a, b));
    this.emitted = b;
    this.speechSamples += b - a;
  }

  /** Drops samples and frame values no later decision can need. */
  private forget(): void {
    const anchor = this.runStart >= 0 ? this.runStart : this.next;
    this.raw.dropBefore(Math.max(this.emitted, (anchor - PAD) * FRAME));
    const oldest = this.next - LOCAL_PAST - SMOOTH_HALF - 1;
    this.energy.dropBefore(oldest);
    this.smooth.dropBefore(oldest);
  }
}
