/**
 * On-disk formats of the profile store, with runtime schemas. Every file carries a format name
 * and a version; profile files also carry a SHA-256 of their content, so a file that parses but
 * was damaged (or hand-edited) is still caught.
 *
 * Layout of a store folder (STORE_VERSION 2):
 *   store.json                     {format: "voxprint-store", version, createdAt, generation}
 *   settings.json                  {format: "voxprint-settings", version: 1, threshold?, llrThreshold?}
 *   .lock                          writer lock (see lock.ts)
 *   profiles/<id>/profile.json     {format: "voxprint-profile", version: 2, checksum, profile}
 *                                  (profile.others: the same recordings embedded by other models,
 *                                  so switching models back and forth never loses embeddings)
 *   profiles/<id>/rec-<uttId>.wav  the enrolled recordings, 16 kHz mono WAV
 *   trash/<id>-<time>/             profiles removed without --purge
 *   quarantine/<id>-<time>/        profiles found corrupt, with REASON.txt
 */
import { z } from 'zod';
import { MAX_NAME_CHARS } from './names';

export const STORE_FORMAT = 'voxprint-store';
export const PROFILE_FORMAT = 'voxprint-profile';
export const SETTINGS_FORMAT = 'voxprint-settings';
export const EXPORT_FORMAT = 'voxprint-profile-export';

/** The store layout this code writes. Older stores are migrated (migrations.ts); newer ones refused. */
export const STORE_VERSION = 2;

/** Speaker ids are random, never derived from names: 16 lowercase hex digits. */
export const ID_RE = /^[0-9a-f]{16}$/;
/** Utterance ids: 12 lowercase hex digits; their recording is `rec-<id>.wav`. */
export const UTT_ID_RE = /^[0-9a-f]{12}$/;

const iso = z.string().min(1).max(40);
const b64 = z
  .string()
  .max(1_000_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');
const finiteNonNeg = z.number().finite().nonnegative();

export const StoreFileSchema = z.object({
  format: z.literal(STORE_FORMAT),
  version: z.number().int().positive(),
  createdAt: iso,
  generation: z.number().int().nonnegative().default(0),
});
export type StoreFile = z.infer<typeof StoreFileSchema>;

/** An llr threshold beyond this would accept (or refuse) everyone: P(same) within 1e-9 of 0 or 1. */
export const LLR_THRESHOLD_LIMIT = 20;

export const SettingsSchema = z.object({
  format: z.literal(SETTINGS_FORMAT),
  version: z.literal(1),
  /** Overrides the model card's calibrated threshold; absent = use the card's. */
  threshold: z.number().min(-1).max(1).optional(),
  /**
   * A calibrated model's llr threshold set from this store's own trials (`calibrate --apply`); it
   * replaces the model's `decision.llrThreshold`, not its calibration. Models without a
   * calibration ignore it. At most one of the two overrides is set: the last choice wins.
   */
  llrThreshold: z.number().min(-LLR_THRESHOLD_LIMIT).max(LLR_THRESHOLD_LIMIT).optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;
/** What a store threshold is compared with: the cosine, or a calibrated model's llr. */
export type ThresholdScale = 'cosine' | 'llr';

export const UtteranceSchema = z.object({
  id: z.string().regex(UTT_ID_RE),
  /** The original file name, for display only (never used as a path). */
  source: z.string().max(300),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  durationSec: finiteNonNeg,
  speechSec: finiteNonNeg,
  addedAt: iso,
  embedding: b64,
});

/** Most models whose embeddings a profile keeps besides its own (the oldest are dropped first). */
export const MAX_OTHER_MODELS = 8;

/** A profile's recordings embedded by another model: one vector per utterance, in their order. */
export const OtherModelSchema = z.object({
  modelId: z.string().min(1).max(200),
  dim: z.number().int().min(1).max(4096),
  centroid: b64,
  embeddings: z.array(b64).min(1).max(10_000),
});

export const ProfileBodySchema = z.object({
  id: z.string().regex(ID_RE),
  name: z.string().min(1).max(MAX_NAME_CHARS * 2),
  createdAt: iso,
  updatedAt: iso,
  /** The model that made the embeddings; another model's profile is stale until re-embedded. */
  modelId: z.string().min(1).max(200),
  dim: z.number().int().min(1).max(4096),
  centroid: b64,
  utterances: z.array(UtteranceSchema).min(1).max(10_000),
  /**
   * Optional (absent in files written before model versions; readers that predate it ignore it):
   * embeddings of the same utterances by other models, written before a model switch commits.
   */
  others: z.array(OtherModelSchema).max(MAX_OTHER_MODELS).optional(),
});
export type ProfileBody = z.infer<typeof ProfileBodySchema>;

export const ProfileFileSchema = z.object({
  format: z.literal(PROFILE_FORMAT),
  version: z.literal(2),
  /** SHA-256 (hex) of JSON.stringify(profile), exactly as stored. */
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
  profile: z.unknown(),
});

/** Version 1 profiles (pre-release layout): embeddings as JSON arrays, no checksums, no hashes. */
export const ProfileV1Schema = z.object({
  id: z.string().regex(ID_RE),
  name: z.string().min(1),
  createdAt: iso,
  updatedAt: iso,
  modelId: z.string().min(1),
  centroid: z.array(z.number()),
  utterances: z
    .array(
      z.object({
        id: z.string().regex(UTT_ID_RE),
        source: z.string(),
        durationSec: finiteNonNeg,
        speechSec: finiteNonNeg,
        embedding: z.array(z.number()),
      }),
    )
    .min(1),
});
export type ProfileV1 = z.infer<typeof ProfileV1Schema>;

export const ExportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(1),
  exportedAt: iso,
  profile: z.object({
    name: z.string(),
    createdAt: iso,
    updatedAt: iso,
    modelId: z.string().min(1).max(200),
    dim: z.number().int().min(1).max(4096),
    utterances: z
      .array(
        z.object({
          source: z.string().max(300),
          durationSec: finiteNonNeg,
          speechSec: finiteNonNeg,
          addedAt: iso,
          embedding: b64,
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
          wav: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64'),
        }),
      )
      .min(1)
      .max(10_000),
  }),
});
export type ExportFile = z.infer<typeof ExportSchema>;

/** A short description of the first schema problem, for "profile X is corrupt: ..." messages. */
export function describeZodError(e: z.ZodError): string {
  const i = e.issues[0];
  return i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid';
}
