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
 * The candidate for the next default: the shipped recipe with augmentation chosen per domain, from
 * the 600-step ablations of docs/results/recipe.md. Speed perturbation only for the short-word
 * corpora (abl-speed-short: libri-dev 2.67 -> 2.00, arabic-dev 11.67 -> 10.83) and one copy of
 * every Arabic keyword with real or synthetic noise at a random SNR (abl-arabic-noise: arabic-dev
 * 11.67 -> 8.61). `npx tsx scripts/train-default.ts --next` trains it.
 * Measured at full length (run next-v4): validation chose the epoch-1 checkpoint by 0.05 points, so
 * the saved model was undertrained and lost. With `--select-from 5` (run next-v5) its last epoch
 * scored 3.61 / 2.00 / 10.28: better on dsp-dev only, so it is not the default.
 * (The previous candidate, 2400 steps with weight averaging, is run next-v3 there: it lost.)
 */
export const NEXT_RECIPE: Omit<TrainOptionsInput, 'data'> = {
  ...DEFAULT_RECIPE,
  speedsByCorpus: { librispeech: [1] },
  augment: { 'arabic-speech-commands': ['noise'] },
  recipe: (DEFAULT_RECIPE.recipe ?? '').replace(
    'speed perturbation 0.9/1.1 as new speakers;',
    'speed perturbation 0.9/1.1 as new speakers for the short-word corpora only; one extra copy of every Arabic keyword with additive noise (real recordings, white or band-limited) at a random SNR;',
  ),
};
