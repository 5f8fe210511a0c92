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
});
