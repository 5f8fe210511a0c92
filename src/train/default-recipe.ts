/**
 * The recipe of the shipped default model (scripts/train-default.ts), shared with the loss
 * comparison (scripts/experiment-losses.ts) so both train the same architecture.
 */
import type { TrainOptionsInput } from './options';

/**
 * The recipe of the shipped models/default (voxprint-default-v1): exactly the options recorded in
 * its card (models/default/voxprint.json, training.options), so `npm run train:default`
 * reproduces it. docs/results/recipe.md says why each choice (run default-1).
 */
export const DEFAULT_RECIPE: Omit<TrainOptionsInput, 'data'> = {
  loss: 'triplet',
  mining: 'semihard',
  margin: 0.2,
  p: 48,
  k: 4,
  epochs: 8,
  stepsPerEpoch: 200,
  maxSeconds: 42 * 60,
  shortGroups: 3,
  lr: 2e-3,
  warmupSteps: 100,
  minLrFraction: 0.05,
  patience: 8,
  seed: 1,
  speeds: [0.9, 1, 1.1],
  augment: {},
  quotas: {},
  arch: {},
  recipe:
    'TDNN on CMN-spliced MFCC frames + MLP on raw utterance MFCC mean/std, concatenated; FaceNet semi-hard triplet (squared L2, margin 0.2) ' +
    'on P x K = 48 x 4 batches with equal speaker shares per corpus; short-word speakers cropped to 0.5-1.5 s in 3 length groups, LibriSpeech ' +
    'utterances cut into K segments with 1-3 s crops; speed perturbation 0.9/1.1 as new speakers; Adam 2e-3, 100 warm-up steps, cosine decay; ' +
    'best checkpoint by validation EER on held-out train speakers.',
};

/**
 * The candidate for the next default (docs/results/recipe.md: ldaconcat, lda-margin03): an
 * LDA-initialised statistics branch, a concatenation head and margin 0.3. Not yet trained at full
 * length nor validated end to end, so it is not the default; `npx tsx scripts/train-default.ts --next`
 * trains it.
 */
export const NEXT_RECIPE: Omit<TrainOptionsInput, 'data'> = {
  loss: 'triplet',
  mining: 'semihard',
  margin: 0.3,
  p: 48,
  k: 4,
  epochs: 8,
  stepsPerEpoch: 200,
  // safety only: on an idle machine the run ends well before it (see README: stoppedByTime)
  maxSeconds: 42 * 60,
  shortGroups: 3,
  lr: 2e-3,
  warmupSteps: 100,
  minLrFraction: 0.05,
  patience: 8,
  seed: 1,
  speeds: [0.9, 1, 1.1],
  augment: {},
  quotas: {},
  arch: { statsLdaDims: 30, statsLayers: [128], head: 'concat', frameEmbed: 128, embedDim: 158 },
  recipe:
    'TDNN on CMN-spliced MFCC frames, concatenated with an LDA-initialised linear projection (+ zero-initialised residual MLP) of the raw ' +
    'utterance MFCC mean/std; FaceNet semi-hard triplet (squared L2, margin 0.3) ' +
    'on P x K = 48 x 4 batches with equal speaker shares per corpus; short-word speakers cropped to 0.5-1.5 s in 3 length groups, LibriSpeech utterances cut into ' +
    'K segments with 1-3 s crops; speed perturbation 0.9/1.1 as new speakers; Adam 2e-3, 100 warm-up steps, cosine decay; best checkpoint by ' +
    'validation EER on held-out train speakers.',
};

