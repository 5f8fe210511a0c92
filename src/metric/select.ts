/**
 * Row selection without tf.gather, whose gradient (UnsortedSegmentSum) is missing on wasm:
 * a one-hot `[T, B]` matrix times `x` `[B, D]`. The custom gradient S^T dY uses an explicit
 * transpose and a plain matMul (a transposed matMul is ~10x slower on wasm).
 */
import { tf } from '../backend';

/** One-hot `[idx.length, b]` selection matrix. */
export function oneHotRows(idx: ArrayLike<number>, b: number): tf.Tensor2D {
  const m = new Float32Array(idx.length * b);
  for (let t = 0; t < idx.length; t++) m[t * b + idx[t]] = 1;
  return tf.tensor2d(m, [idx.length, b]);
}

const selectWith = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [s, x] = args as [tf.Tensor2D, tf.Tensor2D];
  (args[2] as tf.GradSaveFunc)([s]);
  return {
    value: tf.matMul(s, x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.zerosLike(saved[0]),
      tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy as tf.Tensor2D),
    ],
  };
}) as (s: tf.Tensor2D, x: tf.Tensor2D) => tf.Tensor2D;

/** Rows `idx` of `x`: `[B, D]` -> `[idx.length, D]`, differentiable on every backend. */
export function selectRows(x: tf.Tensor2D, idx: ArrayLike<number>): tf.Tensor2D {
  return tf.tidy(() => selectWith(oneHotRows(idx, x.shape[0]), x));
}
