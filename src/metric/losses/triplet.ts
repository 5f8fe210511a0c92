/**
 * pytorch-metric-learning `TripletMarginLoss`, optionally behind one of the miners.
 * l = relu(d(a,p) - d(a,n) + m) per triplet (softplus with `smooth`), reduced by AvgNonZero
 * (pml's default) or mean. Like pml, the distance L2-normalises by default.
 */
import { tf } from '../../backend';
import { isSimilarity, pairwiseDistance, type DistanceMetric } from '../distances';
import { allTriplets, batchHardMiner, randomMiner, tripletMarginMiner, type PmlTripletType } from '../miners';
import type { ReducerName } from '../reducers';
import type { Rng } from '../../util/rng';
import type { Triplets } from '../types';
import { batchContext, itemStats, type LossResult } from './common';
import { tripletTerms } from './triplet-terms';

/** Which triplets the loss sees: pml TripletMarginMiner kinds, batch-hard, random, or none. */
export type TripletMining = 'all-triplets' | PmlTripletType | 'batch-hard' | 'random';

export interface TripletMarginOptions {
  /** Default 0.05 (pml's default; FaceNet used 0.2). */
  margin?: number;
  /**
   * 'l2' (pml LpDistance power 1, default), 'squared-l2' (power 2), 'angular' (1 - cos), or the
   * similarities 'cosine' / 'dot' (pml CosineSimilarity / DotProductSimilarity), for which the
   * hinge is relu(s_an - s_ap + m) and the miners flip their comparisons.
   */
  distance?: DistanceMetric;
  /** L2-normalise first; default true, as pml. */
  normalize?: boolean;
  /** Default 'avg-nonzero', as pml. */
  reducer?: ReducerName;
  /** Default 'all-triplets' (pml's loss without a miner). */
  mining?: TripletMining;
  /** Margin of the pml miner (`tm` thresholds); defaults to `margin`. */
  minerMargin?: number;
  /** Required for 'random' mining. */
  rng?: Rng;
  /** softplus instead of relu; only with 'batch-hard' (one triplet per anchor). */
  soft?: boolean;
}

export interface TripletMarginResult extends LossResult {
  triplets: Triplets;
}

/**
 * @param embeddings `[B, D]`; @param labels `[B]`.
 * @throws InvalidArgumentError on a malformed batch; Error if 'random' has no rng.
 */
export function tripletMarginLoss(
  embeddings: tf.Tensor2D,
  labels: ArrayLike<number>,
  opts: TripletMarginOptions = {},
): TripletMarginResult {
  const margin = opts.margin ?? 0.05;
  const normalize = opts.normalize ?? true;
  const mining = opts.mining ?? 'all-triplets';
  const metric = opts.distance ?? 'l2';
  const similarity = isSimilarity(metric);
  const ctx = batchContext(embeddings, labels, normalize || metric === 'angular' || metric === 'cosine');
  let triplets!: Triplets;
  let terms!: ReturnType<typeof tripletTerms>;
  const loss = tf.tidy(() => {
    const dist = pairwiseDistance(embeddings, { metric, normalize });
    const data = dist.dataSync();
    switch (mining) {
      case 'all-triplets':
        triplets = allTriplets(ctx.ls);
        break;
      case 'batch-hard':
        triplets = batchHardMiner(data, ctx.ls, { similarity });
        break;
      case 'random':
        if (!opts.rng) throw new Error('tripletMarginLoss: random mining needs an rng');
        triplets = randomMiner(ctx.ls, opts.rng);
        break;
      default:
        triplets = tripletMarginMiner(data, ctx.ls, { margin: opts.minerMargin ?? margin, type: mining, similarity });
    }
    terms = tripletTerms(dist, data, triplets, { margin, reducer: opts.reducer ?? 'avg-nonzero', soft: opts.soft, similarity });
    return terms.loss;
  });
  return {
    loss,
    triplets,
    stats: itemStats(ctx, 'triplet', terms),
  };
}
