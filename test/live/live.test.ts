/** The incremental scorer (src/live): chunk-size independence, equality with the batch embedder, no tensor leaks, the rule. */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFile } from '../../src/audio/decode';
import { detectSpeech } from '../../src/audio/vad';
import { initBackend, tf } from '../../src/backend';
import { computeMfcc } from '../../src/features/mfcc';
import { earlyDecision, earlyMargin } from '../../src/live/decision';
import { LIVE_HOP_FRAMES, LIVE_WINDOW_FRAMES, LiveEmbedding, type EmbeddingUpdate } from '../../src/live/embedding';
import { LiveVerifySession } from '../../src/live/session';
import { StreamingVad } from '../../src/live/vad';
import { createEmbedder, type Embedder } from '../../src/model';

const LIBRI = path.resolve('../shared/data/librispeech/test-other');
const FILE = path.join(LIBRI, '1688', '1688-142285-0004.flac');

function stream(e: Embedder, x: Float32Array, chunk: number): { ups: EmbeddingUpdate[]; fin: EmbeddingUpdate | null } {
  const le = new LiveEmbedding(e);
  const ups: EmbeddingUpdate[] = [];
  for (let i = 0; i < x.length; i += chunk) ups.push(...le.push(x.subarray(i, i + chunk)));
  return { ups, fin: le.end() };
}

function vadSpeech(x: Float32Array, chunk: number): Float32Array {
  const v = new StreamingVad();
  const parts: Float32Array[] = [];
  for (let i = 0; i < x.length; i += chunk) parts.push(...v.push(x.subarray(i, i + chunk)));
  parts.push(...v.end());
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('live scoring', () => {
  let embedder: Embedder;
  let audio: Float32Array;
  beforeAll(async () => {
    await initBackend();
    embedder = createEmbedder({ seed: 3 });
    audio = (await decodeAudioFile(FILE)).samples;
  });
  afterAll(() => embedder.dispose());

  it('streaming VAD keeps about the speech the batch VAD finds, and does not depend on chunk sizes', () => {
    const a = vadSpeech(audio, 160);
    const b = vadSpeech(audio, 7919);
    expect(b).toEqual(a);
    const batch = detectSpeech(audio).speechSec;
    const live = a.length / 16000;
    expect(live).toBeGreaterThan(0.8 * batch);
    expect(live).toBeLessThan(1.1 * batch);
    expect(live).toBeLessThan(audio.length / 16000 - 0.2); // it does drop silence
  });

  it('updates every 0.5 s of speech, the same for any chunk size, and ends on the batch embedding with live windows', () => {
    const before = tf.memory().numTensors;
    const small = stream(embedder, audio, 333);
    const big = stream(embedder, audio, 16000 * 3 + 17);
    expect(tf.memory().numTensors).toBe(before);
    expect(small.ups.length).toBeGreaterThanOrEqual(3);
    expect(big.ups.map((u) => u.speechSeconds)).toEqual(small.ups.map((u) => u.speechSeconds));
    big.ups.forEach((u, i) => expect(Array.from(u.embedding)).toEqual(Array.from(small.ups[i].embedding)));
    const gaps = small.ups.slice(1).map((u, i) => u.speechSeconds - small.ups[i].speechSeconds);
    for (const g of gaps) expect(g).toBeCloseTo(0.5, 1);

    // The final embedding is embedBatch over the streamed speech with 1.5 s windows, 0.5 s hop.
    const f = computeMfcc(vadSpeech(audio, 4000), embedder.featureConfig);
    const arch = embedder.arch as { windowFrames: number; windowHop: number };
    const saved = [arch.windowFrames, arch.windowHop];
    [arch.windowFrames, arch.windowHop] = [LIVE_WINDOW_FRAMES, LIVE_HOP_FRAMES];
    const ref = embedder.embedFeatures(f);
    [arch.windowFrames, arch.windowHop] = saved;
    const fin = small.fin!;
    expect(fin.final).toBe(true);
    for (let i = 0; i < ref.length; i++) expect(fin.embedding[i]).toBeCloseTo(ref[i], 5);
  });

  it('a session decides once, early when the score clears the margin, and keeps the decision', () => {
    const target = stream(embedder, audio, 8000).fin!.embedding;
    const s = new LiveVerifySession(embedder, (e) => {
      let dot = 0;
      for (let i = 0; i < e.length; i++) dot += e[i] * target[i];
      return { score: dot, threshold: 0.5, accepted: dot >= 0.5, llr: 2 * dot };
    });
    const ups = [];
    for (let i = 0; i < audio.length; i += 4000) ups.push(...s.push(audio.subarray(i, i + 4000)));
    const last = s.end()!;
    expect(last.final).toBe(true);
    expect(last.llr).toBeCloseTo(2 * last.score, 10); // calibrated fields pass through
    const first = ups.findIndex((u) => u.decision);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(ups[first].decision).toMatchObject({ accepted: true, early: true, decidedAt: ups[first].speechSeconds });
    expect(ups[first].speechSeconds).toBeGreaterThanOrEqual(1);
    for (const u of ups.slice(first)) expect(u.decision).toEqual(ups[first].decision);
    expect(last.decision).toEqual(ups[first].decision);
    expect(() => s.push(audio)).toThrow();
  });

  it('the early rule waits for the speech a reliable decision needs (2 s) and its margin shrinks with speech', () => {
    expect(earlyDecision(0.99, 0.5, 0.9)).toBeNull();
    expect(earlyDecision(0.99, 0.5, 1.9)).toBeNull();
    expect(earlyMargin(4)).toBeLessThan(earlyMargin(1));
    expect(earlyDecision(0.5 + earlyMargin(2) + 1e-9, 0.5, 2)).toBe('accept');
    expect(earlyDecision(0.5 - earlyMargin(2) - 1e-9, 0.5, 2)).toBe('reject');
    expect(earlyDecision(0.5 + earlyMargin(2) / 2, 0.5, 2)).toBeNull();
  });

  it('ends with no update for silence-only or empty input, and falls back to the whole take for very little speech', () => {
    expect(new LiveEmbedding(embedder).end()).toBeNull();
    const quiet = new Float32Array(16000 * 2);
    const le = new LiveEmbedding(embedder);
    expect(le.push(quiet)).toEqual([]);
    const fin = le.end();
    expect(fin?.final).toBe(true);
    expect(fin!.embedding.every(Number.isFinite)).toBe(true);
  });
});
