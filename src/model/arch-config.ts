/**
 * The embedder's architecture settings (see ./architecture for the model they describe), kept
 * apart from the layers so that option parsing (src/train/options.ts, the CLI) does not load tfjs.
 */
import { z } from 'zod';

export const ArchConfigSchema = z.object({
  kind: z.literal('tdnn-stats'),
  numCoeffs: z.number().int().positive(),
  /** Frame offsets concatenated around each frame, e.g. [-2, -1, 0, 1, 2]. */
  splice: z.array(z.number().int()).min(1),
  /** Keep every n-th spliced frame (the splice already covers the skipped frames' neighbourhood). */
  frameStride: z.number().int().positive(),
  /** Widths of the frame-level layers; empty disables the frame branch. */
  frameLayers: z.array(z.number().int().positive()),
  frameEmbed: z.number().int().positive(),
  /** Widths of the statistics-branch hidden layers; null disables the statistics branch. */
  statsLayers: z.array(z.number().int().positive()).nullable(),
  statsEmbed: z.number().int().positive(),
  embedDim: z.number().int().positive(),
  /** Long inputs are embedded in windows of this many (unstrided) frames, averaged, re-normalised. */
  windowFrames: z.number().int().positive(),
  windowHop: z.number().int().positive(),
  /** Mean normalisation of the frame-branch input: per utterance/window ('cmn') or none. */
  frameNorm: z.enum(['cmn', 'none']),
  /**
   * > 0: the statistics branch starts with a linear layer of this width that the trainer
   * initialises with LDA on the training speakers, followed by a zero-initialised residual MLP
   * (statsLayers), so training starts from "LDA + cosine" and refines it. Its width is the branch
   * output (statsEmbed is then unused).
   */
  statsLdaDims: z.number().int().nonnegative().default(0),
  /** 'dense': a final dense layer mixes the branches; 'concat': the embedding is the concatenation itself. */
  head: z.enum(['dense', 'concat']).default('dense'),
  /**
   * > 0: a fixed side branch, LDA of the raw MFCC statistics to this many dimensions (fitted on the
   * training speakers), L2-normalised, weighted by `side_gain` and concatenated after the embedding
   * (score-level fusion of the learned embedding with the classic LDA baseline, as one model).
   */
  ldaSideDims: z.number().int().nonnegative().default(0),
  /**
   * > 1: an ensemble of this many towers of the same shape on the same inputs (each trained on its
   * own, then composed by src/model/ensemble.ts). Their L2-normalised embeddings are concatenated
   * and re-normalised, so the cosine of two ensemble embeddings is the mean of the members' cosines.
   * Member 1's layers keep the plain names; member i's are prefixed `m{i}_`.
   */
  members: z.number().int().positive().default(1),
});
export type ArchConfig = z.infer<typeof ArchConfigSchema>;

export function defaultArchConfig(numCoeffs: number, over: Partial<ArchConfig> = {}): ArchConfig {
  return ArchConfigSchema.parse({
    kind: 'tdnn-stats',
    numCoeffs,
    splice: [-6, -4, -2, -1, 0, 1, 2, 4, 6],
    frameStride: 2,
    frameLayers: [256, 256, 384],
    frameEmbed: 128,
    statsLayers: [256],
    statsEmbed: 64,
    embedDim: 128,
    windowFrames: 300,
    windowHop: 150,
    frameNorm: 'cmn',
    ...over,
  });
}

/** Length of the model's output embedding. */
export function outputDim(a: ArchConfig): number {
  return a.members * a.embedDim + a.ldaSideDims;
}

/** The layer-name prefix of ensemble member `i` (0-based): none for the first, `m{i+1}_` after it. */
export function memberPrefix(i: number): string {
  return i === 0 ? '' : `m${i + 1}_`;
}

export function frameInputDim(a: ArchConfig): number {
  return a.numCoeffs * a.splice.length;
}
export function statsInputDim(a: ArchConfig): number {
  return 2 * a.numCoeffs;
}
export function hasFrameBranch(a: ArchConfig): boolean {
  return a.frameLayers.length > 0;
}
export function hasStatsBranch(a: ArchConfig): boolean {
  return a.statsLayers !== null;
}

/** Width of the concatenated branch outputs. */
export function headWidth(a: ArchConfig): number {
  const stats = hasStatsBranch(a) ? (a.statsLdaDims > 0 ? a.statsLdaDims : a.statsEmbed) : 0;
  return (hasFrameBranch(a) ? a.frameEmbed : 0) + stats;
}
