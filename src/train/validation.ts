/**
 * Validation on speakers carved out of the TRAIN speakers (never dev): trials shaped like the dev
 * lists (multi-clip speakers: enroll 3 clips, test 1 other; single-utterance speakers: enroll the
 * first half, test the second half), scored by cosine, EER per corpus.
 */
import { computeEer, computeMinDcf } from '../eval/metrics';
import type { Embedder } from '../model/embedder';
import type { FeatureMatrix } from '../model/preprocess';
import { pickDistinct, type Rng } from '../util/rng';

export interface ValTrial {
  enroll: number[];
  test: number;
  target: boolean;
  corpus: string;
}

export interface ValSet {
  items: FeatureMatrix[];
  trials: ValTrial[];
}

export interface ValUtterance {
  f: FeatureMatrix;
  speaker: string;
  corpus: string;
}

function half(f: FeatureMatrix, second: boolean): FeatureMatrix {
  const n = Math.floor(f.numFrames / 2);
  const start = second ? n : 0;
  const len = second ? f.numFrames - n : n;
  return { data: f.data.subarray(start * f.numCoeffs, (start + len) * f.numCoeffs), numFrames: len, numCoeffs: f.numCoeffs };
}

/** Builds validation trials: about `perSpeaker` target and as many non-target trials per speaker. */
export function buildValSet(utts: ValUtterance[], rng: Rng, perSpeaker = 20): ValSet {
  const items: FeatureMatrix[] = [];
  const trials: ValTrial[] = [];
  const corpora = [...new Set(utts.map((u) => u.corpus))].sort();
  for (const corpus of corpora) {
    const bySpk = new Map<string, number[]>();
    for (const u of utts.filter((x) => x.corpus === corpus)) {
      bySpk.set(u.speaker, [...(bySpk.get(u.speaker) ?? []), items.length]);
      items.push(u.f);
    }
    const spks = [...bySpk.keys()].sort();
    if (spks.length < 2) continue;
    const single = spks.every((s) => bySpk.get(s)!.length < 4);
    if (single) {
      // enroll = first half of the speaker's first utterance, test = second half
      const a: number[] = [];
      const b: number[] = [];
      for (const s of spks) {
        const f = items[bySpk.get(s)![0]];
        a.push(items.length);
        items.push(half(f, false));
        b.push(items.length);
        items.push(half(f, true));
      }
      for (let i = 0; i < spks.length; i++) {
        for (let j = 0; j < spks.length; j++) trials.push({ enroll: [a[i]], test: b[j], target: i === j, corpus });
      }
    } else {
      for (const s of spks) {
        const own = bySpk.get(s)!;
        const others = spks.filter((o) => o !== s);
        for (let t = 0; t < perSpeaker; t++) {
          const pick = pickDistinct(own.length, 4, rng).map((i) => own[i]);
          trials.push({ enroll: pick.slice(0, 3), test: pick[3], target: true, corpus });
          const o = bySpk.get(others[rng.int(others.length)])!;
          trials.push({ enroll: pick.slice(0, 3), test: o[rng.int(o.length)], target: false, corpus });
        }
      }
    }
  }
  return { items, trials };
}

export interface ValResult {
  /** Mean of the per-corpus EERs (the checkpoint criterion). */
  meanEer: number;
  byCorpus: Record<string, { eer: number; minDcf: number; threshold: number; trials: number }>;
  /** EER threshold of all trials pooled (the calibrated verify threshold). */
  pooledEer: number;
  pooledThreshold: number;
}

export function scoreTrials(emb: Float32Array[], trials: ValTrial[]): number[] {
  const d = emb[0].length;
  return trials.map((t) => {
    const c = new Float32Array(d);
    for (const e of t.enroll) for (let k = 0; k < d; k++) c[k] += emb[e][k];
    let n = 0;
    let dot = 0;
    for (let k = 0; k < d; k++) {
      n += c[k] * c[k];
      dot += c[k] * emb[t.test][k];
    }
    return dot / (Math.sqrt(n) || 1);
  });
}

export function validate(embedder: Embedder, set: ValSet): ValResult {
  const emb = embedder.embedBatch(set.items);
  const scores = scoreTrials(emb, set.trials);
  const byCorpus: ValResult['byCorpus'] = {};
  const corpora = [...new Set(set.trials.map((t) => t.corpus))].sort();
  const tarAll: number[] = [];
  const nonAll: number[] = [];
  for (const c of corpora) {
    const tar: number[] = [];
    const non: number[] = [];
    set.trials.forEach((t, i) => {
      if (t.corpus === c) (t.target ? tar : non).push(scores[i]);
    });
    const e = computeEer(tar, non);
    byCorpus[c] = { eer: e.eer, threshold: e.threshold, minDcf: computeMinDcf(tar, non).minDcf, trials: tar.length + non.length };
    tarAll.push(...tar);
    nonAll.push(...non);
  }
  const pooled = computeEer(tarAll, nonAll);
  const meanEer = corpora.reduce((s, c) => s + byCorpus[c].eer, 0) / Math.max(1, corpora.length);
  return { meanEer, byCorpus, pooledEer: pooled.eer, pooledThreshold: pooled.threshold };
}
