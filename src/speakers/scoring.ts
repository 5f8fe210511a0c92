/**
 * Scoring: cosine similarity of L2-normalised embeddings.
 *
 * `CentroidIndex` packs every speaker's centroid into one row-major Float32Array `[n, dim]`, so
 * identify scores all speakers with a single matrix-vector product (WebAssembly SIMD,
 * ./matvec-wasm, when the dimension is a multiple of 16; else blocked JS) and keeps the best
 * with a small heap (10,000 speakers x 256 dims is 2.6 M multiply-adds; see
 * test/speakers/scoring.test.ts and `npm run bench:identify`).
 */
import { InvalidArgumentError } from '../errors';
import { createWasmMatVec, type WasmMatVec } from './matvec-wasm';

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
  const out = new Float32Array(v.length);
  normalizeInto(v, out, 0);
  return out;
}

/** v scaled to unit length into out[at..at+v.length) (no allocation: the index packs hundreds of rows). */
function normalizeInto(v: ArrayLike<number>, out: Float32Array, at: number): void {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (let i = 0; i < v.length; i++) out[at + i] = v[i] * inv;
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
  /** The SIMD product over `matrix` (which then lives in its memory), where dim allows it. */
  private readonly kernel: WasmMatVec | null;

  constructor(
    entries: IndexEntry[],
    readonly dim: number,
  ) {
    this.kernel = createWasmMatVec(entries.length, dim);
    this.matrix = this.kernel?.matrix ?? new Float32Array(entries.length * dim);
    this.ids = entries.map((e) => e.id);
    this.names = entries.map((e) => e.name);
    entries.forEach((e, i) => {
      if (e.centroid.length !== dim) throw new RangeError(`centroid of ${e.id} has ${e.centroid.length} values, not ${dim}`);
      normalizeInto(e.centroid, this.matrix, i * dim);
    });
  }

  get size(): number {
    return this.ids.length;
  }

  /** Cosine of `query` against every centroid: `[size]` (one matrix-vector product). */
  scores(query: Float32Array, out: Float32Array = new Float32Array(this.size)): Float32Array {
    if (query.length !== this.dim) throw new RangeError(`query has ${query.length} values, not ${this.dim}`);
    if (this.kernel) this.kernel.product(l2normalize(query), out);
    else matVec(this.matrix, this.size, this.dim, l2normalize(query), out);
    return out;
  }

  /** The `top` best-scoring speakers, best first (ties keep store order). */
  topN(query: Float32Array, top: number): Candidate[] {
    if (!Number.isInteger(top) || top < 1) throw new InvalidArgumentError(`--top must be a positive whole number, got ${top}.`);
    const s = this.scores(query, this.scratch());
    const k = Math.min(top, s.length);
    // A min-heap of the best k so far (worst at the root): O(size log k), one pass.
    const heap = new Int32Array(k);
    let n = 0;
    // i ranks below j: lower score, or the same score later in the store.
    const below = (i: number, j: number) => s[i] < s[j] || (s[i] === s[j] && i > j);
    const siftDown = (at: number) => {
      for (;;) {
        const l = 2 * at + 1;
        if (l >= n) return;
        const c = l + 1 < n && below(heap[l + 1], heap[l]) ? l + 1 : l;
        if (!below(heap[c], heap[at])) return;
        [heap[c], heap[at]] = [heap[at], heap[c]];
        at = c;
      }
    };
    for (let i = 0; i < s.length; i++) {
      if (n < k) {
        let at = n++;
        heap[at] = i;
        while (at > 0) {
          const p = (at - 1) >> 1;
          if (!below(heap[at], heap[p])) break;
          [heap[p], heap[at]] = [heap[at], heap[p]];
          at = p;
        }
      } else if (s[i] > s[heap[0]]) {
        heap[0] = i;
        siftDown(0);
      }
    }
    return Array.from(heap)
      .sort((i, j) => (below(i, j) ? 1 : below(j, i) ? -1 : 0))
      .map((i) => ({ id: this.ids[i], speaker: this.names[i], score: s[i] }));
  }

  private scratchScores?: Float32Array;
  /** One scores buffer per index, reused by topN (an index is used by one caller at a time). */
  private scratch(): Float32Array {
    return (this.scratchScores ??= new Float32Array(this.size));
  }
}

/**
 * out[r] = m[r, :] . q for a row-major [rows, dim] matrix, eight rows at a time: each q[k] is
 * loaded once for eight rows, and the eight sums are independent additions in flight. One row
 * at a time, each multiply-add waited for the previous one (4.5 ms for 10,000 x 256 before,
 * docs/performance.md).
 */
function matVec(m: Float32Array, rows: number, dim: number, q: Float32Array, out: Float32Array): void {
  let r = 0;
  for (; r + 7 < rows; r += 8) {
    const o0 = r * dim;
    const o1 = o0 + dim;
    const o2 = o1 + dim;
    const o3 = o2 + dim;
    const o4 = o3 + dim;
    const o5 = o4 + dim;
    const o6 = o5 + dim;
    const o7 = o6 + dim;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let a5 = 0;
    let a6 = 0;
    let a7 = 0;
    for (let k = 0; k < dim; k++) {
      const x = q[k];
      a0 += m[o0 + k] * x;
      a1 += m[o1 + k] * x;
      a2 += m[o2 + k] * x;
      a3 += m[o3 + k] * x;
      a4 += m[o4 + k] * x;
      a5 += m[o5 + k] * x;
      a6 += m[o6 + k] * x;
      a7 += m[o7 + k] * x;
    }
    out[r] = a0;
    out[r + 1] = a1;
    out[r + 2] = a2;
    out[r + 3] = a3;
    out[r + 4] = a4;
    out[r + 5] = a5;
    out[r + 6] = a6;
    out[r + 7] = a7;
  }
  for (; r < rows; r++) {
    const o = r * dim;
    let acc = 0;
    for (let k = 0; k < dim; k++) acc += m[o + k] * q[k];
    out[r] = acc;
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
