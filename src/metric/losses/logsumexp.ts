/** Masked row-wise log-sum-exp on a `[B, B]` tensor, safe for any temperature. */
import { tf } from '../../backend';

/**
 * log sum_{j: mask[i,j]} exp(s[i,j]) per row, `[B, B]` -> `[B, 1]`. Each row is shifted by
 * its masked maximum (a constant read from `values`; LSE's value and gradient do not depend on
 * it), entries outside the mask are zeroed before `exp` so nothing can overflow, and a row with
 * an empty mask gives its shift (0) instead of log(0) = -Infinity.
 * @param values the entries of `s` read back, row-major.
 */
export function maskedLogSumExp(s: tf.Tensor2D, values: ArrayLike<number>, mask: ArrayLike<number>): tf.Tensor2D {
  const [B, C] = s.shape;
  const shift = new Float32Array(B);
  const empty = new Float32Array(B);
  for (let i = 0; i < B; i++) {
    let m = -Infinity;
    for (let j = 0; j < C; j++) if (mask[i * C + j]) m = Math.max(m, values[i * C + j]);
    shift[i] = Number.isFinite(m) ? m : 0;
    empty[i] = Number.isFinite(m) ? 0 : 1;
  }
  return tf.tidy(() => {
    const maskT = tf.tensor2d(Float32Array.from(mask), [B, C]);
    const shiftT = tf.tensor2d(shift, [B, 1]);
    const e = tf.mul(tf.exp(tf.mul(tf.sub(s, shiftT), maskT)), maskT);
    return tf.add(tf.log(tf.add(tf.sum(e, 1, true), tf.tensor2d(empty, [B, 1]))), shiftT) as tf.Tensor2D;
  });
}
