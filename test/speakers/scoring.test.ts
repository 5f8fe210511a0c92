import { describe, expect, it } from 'vitest';
import { CentroidIndex, cosine, identifyScore, l2normalize, verifyScore } from '../../src/speakers/scoring';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}
const randVec = (r: () => number, d: number) => l2normalize(Float32Array.from({ length: d }, r));

describe('scoring', () => {
  it('cosine is 1 for parallel, -1 for opposite, 0 for orthogonal or zero vectors', () => {
    expect(cosine([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosine([1, 0], [-3, 0])).toBeCloseTo(-1, 12);
    expect(cosine([1, 0], [0, 5])).toBe(0);
    expect(cosine([0, 0], [1, 1])).toBe(0);
    expect(() => cosine([1], [1, 2])).toThrow(RangeError);
  });

  it('verify accepts at or above the threshold only', () => {
    const c = l2normalize(Float32Array.of(1, 1, 0));
    expect(verifyScore(Float32Array.of(1, 1, 0), c, 0.5)).toMatchObject({ accepted: true, threshold: 0.5 });
    expect(verifyScore(Float32Array.of(1, 0, 0), c, 0.8).accepted).toBe(false); // cos = 0.707
    expect(verifyScore(Float32Array.of(1, 0, 0), c, 0.8).score).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('the packed index gives the same scores and ranking as one cosine per speaker', () => {
    const r = rng(7);
    const d = 32;
    const entries = Array.from({ length: 300 }, (_, i) => ({ id: `id${i}`, name: `S${i}`, centroid: randVec(r, d) }));
    const index = new CentroidIndex(entries, d);
    const q = randVec(r, d);
    const s = index.scores(q);
    entries.forEach((e, i) => expect(s[i]).toBeCloseTo(cosine(q, e.centroid), 5));
    const brute = entries
      .map((e) => ({ speaker: e.name, score: cosine(q, e.centroid) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 7);
    const top = index.topN(q, 7);
    expect(top.map((c) => c.speaker)).toEqual(brute.map((c) => c.speaker));
    expect(index.topN(q, 1000)).toHaveLength(300);
  });

  it('identify returns the enrolled speaker when it is close, and unknown (null) below the threshold', () => {
    const r = rng(3);
    const d = 16;
    const entries = Array.from({ length: 20 }, (_, i) => ({ id: `id${i}`, name: `S${i}`, centroid: randVec(r, d) }));
    const index = new CentroidIndex(entries, d);
    const near = l2normalize(entries[5].centroid.map((x, i) => x + 0.05 * Math.sin(i)));
    const hit = identifyScore(index, near, 0.6, 3);
    expect(hit.best).toBe('S5');
    expect(hit.candidates).toHaveLength(3);
    expect(hit.candidates[0].score).toBeGreaterThanOrEqual(hit.candidates[1].score);
    const far = identifyScore(index, near, 1.01, 3);
    expect(far.best).toBeNull();
    expect(far.candidates[0].speaker).toBe('S5'); // still listed, just not accepted
    expect(identifyScore(new CentroidIndex([], d), near, 0.5).best).toBeNull();
    expect(() => index.topN(near, 0)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });

  it('topN equals a full sort for every row count around the 8-row blocks, odd dims, ties and top > size', () => {
    const r = rng(99);
    for (const [n, d] of [[1, 3], [7, 5], [8, 4], [9, 7], [17, 256], [64, 33]]) {
      const centroids = Array.from({ length: n }, () => randVec(r, d));
      // Duplicated profiles tie exactly: the earlier one must rank first.
      if (n > 3) centroids[n - 1] = centroids[1].slice();
      const index = new CentroidIndex(
        centroids.map((c, i) => ({ id: `s${i}`, name: `S${i}`, centroid: c })),
        d,
      );
      const q = randVec(r, d);
      const s = index.scores(q);
      for (let i = 0; i < n; i++) expect(s[i]).toBeCloseTo(cosine(q, centroids[i]), 5);
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[b] - s[a] || a - b);
      for (const top of [1, 3, n, n + 5]) {
        expect(index.topN(q, top).map((c) => c.id), `n=${n} d=${d} top=${top}`).toEqual(order.slice(0, top).map((i) => `s${i}`));
      }
      if (n > 3) expect(index.topN(centroids[1], 2).map((c) => c.id)).toEqual(['s1', `s${n - 1}`]);
    }
  });

  it('scores 10,000 speakers with one packed product (correctness at scale; timing is in the bench)', () => {
    const r = rng(11);
    const d = 128;
    const n = 10_000;
    const entries = Array.from({ length: n }, (_, i) => ({ id: String(i), name: `S${i}`, centroid: randVec(r, d) }));
    const index = new CentroidIndex(entries, d);
    expect(index.matrix.length).toBe(n * d);
    const target = 9876;
    const q = l2normalize(entries[target].centroid.map((x) => x + 0.01));
    const top = index.topN(q, 5);
    expect(top[0].speaker).toBe(`S${target}`);
  });
});
