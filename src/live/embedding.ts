/**
 * The running embedding of a stream: streaming VAD -> streaming MFCC -> windowed embeddings.
 *
 * Why windows and not pooled statistics: the embedder's frame branch sees MFCCs minus the mean of
 * its window (CMN) through ReLU layers, and its statistics branch sees the window's raw mean and
 * std; both are functions of the whole window, so a frame's contribution cannot be computed once
 * and pooled as more audio arrives without changing what the model was trained on (crops of at
 * most 3 s). A window, once complete, is embedded once and never again; the running embedding is
 * the L2-normalised sum of the window embeddings, which is what `Embedder.embedBatch` does.
 *
 * Window size: the offline path uses 3 s windows with a 1.5 s hop. Re-embedding a 3 s tail every
 * 0.5 s costs ~12 ms of CPU per update here, over the 5 ms budget, so the live path uses
 * LIVE_WINDOW_FRAMES (1.5 s) windows with a LIVE_HOP_FRAMES (0.5 s) hop: each update embeds
 * exactly one new window, and the final embedding equals `embedBatch` with those window settings
 * on the same speech (test/live/live.test.ts). What the live path costs in accuracy (this
 * windowing plus the causal VAD) is the "EER of the live final scores" row of
 * docs/results/speech-length.md, beside the offline EERs.
 */
import { computeMfcc, numFramesFor, type FeatureConfig } from '../features/mfcc';
import { SAMPLE_RATE } from '../features/front-end';
import type { Embedder } from '../model/embedder';
import { MIN_SPEECH_SEC } from '../model/speech';
import { l2normalize } from '../speakers/scoring';
import { SampleLog } from './logs';
import { StreamingVad } from './vad';

export const LIVE_WINDOW_FRAMES = 150;
export const LIVE_HOP_FRAMES = 50;
const MAX_FALLBACK_SAMPLES = 60 * SAMPLE_RATE;

export interface EmbeddingUpdate {
  /** L2-normalised running embedding. */
  embedding: Float32Array;
  /** Seconds of speech the embedding covers. */
  speechSeconds: number;
  /** Seconds of audio pushed so far. */
  audioSeconds: number;
  /** True for the update made by `end()`. */
  final: boolean;
}

/** Growable [frames, coeffs] matrix addressed by absolute frame index. */
class FeatureLog {
  private data: Float32Array;
  private start = 0;
  private n = 0;
  constructor(private readonly coeffs: number) {
    this.data = new Float32Array(512 * coeffs);
  }
  get end(): number {
    return this.start + this.n;
  }
  push(rows: Float32Array): void {
    const need = (this.n * this.coeffs) + rows.length;
    if (need > this.data.length) {
      const next = new Float32Array(Math.max(2 * this.data.length, need));
      next.set(this.data.subarray(0, this.n * this.coeffs));
      this.data = next;
    }
    this.data.set(rows, this.n * this.coeffs);
    this.n += rows.length / this.coeffs;
  }
  view(from: number, to: number): Float32Array {
    return this.data.subarray((from - this.start) * this.coeffs, (to - this.start) * this.coeffs);
  }
  dropBefore(frame: number): void {
    const k = frame - this.start;
    if (k < 1024) return;
    this.data.copyWithin(0, k * this.coeffs, this.n * this.coeffs);
    this.n -= k;
    this.start += k;
  }
}

export class LiveEmbedding {
  private readonly vad = new StreamingVad();
  private readonly cfg: FeatureConfig;
  /** Speech samples not yet turned into every frame they belong to. */
  private readonly speech = new SampleLog();
  private readonly frames: FeatureLog;
  /** Raw audio, kept only until there is enough speech (the offline path's fallback needs it). */
  private raw: SampleLog | null = new SampleLog();
  private audioSamples = 0;
  private speechSamples = 0;
  /** Sum of committed window embeddings, their count, and the next window start to commit. */
  private readonly sum: Float32Array;
  private nextStart = 0;
  /** Frame count at the last update before the first full window (prefix updates). */
  private lastPrefixUpdate = 0;
  private ended = false;

  constructor(private readonly embedder: Embedder) {
    this.cfg = embedder.featureConfig;
    this.frames = new FeatureLog(this.cfg.numCoeffs);
    this.sum = new Float32Array(embedder.dim);
  }

  get speechSeconds(): number {
    return this.speechSamples / this.cfg.sampleRate;
  }
  get audioSeconds(): number {
    return this.audioSamples / this.cfg.sampleRate;
  }

