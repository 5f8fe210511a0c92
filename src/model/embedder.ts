/**
 * The embedder: a LayersModel (src/model/architecture.ts) plus the preprocessing that feeds it, so
 * every caller (CLI, engine, trainer's validation, evaluation) runs the same inference pipeline:
 * VAD -> MFCC with the model's feature config -> windows -> model -> mean of window embeddings ->
 * L2 normalisation.
 */
import { tf } from '../backend';
import { AudioDecodeError, InvalidArgumentError } from '../errors';
import { computeMfcc, DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../features/mfcc';
import { selectSpeechWithSeconds } from './speech';
import type { SpeechResult } from '../audio/vad';
import { buildModel, defaultArchConfig, memberPrefix, outputDim, type ArchConfig } from './architecture';
import type { ModelCard } from './card';
import type { ScoreCalibration } from '../calibration/calibration';
import { prepareCrops, windowStarts, type FeatureMatrix } from './preprocess';
import { Standardize } from './layers';

type LayersModel = import('@tensorflow/tfjs').LayersModel;

/** Windows embedded per model call; bounds peak memory for long inputs and big evaluation batches. */
const MAX_WINDOWS_PER_CALL = 64;

export interface EmbedderInit {
  model: LayersModel;
  arch: ArchConfig;
  featureConfig: FeatureConfig;
  card?: ModelCard;
}

export class Embedder {
  readonly model: LayersModel;
  readonly arch: ArchConfig;
  readonly featureConfig: FeatureConfig;
  /** The model card when loaded from (or saved to) a folder; undefined for a fresh random model. */
  card?: ModelCard;
  /** The model folder's score calibration (calibration.json), when it has one for this model. */
  calibration?: ScoreCalibration;

  constructor(init: EmbedderInit) {
    this.model = init.model;
    this.arch = init.arch;
    this.featureConfig = init.featureConfig;
    this.card = init.card;
  }

  /** Embedding dimension. */
  get dim(): number {
    return outputDim(this.arch);
  }

  /**
   * Embeds one MFCC matrix [numFrames, numCoeffs] (raw, not mean-normalised: the model takes the
   * utterance statistics from it). Returns an L2-normalised Float32Array of length `dim`.
   * Throws InvalidArgumentError when the coefficient count differs from the model's or there are no frames.
   */
  embedFeatures(f: FeatureMatrix): Float32Array {
    return this.embedBatch([f])[0];
  }

  /**
   * Embeds several MFCC matrices of any lengths. Long inputs are cut into windows of
   * `arch.windowFrames` frames; windows of equal length share a model call.
   */
  embedBatch(fs: FeatureMatrix[]): Float32Array[] {
    const d = this.dim;
    const sums = fs.map(() => new Float32Array(d));
    // Group windows by length so each group is one [batch, frames, dim] call.
    const groups = new Map<number, { item: number; start: number }[]>();
    fs.forEach((f, item) => {
      if (f.numCoeffs !== this.arch.numCoeffs) {
        throw new InvalidArgumentError(
          `The features have ${f.numCoeffs} coefficients but the model expects ${this.arch.numCoeffs}; compute them with the model's feature configuration.`,
        );
      }
      if (f.numFrames < 1) throw new InvalidArgumentError('Cannot embed an utterance with no feature frames.');
      const { starts, length } = windowStarts(f.numFrames, this.arch);
      const g = groups.get(length) ?? [];
      for (const start of starts) g.push({ item, start });
      groups.set(length, g);
    });
    for (const [length, wins] of groups) {
      for (let i = 0; i < wins.length; i += MAX_WINDOWS_PER_CALL) {
        const chunk = wins.slice(i, i + MAX_WINDOWS_PER_CALL);
        const emb = this.runModel(chunk.map((w) => ({ f: fs[w.item], start: w.start })), length);
        chunk.forEach((w, j) => {
          const s = sums[w.item];
          for (let k = 0; k < d; k++) s[k] += emb[j * d + k];
        });
      }
    }
    return sums.map(l2normalize);
  }

  /**
   * The whole inference pipeline on 16 kHz mono samples: speech detection, MFCCs with the model's
   * feature config, windowed embedding. Works from about 0.1 s to many minutes.
   * Throws AudioDecodeError TOO_LITTLE_SPEECH when there is not one analysis frame of audio.
   */
  embedSamples(samples16k: Float32Array): Float32Array {
    return this.embedWithSpeech(samples16k).embedding;
  }

  /** `embedSamples` plus the seconds of speech found (0 when the VAD found too little and the whole signal was used). */
  embedWithSpeech(samples16k: Float32Array, detected?: SpeechResult): { embedding: Float32Array; speechSec: number } {
    const { speech, speechSec } = selectSpeechWithSeconds(samples16k, detected);
    const f = computeMfcc(speech, this.featureConfig);
    if (f.numFrames < 1) {
      throw new AudioDecodeError('TOO_LITTLE_SPEECH', 'The recording is too short to embed: record at least one second of speech.');
    }
    return { embedding: this.embedFeatures(f), speechSec };
  }

  /** Runs the model on equal-length crops; returns [n * dim] embeddings (L2-normalised rows). */
  private runModel(items: { f: FeatureMatrix; start: number }[], length: number): Float32Array {
    const b = prepareCrops(items, length, this.arch);
    return tf.tidy(() => {
      const frames = tf.tensor3d(b.frames, [b.batch, b.framesPerItem, this.arch.numCoeffs * this.arch.splice.length]);
      const stats = tf.tensor2d(b.stats, [b.batch, 2 * this.arch.numCoeffs]);
      const y = this.model.predict([frames, stats]) as import('@tensorflow/tfjs').Tensor;
      return y.dataSync() as Float32Array;
    });
  }

  /** Sets the fixed input standardisation layers (training-set statistics), in every ensemble member. */
  setInputStats(which: 'frame_norm' | 'stats_norm', shift: Float32Array, scale: Float32Array): void {
    for (let i = 0; i < this.arch.members; i++) {
      const layer = this.model.layers.find((l) => l.name === memberPrefix(i) + which);
      if (layer instanceof Standardize) layer.setStats(shift, scale);
    }
  }

  /** Overwrites a dense layer's kernel [in, out] and bias [out] (e.g. an LDA initialisation). */
  setDenseWeights(name: string, kernel: Float32Array, bias: Float32Array): void {
    const layer = this.model.getLayer(name);
    const [fanIn, units] = [kernel.length / bias.length, bias.length];
    const ws = [tf.tensor2d(kernel, [fanIn, units]), tf.tensor1d(bias)];
    layer.setWeights(ws);
    tf.dispose(ws);
  }

  dispose(): void {
    this.model.dispose();
  }
}

function l2normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export interface CreateEmbedderOptions {
  arch?: Partial<ArchConfig>;
  featureConfig?: FeatureConfig;
  /** Seed of the weight initialisers (default 1). */
  seed?: number;
}

/**
 * A randomly initialised embedder (for tests, and as the starting point of training).
 * Call `await initBackend()` first.
 */
export function createEmbedder(opts: CreateEmbedderOptions = {}): Embedder {
  const featureConfig = { ...(opts.featureConfig ?? DEFAULT_FEATURE_CONFIG) };
  const arch = defaultArchConfig(featureConfig.numCoeffs, opts.arch);
  if (arch.numCoeffs !== featureConfig.numCoeffs) {
    throw new InvalidArgumentError(`arch.numCoeffs (${arch.numCoeffs}) must equal the feature config's numCoeffs (${featureConfig.numCoeffs}).`);
  }
  return new Embedder({ model: buildModel(arch, opts.seed ?? 1), arch, featureConfig });
}
