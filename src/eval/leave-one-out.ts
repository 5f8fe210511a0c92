/**
 * Leave-one-out trials over a few speakers' own recordings, scored the way verify scores: every
 * recording against the centroid of its speaker's other recordings (target; only speakers with two
 * or more) and against every other speaker's centroid (non-target). Calibration on the enrolled
 * takes and the fine-tune's yardstick (when too little data can be held out) both use it.
 */
import { centroidOf } from '../speakers/codec';
import { cosine } from '../speakers/scoring';

export interface LooSpeaker {
  embeddings: Float32Array[];
  /** The speaker's centroid; default the centroid of `embeddings` (none when it is empty). */
  centroid?: Float32Array;
}

export function leaveOneOutScores(speakers: LooSpeaker[]): { tar: number[]; non: number[] } {
  const tar: number[] = [];
  const non: number[] = [];
  const centroids = speakers.map((s) => s.centroid ?? (s.embeddings.length ? centroidOf(s.embeddings) : undefined));
  speakers.forEach((s, i) => {
    s.embeddings.forEach((t, k) => {
      if (s.embeddings.length >= 2) tar.push(cosine(t, centroidOf(s.embeddings.filter((_, m) => m !== k))));
      centroids.forEach((c, j) => {
        if (c && j !== i) non.push(cosine(t, c));
      });
    });
  });
  return { tar, non };
}
