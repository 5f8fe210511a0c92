/**
 * Leave-one-out trials over a few speakers' own recordings, scored the way verify scores: every
 * recording against the centroid of its speaker's other recordings (target; only speakers with two
 * or more) and against every other speaker's centroid (non-target). Calibration on the enrolled
 * takes and the fine-tune's yardstick (when too little data can be held out) both use it.
 */
import type { TrialSide } from '../calibration/calibration';
import { centroidOf } from '../speakers/codec';
import { cosine } from '../speakers/scoring';

export interface LooSpeaker {
  embeddings: Float32Array[];
  /** The speaker's centroid; default the centroid of `embeddings` (none when it is empty). */
  centroid?: Float32Array;
  /** Seconds of speech of each recording (for a scorer that weighs them); default 0. */
  speechSec?: number[];
}

/** Scores one trial: a held-out recording (`test`) against a centroid (`enroll`). Default: their cosine. */
export type LooScorer = (enroll: TrialSide, test: TrialSide) => number;

const byCosine: LooScorer = (e, t) => cosine(t.embedding, e.embedding);

export function leaveOneOutScores(speakers: LooSpeaker[], score: LooScorer = byCosine): { tar: number[]; non: number[] } {
  const tar: number[] = [];
  const non: number[] = [];
  const secs = speakers.map((s) => s.embeddings.map((_, k) => s.speechSec?.[k] ?? 0));
  const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
  const enrolls = speakers.map((s, i): TrialSide | undefined => {
    const c = s.centroid ?? (s.embeddings.length ? centroidOf(s.embeddings) : undefined);
    return c && { embedding: c, speechSec: sum(secs[i]) };
  });
  speakers.forEach((s, i) => {
    s.embeddings.forEach((t, k) => {
      const test = { embedding: t, speechSec: secs[i][k] };
      if (s.embeddings.length >= 2) {
        const others = { embedding: centroidOf(s.embeddings.filter((_, m) => m !== k)), speechSec: sum(secs[i]) - secs[i][k] };
        tar.push(score(others, test));
      }
      enrolls.forEach((e, j) => {
        if (e && j !== i) non.push(score(e, test));
      });
    });
  });
  return { tar, non };
}
