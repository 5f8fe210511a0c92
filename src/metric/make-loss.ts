/**
 * The one entry point the trainer uses: `makeLoss(config)` validates a loss configuration once
 * and returns `(embeddings [B, D], labels [B]) => { loss, stats }`, differentiable with
 * `tf.grad` / `optimizer.minimize`. Mining reads distances back to JS (no gradient needed);
 * the loss itself is tensor ops on the `[B, B]` matrix, which have gradients on every backend.
 */
import type { tf } from '../backend';
import { InvalidArgumentError } from '../errors';
import type { LossResult } from './losses/common';
import { contrastiveLoss } from './losses/contrastive';
import { npairsLoss } from './losses/npairs';
import { ntxentLoss } from './losses/ntxent';
import { supconLoss } from './losses/supcon';
import { tfaTripletHardLoss, tfaTripletSemiHardLoss } from './losses/tfa';
import { tripletMarginLoss, type TripletMining } from './losses/triplet';
import { makeRng } from '../util/rng';

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
  /** Triplet: default 0.2 (FaceNet). Contrastive 'hadsell': the negative margin, default 1. */
  margin?: number;
  /**
   * Triplet: 'squared-l2' (FaceNet, default), 'l2' or 'angular' (1 - cos).
   * Contrastive 'pml': 'l2' (default) or 'squared-l2'. Hadsell is always Euclidean.
   */
  distance?: 'l2' | 'squared-l2' | 'angular';
  /**
   * L2-normalise embeddings inside the loss (triplet, contrastive). Default false: voxprint's
   * embedder already outputs unit vectors. (pytorch-metric-learning normalises by default; TF
   * Addons never does.) npair: default true (cosine, pml's default); false = raw dot product.
   * infonce and supcon always use cosine similarity.
   */
  normalize?: boolean;
  /** pml-style minings only ('semihard', 'hard', 'easy', 'all', 'batch-hard', 'random'). Default 'avg-nonzero'. */
  reducer?: 'avg-nonzero' | 'mean';
  /** softplus(hp - hn) instead of the margin hinge; 'tfa-hard' and 'batch-hard' only. */
  soft?: boolean;
  /** InfoNCE (default 0.07) and SupCon (default 0.1): similarities are cos / temperature. */
  temperature?: number;
  /** Contrastive form: 'hadsell' (y d^2 + (1-y) max(0, m-d)^2, mean over pairs; default) or 'pml'. */
  contrastive?: 'hadsell' | 'pml';
  /** Contrastive 'pml': relu(d - posMargin) and relu(negMargin - d); defaults 0 and 1. */
  posMargin?: number;
  negMargin?: number;
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
  checkNumber('temperature', config.temperature, (x) => x > 0, 'a finite number > 0');
  checkNumber('posMargin', config.posMargin, () => true, 'finite');
  checkNumber('negMargin', config.negMargin, () => true, 'finite');
  if (config.loss !== 'triplet') {
    for (const k of ['mining', 'reducer', 'soft', 'seed'] as const) {
      if (config[k] !== undefined) throw new InvalidArgumentError(`${k} applies to the triplet loss only, not '${config.loss}'.`);
    }
  }
  if (config.temperature !== undefined && config.loss !== 'infonce' && config.loss !== 'supcon') {
    throw new InvalidArgumentError(`temperature applies to infonce and supcon only, not '${config.loss}'.`);
  }
  switch (config.loss) {
    case 'triplet':
      return makeTriplet(config);
    case 'contrastive':
      return makeContrastive(config);
    case 'npair': {
      const normalize = config.normalize ?? true;
      return (e, y) => npairsLoss(e, y, { normalize });
    }
    case 'infonce': {
      const temperature = config.temperature ?? 0.07;
      return (e, y) => ntxentLoss(e, y, { temperature });
    }
    case 'supcon': {
      const temperature = config.temperature ?? 0.1;
      return (e, y) => supconLoss(e, y, { temperature });
    }
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

function makeContrastive(config: LossConfig): LossFn {
  const form = config.contrastive ?? 'hadsell';
  if (form !== 'hadsell' && form !== 'pml') {
    throw new InvalidArgumentError(`Unknown contrastive form '${String(form)}'; choose hadsell or pml.`);
  }
  const distance = config.distance ?? 'l2';
  if (form === 'hadsell' && distance !== 'l2') {
    throw new InvalidArgumentError(`The Hadsell contrastive loss is defined on Euclidean distance; drop distance '${distance}'.`);
  }
  if (form === 'pml' && distance === 'angular') {
    throw new InvalidArgumentError(`The pml contrastive loss takes distance l2 or squared-l2, not angular.`);
  }
  if (form === 'pml' && config.margin !== undefined) {
    throw new InvalidArgumentError(`The pml contrastive form takes posMargin and negMargin, not margin.`);
  }
  if (form === 'hadsell' && (config.posMargin !== undefined || config.negMargin !== undefined)) {
    throw new InvalidArgumentError(`The Hadsell contrastive form takes margin, not posMargin/negMargin (those are for contrastive: 'pml').`);
  }
  const normalize = config.normalize ?? false;
  return (e, y) =>
    contrastiveLoss(e, y, {
      form,
      margin: config.margin,
      posMargin: config.posMargin,
      negMargin: config.negMargin,
      distance,
      normalize,
    });
}
