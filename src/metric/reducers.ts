/**
 * Reducers: how per-item losses (triplets, pairs or anchors) become one scalar. Which items
 * count is decided in JS and enters the graph as a constant, as in pytorch-metric-learning,
 * where the non-zero count of AvgNonZero is not differentiated either.
 *
 * - 'mean': sum / number of items (pml MeanReducer; TFA's plain mean);
 * - 'avg-nonzero': sum / number of items with loss > 0 (pml AvgNonZeroReducer, the default of
 *   its triplet, contrastive and SupCon losses); 0 when no item is active;
 * - 'sum': the plain sum.
 * No items, or no active items for 'avg-nonzero', give a loss of 0 (never 0/0).
 */
import { tf } from '../backend';

export type ReducerName = 'mean' | 'avg-nonzero' | 'sum';

/** The number the summed loss is divided by; 0 means the loss is 0. */
export function reducerDivisor(reducer: ReducerName, items: number, nonZero: number): number {
  switch (reducer) {
    case 'mean':
      return items;
    case 'avg-nonzero':
      return nonZero;
    case 'sum':
      return items > 0 ? 1 : 0;
  }
}

export interface Reduced {
  loss: tf.Scalar;
  items: number;
  nonZero: number;
  /** The per-item values read back (float32), for statistics. */
  values: Float32Array;
}

/**
 * Reduces per-item losses `losses` (any shape, e.g. `[B]` per anchor or `[B, B]` per pair).
 * `mask` (same size, row-major) marks which entries are items; entries outside it must still be
 * finite, because they are multiplied by 0. Reads `losses` back once to count non-zero items.
 */
export function reduceLosses(losses: tf.Tensor, reducer: ReducerName, mask?: ArrayLike<number>): Reduced {
  return tf.tidy(() => {
    const values = losses.dataSync() as Float32Array;
    const w = new Float32Array(values.length);
    let items = 0;
    let nonZero = 0;
    for (let i = 0; i < values.length; i++) {
      if (mask && !mask[i]) continue;
      items++;
      if (values[i] > 0) nonZero++;
    }
    const div = reducerDivisor(reducer, items, nonZero);
    if (div > 0) {
      for (let i = 0; i < values.length; i++) {
        if (mask && !mask[i]) continue;
        if (reducer === 'avg-nonzero' && !(values[i] > 0)) continue;
        w[i] = 1 / div;
      }
    }
    const loss = tf.sum(tf.mul(losses, tf.tensor(w, losses.shape))) as tf.Scalar;
    return { loss, items, nonZero, values };
  });
}
