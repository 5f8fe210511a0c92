/**
 * The trainer's loss, from src/metric's makeLoss: (embeddings [B, D], labels) -> { loss, stats }.
 * The `voxprint train` mining names map onto the metric module's minings:
 * semihard -> FaceNet / TF-Addons semi-hard ('tfa-semihard'), hard -> pml hard triplets,
 * batch-hard, all, random as named.
 */
import { tf } from '../backend';
import { makeLoss, type LossConfig, type LossFn, type Mining } from '../metric';
import type { TrainOptions } from './options';
import type { MiningName } from './vocab';

const MINING: Record<MiningName, Mining> = {
  semihard: 'tfa-semihard',
  hard: 'hard',
  'batch-hard': 'batch-hard',
  all: 'all',
  random: 'random',
};

export function lossConfig(o: Pick<TrainOptions, 'loss' | 'mining' | 'margin' | 'temperature' | 'seed'>): LossConfig {
  switch (o.loss) {
    case 'triplet':
      return { loss: 'triplet', mining: MINING[o.mining], margin: o.margin, ...(o.mining === 'random' ? { seed: o.seed } : {}) };
    case 'contrastive':
      return { loss: 'contrastive' };
    case 'npair':
      return { loss: 'npair' };
    case 'infonce':
      return { loss: 'infonce', temperature: o.temperature };
  }
}

export function makeTrainLoss(o: TrainOptions): LossFn {
  return makeLoss(lossConfig(o));
}

/**
 * The loss of an ensemble (src/model/ensemble.ts, `members` towers): the mean of `lossFn` over the
 * members' own parts of the embedding, each re-normalised, so every tower is trained (or
 * fine-tuned) exactly as it would be alone, on the same batch. The active count and the active and
 * collapsed fractions are the members' means; the other statistics are member 1's.
 * For one member it is `lossFn` itself.
 */
export function perMemberLoss(lossFn: LossFn, members: number): LossFn {
  if (members <= 1) return lossFn;
  return (e, y) => {
    const parts = tf.split(e, members, 1) as import('@tensorflow/tfjs').Tensor2D[];
    const rs = parts.map((p) => lossFn(tf.div(p, tf.add(tf.norm(p, 'euclidean', 1, true), 1e-12)), y));
    const loss = tf.div(tf.addN(rs.map((r) => r.loss)), members) as import('@tensorflow/tfjs').Scalar;
    const mean = (f: (r: (typeof rs)[0]) => number) => rs.reduce((s, r) => s + f(r), 0) / members;
    return {
      loss,
      stats: { ...rs[0].stats, active: mean((r) => r.stats.active), activeFraction: mean((r) => r.stats.activeFraction), collapsedFraction: mean((r) => r.stats.collapsedFraction) },
    };
  };
}
