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
import { Mean } from '../stats';
import { batchContext, itemStats, type LossResult } from './common';

export interface SupConOptions {
  /** Default 0.1 (pml's). */
  temperature?: number;
}

/** @param embeddings `[B, D]`; @param labels `[B]`. */
export function supconLoss(embeddings: tf.Tensor2D, labels: ArrayLike<number>, opts: SupConOptions = {}): LossResult {
  const T = opts.temperature ?? 0.1;
  const ctx = batchContext(embeddings, labels, true);
  const { ls } = ctx;
  const B = ls.size;
  const enabled = ls.positivePairs > 0 && ls.negativePairs > 0;
  let stats!: ReturnType<typeof itemStats>;
  const loss = tf.tidy(() => {
    const cos = pairwiseDistance(embeddings, { metric: 'cosine' });
    const c = cos.dataSync();
    const others = new Float32Array(B * B);
    const posW = new Float32Array(B * B);
    const shift = new Float32Array(B);
    const anchorMask = new Uint8Array(B);
    const dap = new Mean();
    const dan = new Mean();
    for (let a = 0; a < B; a++) {
      let m = -Infinity;
      for (let j = 0; j < B; j++) {
        const i = a * B + j;
        if (j === a) continue;
        others[i] = 1;
        m = Math.max(m, c[i] / T);
        if (ls.pos[i]) {
          posW[i] = 1 / ls.posCount[a];
          dap.add(c[i]);
        } else dan.add(c[i]);
      }
      shift[a] = B > 1 ? m : 0;
      anchorMask[a] = enabled && ls.posCount[a] > 0 ? 1 : 0;
    }
    const s = tf.div(cos, T);
    const othersT = tf.tensor2d(others, [B, B]);
    const shiftT = tf.tensor2d(shift, [B, 1]);
    // The diagonal is zeroed before exp so nothing outside the mask can overflow.
    const expO = tf.mul(tf.exp(tf.mul(tf.sub(s, shiftT), othersT)), othersT);
    const hasOther = B > 1 ? 0 : 1;
    const lse = tf.add(tf.log(tf.add(tf.sum(expO, 1, true), hasOther)), shiftT);
    const meanPos = tf.sum(tf.mul(s, tf.tensor2d(posW, [B, B])), 1, true);
    const per = tf.reshape(tf.sub(lse, meanPos), [B]);
    const r = reduceLosses(per, 'avg-nonzero', anchorMask);
    stats = itemStats(ctx, 'anchor', { items: r.items, active: r.nonZero, meanDap: dap.value, meanDan: dan.value });
    return r.loss;
  });
  return { loss, stats };
}
