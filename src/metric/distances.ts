/**
 * Pairwise distances and similarities over a batch of embeddings `[B, D]` -> `[B, B]`.
 *
 * All matrices come from one Gram matrix X X^T (B^2 D flops), never from per-pair loops. The
 * numerically delicate parts:
 * - squared L2 via ||a||^2 + ||b||^2 - 2ab is clamped at 0 (cancellation can make it slightly
 *   negative), and the batch is centred first, which changes no distance but shrinks the norms
 *   and with them the cancellation error of unnormalised embeddings;
 * - L2 uses `safeSqrt`, whose gradient at 0 is 0 instead of Infinity (which would turn the
 *   zero diagonal, or two identical embeddings, into NaN gradients);
 * - the diagonal of every distance matrix is exactly 0.
 */
import { tf } from '../backend';

export type DistanceMetric = 'l2' | 'squared-l2' | 'angular' | 'cosine' | 'dot';

export interface DistanceOptions {
  metric: DistanceMetric;
  /**
   * L2-normalise rows first (`x / max(||x||, 1e-12)`, as torch's `normalize` and so
   * pytorch-metric-learning do). 'angular' and 'cosine' always normalise. Default false.
   */
  normalize?: boolean;
}

/** True when a larger value means closer (cosine and dot similarities). */
export function isSimilarity(metric: DistanceMetric): boolean {
  return metric === 'cosine' || metric === 'dot';
}

/** Below this squared distance two rows count as identical: sqrt and its gradient are 0. */
export const SQRT_EPSILON = 1e-12;

/**
 * sqrt(x) for x >= 0 with a finite gradient everywhere: sqrt(max(x, eps)) masked to 0 where
 * x <= eps. `step` has a zero gradient, so the mask is differentiable (a `greater` would not be).
 */
export function safeSqrt<T extends tf.Tensor>(x: T, eps = SQRT_EPSILON): T {
  return tf.tidy(() => tf.mul(tf.sqrt(tf.maximum(x, eps)), tf.step(tf.sub(x, eps)))) as T;
}

/**
 * Row-wise L2 normalisation `[B, D]` -> `[B, D]`: x / sqrt(max(||x||^2, epsilonSq)).
 * `epsilonSq` 1e-24 is torch's `normalize` (norm floor 1e-12); TensorFlow's `l2_normalize`
 * uses 1e-12. A zero row stays zero, with a zero (not NaN) gradient.
 */
export function l2Normalize(x: tf.Tensor2D, epsilonSq = 1e-24): tf.Tensor2D {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(x), 1, true);
    return tf.div(x, tf.sqrt(tf.maximum(sq, epsilonSq))) as tf.Tensor2D;
  });
}

/**
 * Gram matrix X X^T `[B, D]` -> `[B, B]`. The custom gradient (dY + dY^T) X uses an explicit
 * transpose and a plain matMul: on wasm a transposed matMul is ~10x slower.
 */
export const gram: (x: tf.Tensor2D) => tf.Tensor2D = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor2D;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: tf.matMul(x, tf.transpose(x)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.matMul(tf.add(dy, tf.transpose(dy)) as tf.Tensor2D, saved[0] as tf.Tensor2D),
  };
}) as (x: tf.Tensor2D) => tf.Tensor2D;

function offDiagonal(b: number): tf.Tensor2D {
  return tf.sub(tf.ones([b, b]), tf.eye(b)) as tf.Tensor2D;
}

/** Squared Euclidean distances `[B, D]` -> `[B, B]`, >= 0, diagonal exactly 0. */
export function squaredL2Matrix(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const b = x.shape[0];
    const c = tf.sub(x, tf.mean(x, 0, true)) as tf.Tensor2D;
    const sq = tf.sum(tf.square(c), 1, true);
    const d2 = tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(2, gram(c)));
    return tf.mul(tf.relu(d2), offDiagonal(b)) as tf.Tensor2D;
  });
}

/**
 * The pairwise matrix `[B, B]` of `metric` over `x` `[B, D]`:
 * - 'l2': Euclidean ||a - b||; 'squared-l2': ||a - b||^2;
 * - 'angular': max(1 - cos(a, b), 0) with TensorFlow's normalisation (TFA's "angular");
 * - 'cosine': cos(a, b) (a similarity); 'dot': a . b (a similarity; cosine when normalize).
 * Distances have a zero diagonal; similarities keep theirs.
 */
export function pairwiseDistance(x: tf.Tensor2D, opts: DistanceOptions): tf.Tensor2D {
  return tf.tidy(() => {
    const b = x.shape[0];
    switch (opts.metric) {
      case 'l2':
      case 'squared-l2': {
        const e = opts.normalize ? l2Normalize(x) : x;
        const d2 = squaredL2Matrix(e);
        return opts.metric === 'l2' ? safeSqrt(d2) : d2;
      }
      case 'angular': {
        const e = l2Normalize(x, 1e-12);
        return tf.mul(tf.relu(tf.sub(1, gram(e))), offDiagonal(b)) as tf.Tensor2D;
      }
      case 'cosine':
        return gram(l2Normalize(x));
      case 'dot':
        return gram(opts.normalize ? l2Normalize(x) : x);
    }
  });
}

/**
 * Fraction of unordered pairs (a < b) whose Euclidean distance is below `threshold`, computed in
 * float64 from the rows themselves (not from the float32 Gram expansion, whose rounding alone
 * is ~3e-4 for unit vectors). `data` is `[B, D]` row-major.
 */
export function collapsedFraction(
  data: ArrayLike<number>,
  b: number,
  d: number,
  opts: { normalize?: boolean; threshold?: number } = {},
): number {
  if (b < 2) return 0;
  const threshold = opts.threshold ?? 1e-3;
  const rows = Float64Array.from(data as ArrayLike<number>);
  if (opts.normalize) {
    for (let i = 0; i < b; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += rows[i * d + k] ** 2;
      const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
      for (let k = 0; k < d; k++) rows[i * d + k] *= inv;
    }
  }
  const t2 = threshold * threshold;
  let collapsed = 0;
  for (let i = 0; i < b; i++) {
    for (let j = i + 1; j < b; j++) {
      let s = 0;
      for (let k = 0; k < d && s < t2; k++) {
        const diff = rows[i * d + k] - rows[j * d + k];
        s += diff * diff;
      }
      if (s < t2) collapsed++;
    }
  }
  return collapsed / ((b * (b - 1)) / 2);
}
