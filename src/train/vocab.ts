/**
 * The names `voxprint train`, `voxprint finetune` and the app's fine-tune request choose from:
 * one schema each, whose `.options` are the CLI's choice lists. Kept apart from the option schemas
 * (./options, ./finetune-options) so the CLI's command table builds these few enums, not those.
 */
import { z } from 'zod';

export const LossName = z.enum(['triplet', 'contrastive', 'npair', 'infonce']);
export type LossName = z.infer<typeof LossName>;

/** semihard is FaceNet's semi-hard mining (src/metric's 'tfa-semihard'); the rest as src/metric names them. */
export const MiningName = z.enum(['semihard', 'hard', 'batch-hard', 'all', 'random']);
export type MiningName = z.infer<typeof MiningName>;

/** Channel augmentations (src/train/augment.ts); each adds one augmented copy of every file. */
export const ChannelAug = z.enum(['noise', 'telephone', 'clip']);
export type ChannelAug = z.infer<typeof ChannelAug>;

/** 'frame': fine-tuning keeps the frame-level (TDNN) layers as they are. */
export const FreezeMode = z.enum(['none', 'frame']);

/** When a fine-tuned version becomes the one in use: auto = only if its held-out EER did not get worse. */
export const KeepPolicy = z.enum(['auto', 'always', 'never']);
export type KeepPolicy = z.infer<typeof KeepPolicy>;
