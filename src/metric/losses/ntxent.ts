/**
 * InfoNCE / NT-Xent with labels (pytorch-metric-learning `NTXentLoss`). s = cos / T `[B, B]`.
 * For every positive pair (a, p):
 *   l_ap = -log(e^{s_ap} / (e^{s_ap} + sum_{n negative of a} e^{s_an}))
 *        = softplus(LSE_n(s_an) - s_ap)
 * (the other positives of a are not in the denominator); mean over positive pairs. A positive
 * pair whose anchor has no negative gives 0, as in pml.
 */
import { tf } from '../../backend';
import { pairwiseDistance } from '../distances';
import { reduceLosses } from '../reducers';
import { batchContext, itemStats, pairMeans, type LossResult } from './common';
import { maskedLogSumExp } from './logsumexp';

/** @param embeddings `[B, D]`; @param labels `[B]`; temperature default 0.07 (pml's). */
export function ntxentLoss(embeddings: tf.Tensor2D, labels: ArrayLike<number>, opts: { temperature?: number } = {}): LossResult {
  const T = opts.temperature ?? 0.07;
  const ctx = batchContext(embeddings, labels, true);
  const { ls } = ctx;
  let stats!: ReturnType<typeof itemStats>;
  const loss = tf.tidy(() => {
    const cos = pairwiseDistance(embeddings, { metric: 'cosine' });
    const s = tf.div(cos, T) as tf.Tensor2D;
    const lseNeg = maskedLogSumExp(s, s.dataSync(), ls.neg);
    const hasNeg = tf.tensor2d(Float32Array.from(ls.negCount, (k) => (k > 0 ? 1 : 0)), [ls.size, 1]);
    const per = tf.mul(tf.softplus(tf.sub(lseNeg, s)), hasNeg);
    const r = reduceLosses(per, 'mean', ls.pos);
    stats = itemStats(ctx, 'pair', { items: r.items, active: r.nonZero, ...pairMeans(cos.dataSync(), ls) });
    return r.loss;
  });
  return { loss, stats };
}
