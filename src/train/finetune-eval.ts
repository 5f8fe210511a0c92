/**
 * The fine-tune's yardstick, scored the way verify scores: a test recording against a speaker's
 * centroid (the normalised mean of the embeddings of that speaker's fine-tune recordings).
 * - held-out: every held-out recording against its own speaker's centroid (target) and every
 *   other speaker's (non-target);
 * - leave-one-out (too little data to hold any out): every recording against the centroid of its
 *   speaker's other recordings (target) and every other speaker's centroid (non-target).
 */
import { leaveOneOutScores } from '../eval/leave-one-out';
import { computeEer, computeMinDcf } from '../eval/metrics';
import type { Embedder } from '../model/embedder';
import type { FeatureMatrix } from '../model/preprocess';
import { centroidOf } from '../speakers/codec';
import { cosine } from '../speakers/scoring';

export interface EvalSpeaker {
  /** Clean features of the recordings the speaker's centroid is made of. */
  enroll: FeatureMatrix[];
  /** Clean features of the held-out recordings (empty in leave-one-out mode). */
  test: FeatureMatrix[];
}

export interface LocalEval {
  eer: number;
  threshold: number;
  minDcf: number;
  /** (mean target - mean non-target) / pooled std: breaks EER ties (tiny sets often sit at 0). */
  separation: number;
  targets: number;
  nontargets: number;
}

/** Scores the local trials with `embedder`. Needs 2 speakers (the caller's data check ensures it). */
export function evaluateLocal(embedder: Embedder, speakers: EvalSpeaker[], mode: 'held-out' | 'leave-one-out'): LocalEval {
  const tar: number[] = [];
  const non: number[] = [];
  const enroll = speakers.map((s) => (s.enroll.length ? embedder.embedBatch(s.enroll) : []));
  const centroids = enroll.map((e) => (e.length ? centroidOf(e) : undefined));
  if (mode === 'held-out') {
    speakers.forEach((s, i) => {
      if (!s.test.length) return;
      for (const t of embedder.embedBatch(s.test)) {
        centroids.forEach((c, j) => {
          if (c) (i === j ? tar : non).push(cosine(t, c));
        });
      }
    });
  } else {
    const loo = leaveOneOutScores(enroll.map((embeddings, i) => ({ embeddings, centroid: centroids[i] })));
    tar.push(...loo.tar);
    non.push(...loo.non);
  }
  const e = computeEer(tar, non);
  return { eer: e.eer, threshold: e.threshold, minDcf: computeMinDcf(tar, non).minDcf, separation: separation(tar, non), targets: tar.length, nontargets: non.length };
}

function separation(tar: number[], non: number[]): number {
  const mv = (x: number[]) => {
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    return [m, x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length];
  };
  const [mt, vt] = mv(tar);
  const [mn, vn] = mv(non);
  return (mt - mn) / Math.sqrt((vt + vn) / 2 + 1e-12);
}

/** True when `a` is better than `b`: a lower EER, or the same EER with a wider separation. */
export function better(a: LocalEval, b: LocalEval): boolean {
  if (a.eer < b.eer - 1e-9) return true;
  return Math.abs(a.eer - b.eer) <= 1e-9 && a.separation > b.separation;
}
