/**
 * Shared shapes of the metric-learning core. Index arrays are plain typed arrays, never tensors:
 * miners choose indices from distance values read back to JS, and losses then weigh entries of
 * the `[B, B]` distance tensor so that gradients flow through tensor ops only.
 */

/** Index triplets, one entry per triplet: anchor `a[t]`, positive `p[t]`, negative `n[t]`. */
export interface Triplets {
  readonly a: Int32Array;
  readonly p: Int32Array;
  readonly n: Int32Array;
}

/** Which way a pairwise matrix points: distances (smaller = closer) or similarities. */
export interface MatrixSense {
  /** True for similarities (cosine, dot), where a larger value means closer. */
  readonly similarity: boolean;
}

/** Builds a `Triplets` from growable arrays (miners collect into `number[]`). */
export function toTriplets(a: number[], p: number[], n: number[]): Triplets {
  return { a: Int32Array.from(a), p: Int32Array.from(p), n: Int32Array.from(n) };
}
