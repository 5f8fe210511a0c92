/**
 * Supervised contrastive loss (Khosla et al. 2020; pytorch-metric-learning `SupConLoss`).
 * s = cos / T `[B, B]`. For anchor i with positives P(i):
 *   loss_i = -mean_{p in P(i)} [s_ip - logsumexp_{k != i} s_ik]
 * (the denominator runs over every other sample, positives and negatives); 0 when P(i) is
 * empty. AvgNonZero over anchors, as pml. A batch without a positive or without a negative
 * pair gives 0, as pml.
 */
import { tf } from '../../backend';
import { pairwiseDistance } from '../distances';
import { reduceLosses } from '../reducers';
import { batchContext, itemStats, pairMeans, type LossResult } from './common';
import { maskedLogSumExp } from './logsumexp';

/** @param embeddings `[B, D]`; @param labels `[B]`; temperature default 0.1 (pml's). */
export function supconLoss(embeddings: tf.Tensor2D, labels: ArrayLike<number>, opts: { temperature?: number } = {}): LossResult {
  const T = opts.temperature ?? 0.1;
  const ctx = batchContext(embeddings, labels, true);
  const { ls } = ctx;
  const B = ls.size;
  const enabled = ls.positivePairs > 0 && ls.negativePairs > 0;
  const others = Uint8Array.from(ls.pos, (p, i) => p | ls.neg[i]);
  const posW = Float32Array.from(ls.pos, (p, i) => (p ? 1 / ls.posCount[Math.floor(i / B)] : 0));
  const anchors = Uint8Array.from(ls.posCount, (k) => (enabled && k > 0 ? 1 : 0));
  let stats!: ReturnType<typeof itemStats>;
  const loss = tf.tidy(() => {
    const cos = pairwiseDistance(embeddings, { metric: 'cosine' });
    const s = tf.div(cos, T) as tf.Tensor2D;
    const lse = maskedLogSumExp(s, s.dataSync(), others);
    const meanPos = tf.sum(tf.mul(s, tf.tensor2d(posW, [B, B])), 1, true);
    const r = reduceLosses(tf.reshape(tf.sub(lse, meanPos), [B]), 'avg-nonzero', anchors);
    stats = itemStats(ctx, 'anchor', { items: r.items, active: r.nonZero, ...pairMeans(cos.dataSync(), ls) });
    return r.loss;
  });
  return { loss, stats };
}
