/**
 * `voxprint.json`: the metadata that travels with a model folder. It names its format and version
 * (so a future reader can refuse what it does not understand), the front end the model was
 * trained with (a mismatch is an error, not silence), the architecture, the training data and their
 * licences, the loss, the measured EERs and the calibrated threshold.
 */
import { z } from 'zod';
import { FrontEndSchema } from '../features/front-end';
import { ArchConfigSchema } from './arch-config';

export const MODEL_FORMAT = 'voxprint-embedder';
export const MODEL_FORMAT_VERSION = 1;

export const DataSourceSchema = z.object({
  name: z.string(),
  speakers: z.number().int().nonnegative(),
  clips: z.number().int().nonnegative(),
  licence: z.string(),
  attribution: z.string(),
});

export const EvalResultSchema = z.object({
  trials: z.string(),
  eer: z.number().min(0).max(1),
  minDcf: z.number().nonnegative(),
  eerThreshold: z.number(),
  /** Baseline EERs on the same list, for context. */
  baselines: z.record(z.string(), z.number()).optional(),
});

export const ModelCardSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.literal(MODEL_FORMAT_VERSION),
  /** Unique id of this model (speaker profiles record it, to re-embed after a model change). */
  id: z.string().min(1),
  createdAt: z.string(),
  /** The full feature configuration (src/features FeatureConfig) and its key. */
  featureConfig: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
  featureConfigKey: z.string(),
  /**
   * The whole front end (sample rate, VAD and speech settings, MFCCs; src/features/front-end.ts).
   * Absent from cards written before it existed: src/model/front-end-check.ts derives theirs.
   */
  frontEnd: FrontEndSchema.optional(),
  architecture: ArchConfigSchema,
  params: z.number().int().nonnegative(),
  training: z.object({
    data: z.array(DataSourceSchema),
    loss: z.string(),
    mining: z.string(),
    margin: z.number().optional(),
    temperature: z.number().optional(),
    steps: z.number().int().nonnegative(),
    seconds: z.number().nonnegative(),
    seed: z.number().int().optional(),
    recipe: z.string(),
    options: z.record(z.string(), z.unknown()).optional(),
  }),
  /** Measured results, keyed by list name (e.g. 'dsp-dev', 'validation'). */
  evaluation: z.record(z.string(), EvalResultSchema),
  threshold: z.object({
    /** Cosine score at or above which verify accepts. */
    value: z.number(),
    method: z.string(),
  }),
  /** The model this one was fine-tuned from, or null for a model trained from scratch. */
  parent: z.string().nullable(),
});
export type ModelCard = z.infer<typeof ModelCardSchema>;
export type DataSource = z.infer<typeof DataSourceSchema>;
export type EvalResult = z.infer<typeof EvalResultSchema>;
