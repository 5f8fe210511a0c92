/**
 * Online miners: pick index triplets inside a batch from a `[B, B]` pairwise matrix that has
 * been read back to JS (`dist`, row-major, `dist[a * B + b]`). They return plain index arrays;
 * the losses turn those into weights on the distance tensor, so mining needs no gradient.
 *
 * Unless said otherwise `dist` holds distances (smaller = closer). The pml miners also accept
 * similarities (`similarity: true`), flipping every comparison as pytorch-metric-learning does.
 * Ties keep the lowest index.
 */
import type { LabelStructure } from './labels';
import type { Rng } from '../util/rng';
import { toTriplets, type Triplets } from './types';

/** pytorch-metric-learning `TripletMarginMiner` kinds; tm = d_an - d_ap. */
export type PmlTripletType = 'all' | 'hard' | 'semihard' | 'easy';

export interface PmlMinerOptions {
  margin: number;
  type: PmlTripletType;
  similarity?: boolean;
}

function keepTriplet(tm: number, margin: number, type: PmlTripletType): boolean {
  switch (type) {
    case 'all':
      return tm <= margin;
    case 'hard':
      return tm <= 0;
    case 'semihard':
      return tm > 0 && tm <= margin;
    case 'easy':
      return tm > margin;
  }
}

/**
 * pml `TripletMarginMiner`: every valid (a, p, n) whose tm = d_an - d_ap (s_ap - s_an for
 * similarities) satisfies all: tm <= m, hard: tm <= 0, semihard: 0 < tm <= m, easy: tm > m.
 * Output is in pml's order: sorted by a, then p, then n.
 */
export function tripletMarginMiner(dist: ArrayLike<number>, ls: LabelStructure, opts: PmlMinerOptions): Triplets {
  const B = ls.size;
  const sign = opts.similarity ? -1 : 1;
  const A: number[] = [];
  const P: number[] = [];
  const N: number[] = [];
  for (let a = 0; a < B; a++) {
    if (ls.posCount[a] === 0 || ls.negCount[a] === 0) continue;
    const row = a * B;
    for (let p = 0; p < B; p++) {
      if (!ls.pos[row + p]) continue;
      const dap = dist[row + p];
      for (let n = 0; n < B; n++) {
        if (!ls.neg[row + n]) continue;
        if (keepTriplet(sign * (dist[row + n] - dap), opts.margin, opts.type)) {
          A.push(a);
          P.push(p);
          N.push(n);
        }
      }
    }
  }
  return toTriplets(A, P, N);
}

/** Every valid triplet, sorted by a, p, n (pml's TripletMarginLoss without a miner). */
export function allTriplets(ls: LabelStructure): Triplets {
  const B = ls.size;
  const out = { a: new Int32Array(ls.validTriplets), p: new Int32Array(ls.validTriplets), n: new Int32Array(ls.validTriplets) };
  let t = 0;
  for (let a = 0; a < B; a++) {
    for (let p = 0; p < B; p++) {
      if (!ls.pos[a * B + p]) continue;
      for (let n = 0; n < B; n++) {
        if (!ls.neg[a * B + n]) continue;
        out.a[t] = a;
        out.p[t] = p;
        out.n[t] = n;
        t++;
      }
    }
  }
  return out;
}

/** argmax (or argmin) of row `a` over the columns where `mask` is set; -1 if none. */
function argBest(dist: ArrayLike<number>, mask: Uint8Array, B: number, a: number, largest: boolean): number {
  let best = -1;
  let bestV = 0;
  for (let j = 0; j < B; j++) {
    if (!mask[a * B + j]) continue;
    const v = dist[a * B + j];
    if (best < 0 || (largest ? v > bestV : v < bestV)) {
      best = j;
      bestV = v;
    }
  }
  return best;
}

/**
 * pml `BatchHardMiner`: for each anchor with at least one positive and one negative, the
 * farthest positive and the nearest negative (for similarities: least and most similar).
 * Anchors lacking either are dropped. Sorted by anchor.
 */
export function batchHardMiner(dist: ArrayLike<number>, ls: LabelStructure, opts: { similarity?: boolean } = {}): Triplets {
  const B = ls.size;
  const far = !opts.similarity;
  const A: number[] = [];
  const P: number[] = [];
  const N: number[] = [];
  for (let a = 0; a < B; a++) {
    if (ls.posCount[a] === 0 || ls.negCount[a] === 0) continue;
    A.push(a);
    P.push(argBest(dist, ls.pos, B, a, far));
    N.push(argBest(dist, ls.neg, B, a, !far));
  }
  return toTriplets(A, P, N);
}