  /** Feeds 16 kHz mono samples in [-1, 1]; returns an update for each 0.5 s of new speech. */
  push(chunk: Float32Array): EmbeddingUpdate[] {
    if (this.ended) throw new Error('LiveEmbedding: push after end');
    this.audioSamples += chunk.length;
    if (this.raw) {
      if (this.vad.speechSec >= MIN_SPEECH_SEC) this.raw = null;
      // Bounded: a long silent stream keeps its first minute for the fallback, not all of it.
      else if (this.raw.end < MAX_FALLBACK_SAMPLES) this.raw.push(chunk.subarray(0, MAX_FALLBACK_SAMPLES - this.raw.end));
    }
    for (const s of this.vad.push(chunk)) this.addSpeech(s);
    return this.updates();
  }

  /**
   * Ends the stream and returns the final embedding over all the speech (null when there was
   * not one analysis frame of audio at all).
   */
  end(): EmbeddingUpdate | null {
    if (this.ended) throw new Error('LiveEmbedding: end called twice');
    for (const s of this.vad.end()) this.addSpeech(s);
    this.ended = true;
    this.updates();
    const n = this.frames.end;
    const final = (embedding: Float32Array, speechSec: number): EmbeddingUpdate => ({
      embedding,
      speechSeconds: speechSec,
      audioSeconds: this.audioSeconds,
      final: true,
    });
    if (this.speechSeconds < MIN_SPEECH_SEC) {
      // As the offline path (src/model/speech.ts): too little speech found, embed the whole take.
      const raw = this.raw;
      if (!raw || numFramesFor(raw.end, this.cfg) < 1) return n > 0 ? final(this.prefixEmbedding(n), this.speechSeconds) : null;
      return final(this.embedder.embedSamples(raw.view(0, raw.end)), this.audioSeconds);
    }
    if (n <= LIVE_WINDOW_FRAMES) return final(this.prefixEmbedding(n), this.speechSeconds);
    const acc = Float32Array.from(this.sum);
    const tail = n - LIVE_WINDOW_FRAMES;
    if (tail !== this.nextStart - LIVE_HOP_FRAMES) addInto(acc, this.window(tail));
    return final(l2normalize(acc), this.speechSeconds);
  }

  private addSpeech(s: Float32Array): void {
    this.speech.push(s);
    this.speechSamples += s.length;
    const { hopLength } = this.cfg;
    const have = this.frames.end;
    const total = numFramesFor(this.speech.end, this.cfg);
    if (total <= have) return;
    // Only the new frames: they start at sample have * hop, which the log still holds.
    const from = have * hopLength;
    const f = computeMfcc(this.speech.view(from, this.speech.end), this.cfg);
    this.frames.push(f.data.subarray(0, (total - have) * this.cfg.numCoeffs));
    this.speech.dropBefore(total * hopLength);
  }

  /**
   * Commits every complete window, one update each (so the trajectory does not depend on chunk
   * sizes); before the first full window, the prefix is embedded as one window every 0.5 s.
   */
  private updates(): EmbeddingUpdate[] {
    const out: EmbeddingUpdate[] = [];
    const n = this.frames.end;
    while (this.lastPrefixUpdate + LIVE_HOP_FRAMES < LIVE_WINDOW_FRAMES && this.lastPrefixUpdate + LIVE_HOP_FRAMES <= n) {
      this.lastPrefixUpdate += LIVE_HOP_FRAMES;
      if (!this.ended) out.push(this.update(this.prefixEmbedding(this.lastPrefixUpdate), this.lastPrefixUpdate));
    }
    while (this.nextStart + LIVE_WINDOW_FRAMES <= n) {
      addInto(this.sum, this.window(this.nextStart));
      this.nextStart += LIVE_HOP_FRAMES;
      if (!this.ended) out.push(this.update(l2normalize(this.sum), this.nextStart - LIVE_HOP_FRAMES + LIVE_WINDOW_FRAMES));
    }
    if (n >= LIVE_WINDOW_FRAMES) this.frames.dropBefore(Math.min(this.nextStart, n - LIVE_WINDOW_FRAMES));
    return out;
  }

  /** An update whose embedding covers the first `frames` feature frames of speech. */
  private update(embedding: Float32Array, frames: number): EmbeddingUpdate {
    return { embedding, speechSeconds: this.framesSeconds(frames), audioSeconds: this.audioSeconds, final: false };
  }

  private framesSeconds(frames: number): number {
    const { hopLength, frameLength, sampleRate } = this.cfg;
    return frames > 0 ? ((frames - 1) * hopLength + frameLength) / sampleRate : 0;
  }

  private window(start: number): Float32Array {
    return this.embedFrames(start, start + LIVE_WINDOW_FRAMES);
  }

  private prefixEmbedding(n: number): Float32Array {
    return this.embedFrames(0, n);
  }

  private embedFrames(from: number, to: number): Float32Array {
    return this.embedder.embedFeatures({ data: this.frames.view(from, to), numFrames: to - from, numCoeffs: this.cfg.numCoeffs });
  }
}

function addInto(acc: Float32Array, v: Float32Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] += v[i];
}
