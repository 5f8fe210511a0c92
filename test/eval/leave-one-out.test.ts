/** The leave-one-out trials that Engine.calibrate and the fine-tune's estimate share. */
import { describe, expect, it } from 'vitest';
import { leaveOneOutScores } from '../../src/eval/leave-one-out';

const v = (...x: number[]) => Float32Array.from(x);

describe('leaveOneOutScores', () => {
  it('scores each recording against its speaker\u2019s other recordings and every other speaker\u2019s centroid', () => {
    // A: two recordings along x; B: one along y (no target of its own); C: none (no centroid).
    const r = leaveOneOutScores([{ embeddings: [v(1, 0), v(1, 0)] }, { embeddings: [v(0, 1)] }, { embeddings: [] }]);
    expect(r.tar).toEqual([1, 1]);
    // A's two against B's centroid, B's one against A's.
    expect(r.non).toEqual([0, 0, 0]);
  });

  it('uses a given centroid for the non-target trials (a profile\u2019s stored one)', () => {
    const r = leaveOneOutScores([
      { embeddings: [v(1, 0), v(0.6, 0.8)], centroid: v(0, 1) },
      { embeddings: [v(0, 1), v(0, 1)] },
    ]);
    expect(r.tar.map((x) => +x.toFixed(6))).toEqual([0.6, 0.6, 1, 1]);
    // A's against B's centroid (0, 1); B's against A's given centroid (0, 1), not the mean of A's embeddings.
    expect(r.non.map((x) => +x.toFixed(6))).toEqual([0, 0.8, 1, 1]);
  });

  it('gives a scorer each side with its seconds of speech: the held-out recording, and the rest of its speaker or the other profile', () => {
    const seen: [number, number][] = [];
    const r = leaveOneOutScores(
      [
        { embeddings: [v(1, 0), v(1, 0), v(0.6, 0.8)], speechSec: [2, 3, 4] },
        { embeddings: [v(0, 1)], speechSec: [5] },
      ],
      (enroll, test) => (seen.push([enroll.speechSec, test.speechSec]), enroll.speechSec * 100 + test.speechSec),
    );
    // Targets: each of A's against A's other two (7, 6, 5 s of them).
    expect(r.tar).toEqual([702, 603, 504]);
    // Non-targets: A's three against B's 5 s, B's one against all of A's 9 s.
    expect(r.non).toEqual([502, 503, 504, 905]);
    expect(seen).toHaveLength(7);
  });
});
