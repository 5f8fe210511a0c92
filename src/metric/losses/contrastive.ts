/**
 * Contrastive losses over every ordered pair (a, b), a != b, of the batch.
 * - 'hadsell' (Hadsell, Chopra & LeCun 2006; voxprint's seed formula):
 *   y d^2 + (1 - y) max(0, m - d)^2 with d Euclidean, plain mean over all pairs.
 * - 'pml' (pytorch-metric-learning ContrastiveLoss): positives relu(d - pos_margin), negatives
 *   relu(neg_margin - d), each averaged over its own non-zero pairs (AvgNonZero), then summed.
 *   Like pml, it L2-normalises by default.
 */
import { tf } from '../../backend';
import { isSimilarity, pairwiseDistance, safeSqrt, type DistanceMetric } from '../distances';
import { reduceLosses } from '../reducers';
import { batchContext, itemStats, pairMeans, type LossResult } from './common';

export interface ContrastiveOptions {
  /** Default 'hadsell'. */
  form?: 'hadsell' | 'pml';
  /** 'hadsell': the negative margin m. Default 1. */
  margin?: number;
  /** 'pml': defaults 0 and 1, as pml. */
  posMargin?: number;
  negMargin?: number;
  /** 'pml' only: the pairwise measure, default 'l2' (pml LpDistance). */
  distance?: DistanceMetric;
  /** L2-normalise first. Default: false for 'hadsell', true for 'pml' (as pml). */
  normalize?: boolean;
}

export interface ContrastiveComponents {
  posLoss: number;
  negLoss: number;
  posPairs: number;
  posNonZero: number;
  negPairs: number;
  negNonZero: number;
}

export interface ContrastiveResult extends LossResult {
  /** 'pml' form only: the two sub-losses and their pair counts. */
  components?: ContrastiveComponents;
}

/** @param embeddings `[B, D]`; @param labels `[B]`. */
export function contrastiveLoss(embeddings: tf.Tensor2D, labels: ArrayLike<number>, opts: ContrastiveOptions = {}): ContrastiveResult {
  return (opts.form ?? 'hadsell') === 'hadsell' ? hadsell(embeddings, labels, opts) : pmlContrastive(embeddings, labels, opts);
}

function hadsell(embeddings: tf.Tensor2D, labels: ArrayLike<number>, opts: ContrastiveOptions): ContrastiveResult {
  const margin = opts.margin ?? 1;
  const normalize = opts.normalize ?? false;
  const ctx = batchContext(embeddings, labels, normalize);
  const { ls } = ctx;
  const B = ls.size;
  const pairs = Uint8Array.from(ls.pos, (p, i) => p | ls.neg[i]);
  let stats!: ReturnType<typeof itemStats>;
  const loss = tf.tidy(() => {
    const sq = pairwiseDistance(embeddings, { metric: 'squared-l2', normalize });
    const d = safeSqrt(sq);
    const pos = tf.tensor2d(Float32Array.from(ls.pos), [B, B]);
    const neg = tf.tensor2d(Float32Array.from(ls.neg), [B, B]);
    const per = tf.add(tf.mul(pos, sq), tf.mul(neg, tf.square(tf.relu(tf.sub(margin, d)))));
    const r = reduceLosses(per, 'mean', ls.positivePairs > 0 ? pairs : new Uint8Array(B * B));
    stats = itemStats(ctx, 'pair', { items: r.items, active: r.nonZero, ...pairMeans(d.dataSync(), ls) });
    return r.loss;
  });
  return { loss, stats };
}

function pmlContrastive(embeddings: tf.Tensor2D, labels: ArrayLike<number>, opts: ContrastiveOptions): ContrastiveResult {
  const pm = opts.posMargin ?? 0;
  const nm = opts.negMargin ?? 1;
  const metric = opts.distance ?? 'l2';
  const normalize = opts.normalize ?? true;
  // For similarities every comparison flips (pml's `distance.margin`).
  const s = isSimilarity(metric) ? -1 : 1;
  const ctx = batchContext(embeddings, labels, normalize || metric === 'cosine' || metric === 'angular');
  const { ls } = ctx;
  const B = ls.size;
  let stats!: ReturnType<typeof itemStats>;
  let components!: ContrastiveComponents;
  const loss = tf.tidy(() => {
    const dist = pairwiseDistance(embeddings, { metric, normalize });
    const data = dist.dataSync();
    // Both sub-losses are relu-linear in D: sum(D * W) + const, W and const from the active pairs.
    // No positive pair at all: the loss is 0 (see stats.warnings), not a push-apart of negatives.
    const active = new Int8Array(B * B);
    let posSum = 0;
    let negSum = 0;
    let kp = 0;
    let kn = 0;
    for (let i = 0; i < B * B && ls.positivePairs > 0; i++) {
      if (ls.pos[i] && s * (data[i] - pm) > 0) {
        kp++;
        posSum += s * (data[i] - pm);
        active[i] = 1;
      } else if (ls.neg[i] && s * (nm - data[i]) > 0) {
        kn++;
        negSum += s * (nm - data[i]);
        active[i] = -1;
      }
    }
    const W = Float32Array.from(active, (v) => (v > 0 ? s / kp : v < 0 ? -s / kn : 0));
    const c = (kp ? -s * pm : 0) + (kn ? s * nm : 0);
    components = {
      posLoss: kp ? posSum / kp : 0,
      negLoss: kn ? negSum / kn : 0,
      posPairs: ls.positivePairs,
      posNonZero: kp,
      negPairs: ls.negativePairs,
      negNonZero: kn,
    };
    const items = ls.positivePairs + ls.negativePairs;
    stats = itemStats(ctx, 'pair', { items, active: kp + kn, ...pairMeans(data, ls) });
    return tf.add(tf.sum(tf.mul(dist, tf.tensor2d(W, [B, B]))), c) as tf.Scalar;
  });
  return { loss, stats, components };
}
