/**
 * TensorFlow Addons-compatible triplet losses (tensorflow/addons losses/triplet.py), the
 * FaceNet recipe. Embeddings are used as given: 'L2' (plain Euclidean, TFA's default since
 * 0.11) and 'squared-L2' never normalise; 'angular' (1 - cos) normalises internally.
 *
 * One deliberate difference: TFA's semi-hard loss is 0/0 = NaN on a batch without a positive
 * pair; here that batch gives 0 with a zero gradient and a warning in the stats. The hard loss
 * does the same for such a batch (TFA would average relu(m - hn) over anchors that have no
 * positive to pull in).
 */
import { tf } from '../../backend';
import { pairwiseDistance, type DistanceMetric } from '../distances';
import { tfaHardMiner, tfaSemiHardMiner, type TfaHardMined, type TfaSemiHardMined } from '../miners';
import type { LabelStructure } from '../labels';
import type { Triplets } from '../types';
import { batchContext, itemStats, type LossResult } from './common';
import { tripletTerms, type TripletTerms } from './triplet-terms';

export type TfaMetric = 'L2' | 'squared-L2' | 'angular';

export interface TfaOptions {
  /** Default 1.0, TFA's. */
  margin?: number;
  /** Default 'L2'. */
  metric?: TfaMetric;
  /** L2-normalise first (not in TFA, which never does for its L2 metrics). Default false. */
  normalize?: boolean;
}

const METRIC: Record<TfaMetric, DistanceMetric> = { L2: 'l2', 'squared-L2': 'squared-l2', angular: 'angular' };

/** Distance matrix -> TFA miner -> triplet terms; shared by both TFA losses. */
function runTfa<M>(
  embeddings: tf.Tensor2D,
  labels: ArrayLike<number>,
  opts: TfaOptions & { soft?: boolean },
  mine: (data: Float32Array, ls: LabelStructure) => { mined: M; used: Triplets },
) {
  const soft = opts.soft ?? false;
  const margin = soft ? 0 : (opts.margin ?? 1.0);
  const metric = METRIC[opts.metric ?? 'L2'];
  const normalize = opts.normalize ?? false;
  const ctx = batchContext(embeddings, labels, normalize || metric === 'angular');
  let mined!: M;
  let terms!: TripletTerms;
  const loss = tf.tidy(() => {
    const dist = pairwiseDistance(embeddings, { metric, normalize });
    const data = dist.dataSync() as Float32Array;
    const m = mine(data, ctx.ls);
    mined = m.mined;
    terms = tripletTerms(dist, data, m.used, { margin, reducer: 'mean', soft });
    return terms.loss;
  });
  return { loss, mined, terms, ctx };
}

export interface TfaSemiHardResult extends LossResult {
  mined: TfaSemiHardMined;
}

/**
 * TFA `TripletSemiHardLoss`: for every positive pair (a, p) the nearest negative farther than
 * the positive (strictly; the margin is not used to choose), else the farthest negative;
 * l = relu(m + D[a,p] - D[a,n]); plain mean over all positive pairs, zeros included.
 * @param embeddings `[B, D]`; @param labels `[B]`.
 */
export function tfaTripletSemiHardLoss(embeddings: tf.Tensor2D, labels: ArrayLike<number>, opts: TfaOptions = {}): TfaSemiHardResult {
  const r = runTfa(embeddings, labels, opts, (data, ls) => {
    const mined = tfaSemiHardMiner(data, ls);
    return { mined, used: mined.triplets };
  });
  const fallbacks = r.mined.fallback.reduce((s, f) => s + f, 0);
  return { loss: r.loss, mined: r.mined, stats: { ...itemStats(r.ctx, 'triplet', r.terms), fallbacks } };
}

export interface TfaHardResult extends LossResult {
  mined: TfaHardMined;
}

/**
 * TFA `TripletHardLoss`, over every anchor a: hp = max D[a,p] over positives (0 when a has
 * none), hn = min D[a,n] over negatives; l = relu(hp - hn + m), or with `soft`
 * log1p(exp(hp - hn)) (margin unused); plain mean over all B anchors.
 * @param embeddings `[B, D]`; @param labels `[B]`.
 */
export function tfaTripletHardLoss(
  embeddings: tf.Tensor2D,
  labels: ArrayLike<number>,
  opts: TfaOptions & { soft?: boolean } = {},
): TfaHardResult {
  const r = runTfa(embeddings, labels, opts, (data, ls) => {
    const mined = tfaHardMiner(data, ls);
    const none: Triplets = { a: new Int32Array(0), p: new Int32Array(0), n: new Int32Array(0) };
    return { mined, used: ls.positivePairs > 0 ? mined.triplets : none };
  });
  return { loss: r.loss, mined: r.mined, stats: itemStats(r.ctx, 'anchor', r.terms) };
}