/**
 * One uniformly random negative for every positive pair (a, p), from a seeded `rng`; pairs
 * whose anchor has no negative are skipped. Sorted by a, then p.
 */
export function randomMiner(ls: LabelStructure, rng: Rng): Triplets {
  const B = ls.size;
  const A: number[] = [];
  const P: number[] = [];
  const N: number[] = [];
  for (let a = 0; a < B; a++) {
    if (ls.negCount[a] === 0) continue;
    for (let p = 0; p < B; p++) {
      if (!ls.pos[a * B + p]) continue;
      let k = rng.int(ls.negCount[a]);
      let n = 0;
      for (; n < B; n++) if (ls.neg[a * B + n] && k-- === 0) break;
      A.push(a);
      P.push(p);
      N.push(n);
    }
  }
  return toTriplets(A, P, N);
}

export interface TfaSemiHardMined {
  /** One triplet per ordered positive pair, sorted by a, then p. */
  triplets: Triplets;
  /** fallback[t] = 1 when no negative was farther than the positive (n is then the farthest). */
  fallback: Uint8Array;
  /** Positive pairs whose anchor has no negative at all: n = a there (D[a, a] = 0), as in TFA. */
  noNegative: number;
}

/**
 * TensorFlow Addons / FaceNet semi-hard choice, on distances: for every positive pair (a, p),
 * n = argmin { D[a,n] : n negative of a, D[a,n] > D[a,p] } (strict; the margin plays no part),
 * falling back to the farthest negative when no negative is farther than the positive.
 */
export function tfaSemiHardMiner(dist: ArrayLike<number>, ls: LabelStructure): TfaSemiHardMined {
  const B = ls.size;
  const A: number[] = [];
  const P: number[] = [];
  const N: number[] = [];
  const fb: number[] = [];
  let noNegative = 0;
  for (let a = 0; a < B; a++) {
    const row = a * B;
    const farthest = argBest(dist, ls.neg, B, a, true);
    for (let p = 0; p < B; p++) {
      if (!ls.pos[row + p]) continue;
      const dap = dist[row + p];
      let best = -1;
      for (let n = 0; n < B; n++) {
        if (ls.neg[row + n] && dist[row + n] > dap && (best < 0 || dist[row + n] < dist[row + best])) best = n;
      }
      A.push(a);
      P.push(p);
      if (best >= 0) {
        N.push(best);
        fb.push(0);
      } else if (farthest >= 0) {
        N.push(farthest);
        fb.push(1);
      } else {
        N.push(a);
        fb.push(1);
        noNegative++;
      }
    }
  }
  return { triplets: toTriplets(A, P, N), fallback: Uint8Array.from(fb), noNegative };
}

export interface TfaHardMined {
  /** One triplet per anchor, all B of them, in anchor order. */
  triplets: Triplets;
  /** Anchors without a positive: p = a there, so hp = D[a, a] = 0, as in TFA. */
  noPositive: Uint8Array;
  /** Anchors without a negative: n = the farthest sample of the row, as TFA's masked minimum gives. */
  noNegative: Uint8Array;
}

/**
 * TensorFlow Addons hard choice, on distances, for every anchor a: p = the farthest positive
 * (or a itself when there is none, so hp = 0) and n = the nearest negative.
 */
export function tfaHardMiner(dist: ArrayLike<number>, ls: LabelStructure): TfaHardMined {
  const B = ls.size;
  const a = new Int32Array(B);
  const p = new Int32Array(B);
  const n = new Int32Array(B);
  const noPositive = new Uint8Array(B);
  const noNegative = new Uint8Array(B);
  const any = new Uint8Array(B * B).fill(1);
  for (let i = 0; i < B; i++) {
    a[i] = i;
    const hp = argBest(dist, ls.pos, B, i, true);
    const hn = argBest(dist, ls.neg, B, i, false);
    p[i] = hp >= 0 ? hp : i;
    noPositive[i] = hp >= 0 ? 0 : 1;
    n[i] = hn >= 0 ? hn : argBest(dist, any, B, i, true);
    noNegative[i] = hn >= 0 ? 0 : 1;
  }
  return { triplets: { a, p, n }, noPositive, noNegative };
}
