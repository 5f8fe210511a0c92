/**
 * The one entry point the trainer uses: `makeLoss(config)` validates a loss configuration once
 * and returns `(embeddings [B, D], labels [B]) => { loss, stats }`, differentiable with
 * `tf.grad` / `optimizer.minimize`. Mining reads distances back to JS (no gradient needed);
 * the loss itself is tensor ops on the `[B, B]` matrix, which have gradients on every backend.
 */
import type { tf } from '../backend';
import { InvalidArgumentError } from '../errors';
import type { LossResult } from './losses/common';
import { tfaTripletHardLoss, tfaTripletSemiHardLoss } from './losses/tfa';
import { tripletMarginLoss, type TripletMining } from './losses/triplet';
import { makeRng } from './rng';

export type LossKind = 'triplet' | 'contrastive' | 'npair' | 'infonce' | 'supcon';

/**
 * Triplet selection:
 * - 'tfa-semihard' (default): FaceNet / TF Addons, one negative per positive pair, the nearest
 *   one farther than the positive, else the farthest; plain mean over positive pairs;
 * - 'tfa-hard': TF Addons batch-hard, every anchor, plain mean over anchors;
 * - 'semihard' | 'hard' | 'easy': pml TripletMarginMiner (0 < tm <= m | tm <= 0 | tm > m);
 * - 'all': every valid triplet (pml TripletMarginLoss without a miner);
 * - 'batch-hard': pml BatchHardMiner (anchors without a positive or negative dropped);
 * - 'random': one seeded random negative per positive pair.
 */
export type Mining = 'tfa-semihard' | 'tfa-hard' | 'semihard' | 'hard' | 'easy' | 'all' | 'batch-hard' | 'random';

export interface LossConfig {
  loss: LossKind;
  /** Triplet only. Default 'tfa-semihard'. */
  mining?: Mining;
  /** Triplet: default 0.2 (FaceNet). */
  margin?: number;
  /** Triplet: 'squared-l2' (FaceNet, default), 'l2' or 'angular' (1 - cos). */
  distance?: 'l2' | 'squared-l2' | 'angular';
  /**
   * L2-normalise embeddings inside the loss. Default false: voxprint's embedder already outputs
   * unit vectors. (pytorch-metric-learning normalises by default; TF Addons never does.)
   */
  normalize?: boolean;
  /** pml-style minings only ('semihard', 'hard', 'easy', 'all', 'batch-hard', 'random'). Default 'avg-nonzero'. */
  reducer?: 'avg-nonzero' | 'mean';
  /** softplus(hp - hn) instead of the margin hinge; 'tfa-hard' and 'batch-hard' only. */
  soft?: boolean;
  /** Seed of the 'random' miner; the returned function draws a new batch of negatives per call. Default 0. */
  seed?: number;
}

export type LossFn = (embeddings: tf.Tensor2D, labels: Int32Array) => LossResult;

const MININGS: readonly Mining[] = ['tfa-semihard', 'tfa-hard', 'semihard', 'hard', 'easy', 'all', 'batch-hard', 'random'];

function checkNumber(name: string, v: number | undefined, ok: (x: number) => boolean, rule: string): void {
  if (v !== undefined && !(Number.isFinite(v) && ok(v))) {
    throw new InvalidArgumentError(`${name} is ${v}; it must be ${rule}.`);
  }
}

/**
 * @throws InvalidArgumentError for an unknown loss or mining, a negative or non-finite margin,
 * or options that do not apply to the chosen loss.
 */
export function makeLoss(config: LossConfig): LossFn {
  checkNumber('margin', config.margin, (x) => x >= 0, 'a finite number >= 0');
  switch (config.loss) {
    case 'triplet':
      return makeTriplet(config);
    default:
      throw new InvalidArgumentError(
        `Unknown loss '${String(config.loss)}'; choose one of triplet, contrastive, npair, infonce, supcon.`,
      );
  }
}

function makeTriplet(config: LossConfig): LossFn {
  const mining = config.mining ?? 'tfa-semihard';
  if (!MININGS.includes(mining)) {
    throw new InvalidArgumentError(`Unknown mining '${String(mining)}'; choose one of ${MININGS.join(', ')}.`);
  }
  if (config.soft && mining !== 'tfa-hard' && mining !== 'batch-hard') {
    throw new InvalidArgumentError(`soft applies to 'tfa-hard' and 'batch-hard' mining only, not '${mining}'.`);
  }
  const margin = config.margin ?? 0.2;
  const distance = config.distance ?? 'squared-l2';
  if (distance !== 'l2' && distance !== 'squared-l2' && distance !== 'angular') {
    throw new InvalidArgumentError(`Unknown triplet distance '${String(distance)}'; choose l2, squared-l2 or angular.`);
  }
  const normalize = config.normalize ?? false;
  if (mining === 'tfa-semihard' || mining === 'tfa-hard') {
    if (config.reducer !== undefined) {
      throw new InvalidArgumentError(`reducer does not apply to '${mining}', which always takes TF Addons' plain mean.`);
    }
    const metric = distance === 'l2' ? 'L2' : distance === 'squared-l2' ? 'squared-L2' : 'angular';
    return mining === 'tfa-semihard'
      ? (embeddings, labels) => tfaTripletSemiHardLoss(embeddings, labels, { margin, metric, normalize })
      : (embeddings, labels) => tfaTripletHardLoss(embeddings, labels, { margin, metric, normalize, soft: config.soft });
  }
  const rng = makeRng(config.seed ?? 0);
  const pmlMining: TripletMining = mining === 'all' ? 'all-triplets' : mining;
  return (embeddings, labels) =>
    tripletMarginLoss(embeddings, labels, {
      margin,
      distance,
      normalize,
      reducer: config.reducer ?? 'avg-nonzero',
      mining: pmlMining,
      rng,
      soft: config.soft,
    });
}
