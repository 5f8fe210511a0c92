/**
 * The embedder's architecture: a frame-level TDNN branch (spliced frames -> dense layers ->
 * statistics pooling) concatenated with an utterance-statistics MLP branch, projected to the
 * embedding and L2-normalised.
 *
 * The model takes two inputs, both prepared outside the graph (src/model/preprocess.ts):
 * - `frames` [batch, frames', numCoeffs*splice.length]: mean-normalised MFCCs spliced with their
 *   context frames and subsampled by `frameStride`, so each frame layer is one matMul;
 * - `stats` [batch, 2*numCoeffs]: the per-utterance mean and std of the raw (not mean-normalised)
 *   MFCCs, which carry the channel/timbre information that CMN removes from the frames.
 */
import { tf } from '../backend';
import { frameInputDim, hasFrameBranch, hasStatsBranch, headWidth, memberPrefix, statsInputDim, type ArchConfig } from './arch-config';
import { FastDense, L2Normalize, ScalarGain, Standardize, StatsPooling } from './layers';

export * from './arch-config';

type SymbolicTensor = import('@tensorflow/tfjs').SymbolicTensor;

/** Builds a randomly initialised LayersModel for `a` (inputs [frames, stats], output [batch, outputDim(a)]). */
export function buildModel(a: ArchConfig, seed = 1): import('@tensorflow/tfjs').LayersModel {
  if (!hasFrameBranch(a) && !hasStatsBranch(a)) throw new RangeError('the architecture needs at least one branch');
  if (a.members > 1 && a.ldaSideDims > 0) throw new RangeError('an ensemble (members > 1) cannot also have an LDA side branch');
  if (a.head === 'concat' && headWidth(a) !== a.embedDim) {
    throw new RangeError(`with head 'concat', embedDim must be ${headWidth(a)} (the branch widths), got ${a.embedDim}`);
  }
  const framesIn = tf.input({ shape: [null, frameInputDim(a)], name: 'frames' });
  const statsIn = tf.input({ shape: [statsInputDim(a)], name: 'stats' });
  let e: SymbolicTensor;
  if (a.members === 1) {
    const t = buildTower(a, framesIn, statsIn, seed * 1000, '');
    e = t.embedding;
    if (a.ldaSideDims > 0) {
      const statsNormed = t.statsNormed ?? (new Standardize({ name: 'stats_norm' }).apply(statsIn) as SymbolicTensor);
      let side = new FastDense({ units: a.ldaSideDims, name: 'side_lda', seed: t.nextSeed }).apply(statsNormed) as SymbolicTensor;
      side = new L2Normalize({ name: 'side_l2' }).apply(side) as SymbolicTensor;
      side = new ScalarGain({ name: 'side_gain', initValue: 1 }).apply(side) as SymbolicTensor;
      e = tf.layers.concatenate({ name: 'fused' }).apply([e, side]) as SymbolicTensor;
      e = new L2Normalize({ name: 'fused_embedding' }).apply(e) as SymbolicTensor;
    }
  } else {
    const towers = Array.from({ length: a.members }, (_, i) => buildTower(a, framesIn, statsIn, seed * 1000 + 100 * i, memberPrefix(i)).embedding);
    e = tf.layers.concatenate({ name: 'members' }).apply(towers) as SymbolicTensor;
    e = new L2Normalize({ name: 'ensemble_embedding' }).apply(e) as SymbolicTensor;
  }
  return tf.model({ inputs: [framesIn, statsIn], outputs: e, name: 'voxprint_embedder' });
}

/** One embedder tower (frame branch + statistics branch + head + L2), its layers named with `prefix`. */
function buildTower(
  a: ArchConfig,
  framesIn: SymbolicTensor,
  statsIn: SymbolicTensor,
  firstSeed: number,
  prefix: string,
): { embedding: SymbolicTensor; statsNormed?: SymbolicTensor; nextSeed: number } {
  let nextSeed = firstSeed;
  const n = (name: string) => prefix + name;
  const parts: SymbolicTensor[] = [];
  if (hasFrameBranch(a)) {
    let h = new Standardize({ name: n('frame_norm') }).apply(framesIn) as SymbolicTensor;
    a.frameLayers.forEach((units, i) => {
      h = new FastDense({ units, activation: 'relu', name: n(`tdnn${i + 1}`), seed: nextSeed++ }).apply(h) as SymbolicTensor;
    });
    h = new StatsPooling({ name: n('stats_pool') }).apply(h) as SymbolicTensor;
    h = new FastDense({ units: a.frameEmbed, name: n('frame_embed'), seed: nextSeed++ }).apply(h) as SymbolicTensor;
    h = new L2Normalize({ name: n('frame_l2') }).apply(h) as SymbolicTensor;
    parts.push(new ScalarGain({ name: n('frame_gain'), initValue: 1 }).apply(h) as SymbolicTensor);
  }
  let statsNormed: SymbolicTensor | undefined;
  if (hasStatsBranch(a)) {
    let s = new Standardize({ name: n('stats_norm') }).apply(statsIn) as SymbolicTensor;
    statsNormed = s;
    if (a.statsLdaDims > 0) {
      const lda = new FastDense({ units: a.statsLdaDims, name: n('stats_lda'), seed: nextSeed++ }).apply(s) as SymbolicTensor;
      let r = lda;
      for (const [i, units] of (a.statsLayers ?? []).entries()) {
        r = new FastDense({ units, activation: 'relu', name: n(`stats_mlp${i + 1}`), seed: nextSeed++ }).apply(r) as SymbolicTensor;
      }
      r = new FastDense({ units: a.statsLdaDims, name: n('stats_residual'), zeroInit: true }).apply(r) as SymbolicTensor;
      s = tf.layers.add({ name: n('stats_sum') }).apply([lda, r]) as SymbolicTensor;
    } else {
      for (const [i, units] of (a.statsLayers ?? []).entries()) {
        s = new FastDense({ units, activation: 'relu', name: n(`stats_mlp${i + 1}`), seed: nextSeed++ }).apply(s) as SymbolicTensor;
      }
      s = new FastDense({ units: a.statsEmbed, name: n('stats_embed'), seed: nextSeed++ }).apply(s) as SymbolicTensor;
    }
    s = new L2Normalize({ name: n('stats_l2') }).apply(s) as SymbolicTensor;
    parts.push(new ScalarGain({ name: n('stats_gain'), initValue: 1 }).apply(s) as SymbolicTensor);
  }
  let e = parts.length === 1 ? parts[0] : (tf.layers.concatenate({ name: n('concat') }).apply(parts) as SymbolicTensor);
  if (a.head === 'dense') e = new FastDense({ units: a.embedDim, name: n('embed'), seed: nextSeed++ }).apply(e) as SymbolicTensor;
  e = new L2Normalize({ name: n('embedding') }).apply(e) as SymbolicTensor;
  return { embedding: e, statsNormed, nextSeed };
}
