/**
 * The trainer's loss, from src/metric's makeLoss: (embeddings [B, D], labels) -> { loss, stats }.
 * The `voxprint train` mining names map onto the metric module's minings:
 * semihard -> FaceNet / TF-Addons semi-hard ('tfa-semihard'), hard -> pml hard triplets,
 * batch-hard, all, random as named.
 */
import { makeLoss, type LossConfig, type LossFn, type Mining } from '../metric';
import type { TrainOptions } from './options';

const MINING: Record<TrainOptions['mining'], Mining> = {
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
