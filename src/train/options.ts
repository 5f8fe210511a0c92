/**
 * Training options (the `voxprint train` flags), validated with zod so the CLI, the app and the
 * worker share one definition and one set of defaults.
 */
import { z } from 'zod';
import { ArchConfigSchema } from '../model/arch-config';
import { ChannelAug, LossName, MiningName } from './vocab';

export const TrainOptionsSchema = z.object({
  /** Data folder: the shared corpus folder (with `splits`) or DIR/SPEAKER/*.wav. */
  data: z.string(),
  splits: z.string().optional(),
  /** Where to save the trained model; omitted = do not save (experiments). */
  out: z.string().optional(),
  cacheDir: z.string().default('.cache'),
  loss: LossName.default('triplet'),
  mining: MiningName.default('semihard'),
  margin: z.number().positive().default(0.2),
  temperature: z.number().positive().default(0.07),
  /** Speakers per batch and utterances (crops) per speaker. */
  p: z.number().int().min(2).default(48),
  k: z.number().int().min(2).default(4),
  /** Total optimisation steps; an epoch is `stepsPerEpoch` steps (validation and checkpoint each epoch). */
  epochs: z.number().int().positive().default(20),
  stepsPerEpoch: z.number().int().positive().default(100),
  lr: z.number().positive().default(2e-3),
  /** Cosine decay from lr to lr * minLrFraction after a linear warm-up. */
  minLrFraction: z.number().min(0).max(1).default(0.05),
  warmupSteps: z.number().int().nonnegative().default(100),
  seed: z.number().int().default(1),
  /** Wall-clock safety limit (seconds, features included): past it the current epoch ends early, is validated, and training stops (0 = none). Seeded runs are reproducible when it is not hit. */
  maxSeconds: z.number().nonnegative().default(0),
  /**
   * > 0: from this epoch on, the weights at the end of every epoch are averaged (stochastic weight
   * averaging over the tail of the cosine schedule); at the end the average is validated and kept
   * when its validation EER is at most the best single checkpoint's. 0 = off.
   */
  averageFrom: z.number().int().nonnegative().default(0),
  /**
   * Only checkpoints from this epoch on can become the model (earlier epochs are still validated
   * and reported). A small validation set can crown an undertrained early checkpoint by noise.
   */
  selectFrom: z.number().int().positive().default(1),
  /**
   * Stop after this epoch while keeping the learning-rate schedule of `epochs` (what a run cut
   * short by `maxSeconds` did, made reproducible).
   */
  stopAfterEpoch: z.number().int().positive().optional(),
  /** Stop after this many epochs without a better validation EER. */
  patience: z.number().int().positive().default(6),
  /** Speed-perturbation factors; each factor other than 1 makes new speakers. */
  speeds: z.array(z.number().positive()).default([0.9, 1, 1.1]),
  /** Per-corpus speed factors that replace `speeds` for that corpus (augmentation as a per-domain choice). */
  speedsByCorpus: z.record(z.string(), z.array(z.number().positive()).min(1)).default({}),
  /** Channel augmentations per corpus (each adds one augmented copy of every file). */
  augment: z.record(z.string(), z.array(ChannelAug)).default({}),
  /** Share of each batch's speakers per corpus; unlisted corpora share the rest equally. */
  quotas: z.record(z.string(), z.number().nonnegative()).default({}),
  shortCrop: z.tuple([z.number().int().positive(), z.number().int().positive()]).default([50, 150]),
  longCrop: z.tuple([z.number().int().positive(), z.number().int().positive()]).default([100, 300]),
  /** Multi-clip crops are split into this many length groups (one forward pass each). */
  shortGroups: z.number().int().positive().default(1),
  /** Validation speakers carved out of each corpus's train speakers. */
  valSpeakers: z.record(z.string(), z.number().int().nonnegative()).default({ dspspeech20: 3, 'arabic-speech-commands': 4, librispeech: 25 }),
  /** Fraction of speakers used for validation in corpora not listed in valSpeakers. */
  valFraction: z.number().min(0).max(0.5).default(0.1),
  arch: ArchConfigSchema.partial().default({}),
  /** Seed of the validation-speaker choice, fixed so that runs with other seeds stay comparable. */
  valSeed: z.number().int().default(12345),
  /** Free text for the model card. */
  recipe: z.string().default(''),
});
export type TrainOptions = z.infer<typeof TrainOptionsSchema>;
export type TrainOptionsInput = z.input<typeof TrainOptionsSchema>;
