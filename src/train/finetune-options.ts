/**
 * Fine-tune options (the `voxprint finetune` flags and the app's request), validated with zod so
 * every caller shares one set of defaults. The defaults are a gentle adaptation: a learning rate
 * ten times below training's, a few short epochs, semi-hard triplets, three quarters of every
 * batch replayed from the original training speakers when they are on this computer, and an L2-SP
 * pull towards the parent's weights.
 */
import { z } from 'zod';
import { ChannelAug, FreezeMode, KeepPolicy, LossName, MiningName } from './vocab';

export const FinetuneOptionsSchema = z.object({
  /** Profile store: its enrolled speakers are data (with useEnrolled), its registry gets the new version. */
  storeDir: z.string().optional(),
  useEnrolled: z.boolean().default(true),
  /** Extra folders laid out as DIR/SPEAKER/*.{wav,flac,mp3,ogg}; a folder named like an enrolled speaker is that speaker. */
  data: z.array(z.string().min(1)).default([]),
  /** The model to start from; default the store's model in use (else the built-in one). */
  modelDir: z.string().optional(),
  /** The built-in model folder (default VOXPRINT_MODEL, else models/default). */
  builtinDir: z.string().optional(),
  /** Where to write the new version; default STORE/models/<versionId>. */
  out: z.string().optional(),
  versionId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/).optional(),
  /** auto: make the new version the one in use only if the held-out EER did not get worse. */
  keep: KeepPolicy.default('auto'),
  loss: LossName.default('triplet'),
  mining: MiningName.default('semihard'),
  margin: z.number().positive().default(0.2),
  temperature: z.number().positive().default(0.07),
  /**
   * 5: with voxprint-default-v4 the fine-tunes of the experiment's households stopped by patience
   * after 4-5 epochs anyway, and a household's fine-tune then fits the minute it should take.
   */
  epochs: z.number().int().min(1).max(200).default(5),
  /** Steps per epoch; 0 = about one pass over the local recordings (20 to 40 steps). */
  stepsPerEpoch: z.number().int().nonnegative().default(0),
  /** Speakers per batch (local and replayed together) and crops per speaker. */
  p: z.number().int().min(2).default(16),
  k: z.number().int().min(2).default(4),
  lr: z.number().positive().default(2e-4),
  minLrFraction: z.number().min(0).max(1).default(0.1),
  warmupSteps: z.number().int().nonnegative().default(5),
  /**
   * L2-SP: adds anchor * sum((w - w_parent)^2) over the trained weights to the loss, so the model
   * stays near its parent (less forgetting of the original domain). 0 = off. With
   * voxprint-default-v4 and households of train speakers (`npm run experiment:finetune -- --pool
   * train --seeds 1,2`), 0.01 raised arabic-dev by up to 1.67 points (over the 1-point limit), 0.1 by
   * 1.11, and 0.5 by at most 0.28 for an in-domain gain of 0.42 / 0.00 points (0.42 / 0.42 with 0.1).
   */
  anchor: z.number().nonnegative().default(0.5),
  /** 'frame': keep the frame-level (TDNN) layers as they are and adapt only what follows the pooling. */
  freeze: FreezeMode.default('none'),
  /** Speed perturbation of the local recordings (each factor other than 1 makes new speakers). */
  speeds: z.array(z.number().positive()).min(1).default([0.9, 1, 1.1]),
  /** Channel augmentations of the local recordings (each adds one augmented copy of each). */
  augment: z.array(ChannelAug).default([]),
  /** Share of each speaker's recordings held out to measure the EER (speakers with 4 or more). */
  heldOutFraction: z.number().min(0.1).max(0.5).default(0.3),
  /** Stop after this many epochs without a better held-out EER. */
  patience: z.number().int().positive().default(4),
  seed: z.number().int().default(1),
  /** Mix the original training speakers into every batch when the model card says where they are. */
  replay: z.boolean().default(true),
  /** Where the original training data is (default: looked for as ../shared/data). */
  replayData: z.string().optional(),
  /** Share of each batch's speakers taken from the replay (0.75 forgot least in docs/results/finetune.md's tuning). */
  replayShare: z.number().min(0).max(0.9).default(0.75),
  replaySpeakersPerCorpus: z.number().int().positive().default(40),
  replayClipsPerSpeaker: z.number().int().positive().default(12),
  /** Feature cache for the replayed corpus (default: VOXPRINT_CACHE, else the per-user cache folder). */
  cacheDir: z.string().optional(),
  shortCrop: z.tuple([z.number().int().positive(), z.number().int().positive()]).default([50, 150]),
  longCrop: z.tuple([z.number().int().positive(), z.number().int().positive()]).default([100, 300]),
});
export type FinetuneOptions = z.infer<typeof FinetuneOptionsSchema>;
export type FinetuneOptionsInput = z.input<typeof FinetuneOptionsSchema>;
