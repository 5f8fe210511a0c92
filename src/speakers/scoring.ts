/**
 * Scoring: cosine similarity of L2-normalised embeddings.
 *
 * `CentroidIndex` packs every speaker's centroid into one row-major Float32Array `[n, dim]`, so
 * identify scores all speakers with a single matrix-vector product (10,000 speakers x 128 dims is
 * 1.3 M multiply-adds, about a millisecond in plain JS; see test/speakers/scoring.test.ts and
 * `npm run bench:identify`).
 */
import { InvalidArgumentError } from '../errors';

/** Cosine similarity; 0 when either vector is all zeros. Throws RangeError on a length mismatch. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`vector lengths differ: ${a.length} vs ${b.length}`);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** A copy scaled to unit length (zeros stay zeros). */
export function l2normalize(v: ArrayLike<number>): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * inv;
  return out;
}

export interface VerifyDecision {
  score: number;
  threshold: number;
  accepted: boolean;
}

/** Verify: cosine of the test embedding against the speaker's centroid; accept when >= threshold. */
export function verifyScore(test: Float32Array, centroid: Float32Array, threshold: number): VerifyDecision {
  const score = cosine(test, centroid);
  return { score, threshold, accepted: score >= threshold };
}

export interface IndexEntry {
  id: string;
  name: string;
  /** L2-normalised. */
  centroid: Float32Array;
}

export interface Candidate {
  id: string;
  speaker: string;
  score: number;
}

export class CentroidIndex {
  /** `[size, dim]` row-major, each row L2-normalised. */
  readonly matrix: Float32Array;
  readonly ids: string[];
  readonly names: string[];

  constructor(
    entries: IndexEntry[],
    readonly dim: number,
  ) {
    this.matrix = new Float32Array(entries.length * dim);
    this.ids = entries.map((e) => e.id);
    this.names = entries.map((e) => e.name);
    entries.forEach((e, i) => {
      if (e.centroid.length !== dim) throw new RangeError(`centroid of ${e.id} has ${e.centroid.length} values, not ${dim}`);
      this.matrix.set(l2normalize(e.centroid), i * dim);
    });
  }

  get size(): number {
    return this.ids.length;
  }

  /** Cosine of `query` against every centroid: `[size]` (one matrix-vector product). */
  scores(query: Float32Array, out = new Float32Array(this.size)): Float32Array {
    if (query.length !== this.dim) throw new RangeError(`query has ${query.length} values, not ${this.dim}`);
    const q = l2normalize(query);
    const m = this.matrix;
    const d = this.dim;
    for (let r = 0, off = 0; r < this.size; r++, off += d) {
      let acc = 0;
      for (let k = 0; k < d; k++) acc += m[off + k] * q[k];
      out[r] = acc;
    }
    return out;
  }

  /** The `top` best-scoring speakers, best first (ties keep store order). */
  topN(query: Float32Array, top: number): Candidate[] {
    if (!Number.isInteger(top) || top < 1) throw new InvalidArgumentError(`--top must be a positive whole number, got ${top}.`);
    const s = this.scores(query);
    // Keep a small sorted buffer: O(size * top) worst case, ~O(size) for small top.
    const best: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (best.length === top && s[i] <= s[best[best.length - 1]]) continue;
      let j = best.length;
      while (j > 0 && s[best[j - 1]] < s[i]) j--;
      best.splice(j, 0, i);
      if (best.length > top) best.pop();
    }
    return best.map((i) => ({ id: this.ids[i], speaker: this.names[i], score: s[i] }));
  }
}

export interface IdentifyResult {
  candidates: Candidate[];
  /** The best speaker's name, or null ("unknown") when its score is below the threshold. */
  best: string | null;
  bestId: string | null;
  threshold: number;
}

/** Identify: top-N by cosine; the best is "unknown" (null) when below the threshold. */
export function identifyScore(index: CentroidIndex, query: Float32Array, threshold: number, top = 5): IdentifyResult {
  const candidates = index.size === 0 ? [] : index.topN(query, top);
  const ok = candidates.length > 0 && candidates[0].score >= threshold;
  return { candidates, best: ok ? candidates[0].speaker : null, bestId: ok ? candidates[0].id : null, threshold };
}
