/**
 * pytorch-metric-learning `NPairsLoss` (Sohn 2016). One (anchor, positive) pair per class with
 * at least two members: the class's lowest and second-lowest batch index, classes in ascending
 * label order. S[i, j] = sim(anchor_i, positive_j) `[N, N]`; loss_i = cross-entropy(S[i, :], i);
 * mean over i. pml's default DotProductSimilarity normalises, so the default is cosine and
 * there is no L2 regulariser.
 */
import { tf } from '../../backend';
import { l2Normalize } from '../distances';
import { reduceLosses } from '../reducers';
import { selectRows } from '../select';
import { Mean } from '../stats';
import { batchContext, itemStats, type LossResult } from './common';

export interface NPairsOptions {
  /** Cosine (true, default, as pml) or raw dot product. */
  normalize?: boolean;
}

export interface NPairsResult extends LossResult {
  /** [anchor, positive] per class used, in label order. */
  pairs: [number, number][];
}

/** The first positive pair of each class, in ascending label order. */
export function npairsPairs(labels: Int32Array): [number, number][] {
  const first = new Map<number, number[]>();
  labels.forEach((y, i) => {
    const m = first.get(y) ?? [];
    if (m.length < 2) m.push(i);
    first.set(y, m);
  });
  return [...first.entries()]
    .filter(([, m]) => m.length === 2)
    .sort((x, y) => x[0] - y[0])
    .map(([, m]) => [m[0], m[1]]);
}

/** @param embeddings `[B, D]`; @param labels `[B]`. */
export function npairsLoss(embeddings: tf.Tensor2D, labels: ArrayLike<number>, opts: NPairsOptions = {}): NPairsResult {
  const normalize = opts.normalize ?? true;
  const ctx = batchContext(embeddings, labels, normalize);
  const pairs = npairsPairs(ctx.ls.labels);
  let stats!: ReturnType<typeof itemStats>;
  const loss = tf.tidy(() => {
    const n = pairs.length;
    const e = normalize ? l2Normalize(embeddings) : embeddings;
    if (n === 0) {
      stats = itemStats(ctx, 'pair', { items: 0, active: 0, meanDap: null, meanDan: null });
      return tf.mul(tf.sum(e), 0) as tf.Scalar;
    }
    const a = selectRows(e, pairs.map((p) => p[0]));
    const p = selectRows(e, pairs.map((q) => q[1]));
    const sim = tf.matMul(a, tf.transpose(p));
    const per = tf.sub(tf.logSumExp(sim, 1), tf.sum(tf.mul(sim, tf.eye(n)), 1));
    const r = reduceLosses(per, 'mean');
    const s = sim.dataSync();
    const dap = new Mean();
    const dan = new Mean();
    for (let i = 0; i < n * n; i++) (i % (n + 1) === 0 ? dap : dan).add(s[i]);
    stats = itemStats(ctx, 'pair', { items: n, active: r.nonZero, meanDap: dap.value, meanDan: dan.value });
    return r.loss;
  });
  return { loss, stats, pairs };
}
