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
import { Mean } from '../stats';
import { batchContext, itemStats, type LossResult } from './common';

export interface NTXentOptions {
  /** Default 0.07 (pml's). */
  temperature?: number;
}

/** @param embeddings `[B, D]`; @param labels `[B]`. */
export function ntxentLoss(embeddings: tf.Tensor2D, labels: ArrayLike<number>, opts: NTXentOptions = {}): LossResult {
  const T = opts.temperature ?? 0.07;
  const ctx = batchContext(embeddings, labels, true);
  const { ls } = ctx;
  const B = ls.size;
  let stats!: ReturnType<typeof itemStats>;
  const loss = tf.tidy(() => {
    const cos = pairwiseDistance(embeddings, { metric: 'cosine' });
    const c = cos.dataSync();
    // Per-anchor shift (a constant: LSE's value and gradient do not depend on it) so exp <= 1.
    const shift = new Float32Array(B);
    const hasNeg = new Float32Array(B);
    const dap = new Mean();
    const dan = new Mean();
    for (let a = 0; a < B; a++) {
      let m = -Infinity;
      for (let j = 0; j < B; j++) {
        const i = a * B + j;
        if (ls.neg[i]) m = Math.max(m, c[i] / T);
        if (ls.pos[i]) dap.add(c[i]);
        else if (ls.neg[i]) dan.add(c[i]);
      }
      hasNeg[a] = ls.negCount[a] > 0 ? 1 : 0;
      shift[a] = hasNeg[a] ? m : 0;
    }
    const s = tf.div(cos, T);
    const negMask = tf.tensor2d(Float32Array.from(ls.neg), [B, B]);
    const shiftT = tf.tensor2d(shift, [B, 1]);
    const hasNegT = tf.tensor2d(hasNeg, [B, 1]);
    // Non-negatives are zeroed before exp so that nothing overflows outside the mask.
    const expNeg = tf.mul(tf.exp(tf.mul(tf.sub(s, shiftT), negMask)), negMask);
    const lseNeg = tf.add(tf.log(tf.add(tf.sum(expNeg, 1, true), tf.sub(1, hasNegT))), shiftT);
    const per = tf.mul(tf.softplus(tf.sub(lseNeg, s)), hasNegT);
    const r = reduceLosses(per, 'mean', ls.pos);
    stats = itemStats(ctx, 'pair', { items: r.items, active: r.nonZero, meanDap: dap.value, meanDan: dan.value });
    return r.loss;
  });
  return { loss, stats };
}
