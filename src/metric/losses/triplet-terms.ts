/**
 * The triplet margin term on mined index triplets, computed as weights on the `[B, B]`
 * pairwise tensor rather than by gathering rows (tf.gather has no gradient on wasm).
 *
 * Per triplet t: l_t = relu(m + D[a,p] - D[a,n]) (for similarities relu(m + S[a,n] - S[a,p])).
 * Which triplets are active (l_t > 0) is decided in JS from the same float32 values, so
 *   sum_t l_t = m * active + sum(D * W),  W[a,p] += 1, W[a,n] -= 1 for each active t,
 * which is one elementwise product and one sum on the device, whatever the number of triplets,
 * and the gradient reaches exactly the entries that relu lets through.
 *
 * The soft variant softplus(m + D[a,p] - D[a,n]) is not piecewise linear, so it needs each
 * triplet's value as a tensor; it is supported when each anchor has at most one triplet
 * (batch-hard, TFA hard), where row sums of D * W give them as a `[B]` vector.
 */
import { tf } from '../../backend';
import { assert } from '../../errors';
import { reducerDivisor, type ReducerName } from '../reducers';
import { Mean } from '../stats';
import type { Triplets } from '../types';

export interface TripletTermOptions {
  margin: number;
  reducer: ReducerName;
  /** The matrix holds similarities (larger = closer). */
  similarity?: boolean;
  /** softplus instead of relu; anchors must be unique. */
  soft?: boolean;
}

export interface TripletTerms {
  loss: tf.Scalar;
  items: number;
  active: number;
  meanDap: number | null;
  meanDan: number | null;
}

/**
 * @param dist `[B, B]` pairwise tensor (in the graph).
 * @param data the same values read back, row-major.
 * @param triplets mined indices; a triplet with n = a uses D[a, a] = 0 (TFA's "no negative").
 */
export function tripletTerms(dist: tf.Tensor2D, data: ArrayLike<number>, triplets: Triplets, opts: TripletTermOptions): TripletTerms {
  const B = dist.shape[0];
  const T = triplets.a.length;
  const sign = opts.similarity ? -1 : 1;
  const dap = new Mean();
  const dan = new Mean();
  for (let t = 0; t < T; t++) {
    const row = triplets.a[t] * B;
    dap.add(data[row + triplets.p[t]]);
    if (triplets.n[t] !== triplets.a[t]) dan.add(data[row + triplets.n[t]]);
  }
  const common = { items: T, meanDap: dap.value, meanDan: dan.value };
  if (opts.soft) return { ...softTerms(dist, triplets, opts, sign), ...common };

  const W = new Float32Array(B * B);
  let active = 0;
  for (let t = 0; t < T; t++) {
    const row = triplets.a[t] * B;
    const v = opts.margin + sign * (data[row + triplets.p[t]] - data[row + triplets.n[t]]);
    if (v > 0) {
      active++;
      W[row + triplets.p[t]] += sign;
      W[row + triplets.n[t]] -= sign;
    }
  }
  const div = reducerDivisor(opts.reducer, T, active);
  const loss = tf.tidy(() => {
    const summed = tf.add(tf.sum(tf.mul(dist, tf.tensor2d(W, [B, B]))), opts.margin * active);
    return (div > 0 ? tf.div(summed, div) : tf.mul(summed, 0)) as tf.Scalar;
  });
  return { loss, active, ...common };
}

function softTerms(dist: tf.Tensor2D, triplets: Triplets, opts: TripletTermOptions, sign: number): Pick<TripletTerms, 'loss' | 'active'> {
  const B = dist.shape[0];
  const T = triplets.a.length;
  const Wp = new Float32Array(B * B);
  const Wn = new Float32Array(B * B);
  const mask = new Float32Array(B);
  for (let t = 0; t < T; t++) {
    const a = triplets.a[t];
    assert(!mask[a], () => `soft triplet loss needs one triplet per anchor, anchor ${a} has several`);
    mask[a] = 1;
    Wp[a * B + triplets.p[t]] = 1;
    Wn[a * B + triplets.n[t]] = 1;
  }
  // softplus > 0 everywhere, so every item is active and avg-nonzero equals mean.
  const div = reducerDivisor(opts.reducer, T, T);
  const loss = tf.tidy(() => {
    const hp = tf.sum(tf.mul(dist, tf.tensor2d(Wp, [B, B])), 1);
    const hn = tf.sum(tf.mul(dist, tf.tensor2d(Wn, [B, B])), 1);
    const per = tf.softplus(tf.add(tf.mul(tf.sub(hp, hn), sign), opts.margin));
    const summed = tf.sum(tf.mul(per, tf.tensor1d(mask)));
    return (div > 0 ? tf.div(summed, div) : tf.mul(summed, 0)) as tf.Scalar;
  });
  return { loss, active: T };
}
