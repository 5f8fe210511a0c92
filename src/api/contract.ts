/**
 * The one contract between the UI and the core. Every operation the renderer can ask for is one
 * entry in `contract`: its feature (which main-process module registers it), its request and
 * response schemas, and for long-running jobs the progress and result schemas of the events it
 * streams. The Electron IPC handlers (main/), the preload bridge (main/preload.ts) and the browser
 * bridge (src/bridge/) are all generated from this table, so a new operation is one entry here
 * plus its handler.
 *
 * Audio always travels as bytes (`AudioIn`), never as a path: the renderer cannot make the core
 * read arbitrary files. The only paths accepted are fine-tune data folders the user typed.
 */
import { z } from 'zod';
import { TakeReport } from '../audio/quality';
import { SpeakerSummary } from '../speakers/summary';
import { FinetuneOptionsSchema } from '../train/finetune-options';

// The core's own schemas, composed below; the renderer takes their types from here.
export { TakeReport, SpeakerSummary };

// ---------------------------------------------------------------- shared pieces

/** Largest audio payload accepted in one request (a 10-minute 48 kHz 16-bit stereo WAV is ~110 MB). */
export const MAX_AUDIO_BYTES = 64 * 1024 * 1024;

export const Bytes = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'expected binary data (Uint8Array)' })
  .refine((b) => b.byteLength > 0, 'the file is empty')
  .refine((b) => b.byteLength <= MAX_AUDIO_BYTES, `the file is larger than ${MAX_AUDIO_BYTES / 1024 / 1024} MB`);

/** A recording or dropped file: its bytes and a name used in messages and for the format sniff. */
export const AudioIn = z.object({
  name: z.string().min(1).max(255),
  bytes: Bytes,
});

export const SpeakerName = z
  .string()
  .trim()
  .min(1, 'a speaker name cannot be empty')
  .max(100, 'a speaker name can have at most 100 characters');

/** Cosine-similarity scores and thresholds live in [-1, 1]. */
export const Score = z.number().min(-1).max(1);

const Empty = z.object({}).strict();

export const ModelCard = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string().optional(),
  createdAt: z.string().optional(),
  embeddingDim: z.number().int().optional(),
  trainedOn: z.array(z.string()).optional(),
  /** Headline figures, e.g. `{ "EER libri-dev": 0.071 }`. */
  metrics: z.record(z.string(), z.number()).optional(),
  defaultThreshold: z.number().optional(),
  licence: z.string().optional(),
  credits: z.array(z.string()).optional(),
  /** True for a model with random weights (no training): scores mean nothing. */
  untrained: z.boolean().optional(),
});
export type ModelCard = z.infer<typeof ModelCard>;

export const ModelInfo = z.object({
  id: z.string(),
  dir: z.string(),
  card: ModelCard,
});

const Bounds = z.tuple([z.number(), z.number()]);
/** What calibration scores and a store threshold are: cosines, or a calibrated model's llrs (natural log). */
export const ThresholdScale = z.enum(['cosine', 'llr']);
/** src/eval/store-threshold.ts ThresholdAdvice: the threshold calibration recommends, and why. */
export const ThresholdAdvice = z.object({
  threshold: z.number(),
  prior: z.number(),
  fromTrials: z.number(),
  weight: z.number(),
  gap: Bounds.nullable(),
  targets: z.number().int(),
  nontargets: z.number().int(),
  rates: z.object({ far: z.number(), frr: z.number() }),
  validation: z.array(z.object({ name: z.string(), eer: z.number().optional(), threshold: z.number(), far: Bounds, frr: Bounds })),
  nearDuplicates: z.number().int(),
  needsConfirmation: z.boolean(),
  reasons: z.array(z.string()),
  notes: z.array(z.string()),
});

export const ApiErrorPayload = z.object({
  code: z.string(),
  message: z.string(),
  subject: z.string().optional(),
});
export type ApiErrorPayload = z.infer<typeof ApiErrorPayload>;

export const FinetuneProgress = z.object({
  phase: z.enum(['preparing', 'baseline', 'training', 'evaluating', 'saving']),
  /** 0..1 overall completion. */
  fraction: z.number().min(0).max(1),
  epoch: z.number().int().nonnegative(),
  epochs: z.number().int().positive(),
  step: z.number().int().nonnegative(),
  stepsPerEpoch: z.number().int().nonnegative(),
  loss: z.number().optional(),
  /** Share of mined triplets that still violate the margin (the "active" ones). */
  activeFraction: z.number().min(0).max(1).optional(),
  message: z.string().optional(),
});
export type FinetuneProgress = z.infer<typeof FinetuneProgress>;

export const FinetuneResult = z.object({
  candidateModelId: z.string(),
  eerBefore: z.number().min(0).max(1),
  eerAfter: z.number().min(0).max(1),
  /** Held-out local trials the two EERs rest on. */
  trials: z.number().int().nonnegative(),
  /** The same split by kind, and the score separation before and after (src/train/finetune-verdict.ts). */
  targets: z.number().int().nonnegative().optional(),
  nontargets: z.number().int().nonnegative().optional(),
  separationBefore: z.number().optional(),
  separationAfter: z.number().optional(),
  durationSec: z.number().nonnegative(),
});
export type FinetuneResult = z.infer<typeof FinetuneResult>;

/** One update of a live session: the running score every 0.5 s of speech, and the decision once reached. */
export const LiveUpdate = z.object({
  speechSeconds: z.number().nonnegative(),
  audioSeconds: z.number().nonnegative(),
  /** Verify: the running score against the claimed speaker. Identify: the best candidate's (null when nobody is enrolled). */
  score: z.number().nullable(),
  threshold: z.number(),
  llr: z.number().optional(),
  probability: z.number().min(0).max(1).optional(),
  llrThreshold: z.number().optional(),
  /** Identify: the ranking now, best first, and who is speaking now (null: nobody reaches the threshold). */
  candidates: z.array(z.object({ speaker: z.string(), score: z.number() })).optional(),
  best: z.string().nullable().optional(),
  /** Set from the update where the decision was reached (early or at the end) onwards. */
  decision: z
    .object({ accepted: z.boolean(), decidedAt: z.number().nonnegative(), early: z.boolean(), identified: z.string().nullable().optional() })
    .optional(),
  final: z.boolean(),
});
export type LiveUpdate = z.infer<typeof LiveUpdate>;

export const ModelEntry = z.object({
  id: z.string(),
  card: ModelCard,
  active: z.boolean(),
  /** True for the model shipped with the app (cannot be deleted). */
  builtin: z.boolean(),
  createdAt: z.string().optional(),
});

// ---------------------------------------------------------------- the table

interface CallOp<F extends Feature, Req extends z.ZodType, Res extends z.ZodType> {
  kind: 'call';
  feature: F;
  summary: string;
  request: Req;
  response: Res;
}
interface JobOp<F extends Feature, Req extends z.ZodType, Progress extends z.ZodType, Result extends z.ZodType> {
  kind: 'job';
  feature: F;
  summary: string;
  request: Req;
  /** A job op answers with its id at once; progress and the result arrive as events. */
  response: typeof JobStarted;
  progress: Progress;
  result: Result;
}

export const FEATURES = ['app', 'speakers', 'enroll', 'verify', 'calibrate', 'finetune', 'models'] as const;
export type Feature = (typeof FEATURES)[number];

export const JobStarted = z.object({ jobId: z.string() });

const call = <F extends Feature, Req extends z.ZodType, Res extends z.ZodType>(
  feature: F,
  summary: string,
  request: Req,
  response: Res,
): CallOp<F, Req, Res> => ({ kind: 'call', feature, summary, request, response });

const job = <F extends Feature, Req extends z.ZodType, P extends z.ZodType, R extends z.ZodType>(
  feature: F,
  summary: string,
  request: Req,
  progress: P,
  result: R,
): JobOp<F, Req, P, R> => ({ kind: 'job', feature, summary, request, response: JobStarted, progress, result });

export const contract = {
  // app
  getInfo: call(
    'app',
    'Version, backend, data folder, model in use and enrollment targets.',
    Empty,
    z.object({
      version: z.string(),
      backend: z.string(),
      storeDir: z.string(),
      model: ModelInfo,
      threshold: Score,
      /**
       * Set when verify decides by the calibrated llr (the model has a calibration, the store no cosine
       * threshold): the llr threshold in use, the false-accept rate the model's own was set for, and
       * `fromStore` when the store's calibration replaced the model's threshold.
       */
      calibratedDecision: z.object({ llrThreshold: z.number(), targetFalseAcceptRate: z.number().min(0).max(1), fromStore: z.boolean().optional() }).optional(),
      /** Seconds of speech a profile should have; the enrollment progress bar aims at this. */
      recommendedSpeechSec: z.number().positive(),
      /** Seconds of speech below which enrollment is refused. */
      minSpeechSec: z.number().nonnegative(),
    }),
  ),
  cancelJob: call(
    'app',
    'Cancel a running job; answers whether it was still running.',
    z.object({ jobId: z.string().min(1).max(100) }).strict(),
    z.object({ cancelled: z.boolean() }),
  ),

  // speakers
  listSpeakers: call('speakers', 'The enrolled speakers.', Empty, z.object({ speakers: z.array(SpeakerSummary) })),
  renameSpeaker: call(
    'speakers',
    'Rename a speaker.',
    z.object({ name: SpeakerName, newName: SpeakerName }).strict(),
    z.object({ speaker: SpeakerSummary }),
  ),
  removeSpeaker: call(
    'speakers',
    'Delete a speaker, its embeddings and (purge) its recordings.',
    z.object({ name: SpeakerName, purge: z.boolean().default(true) }).strict(),
    z.object({ removed: z.string() }),
  ),
  exportSpeaker: call(
    'speakers',
    'One profile as a portable file.',
    z.object({ name: SpeakerName }).strict(),
    z.object({ fileName: z.string(), bytes: Bytes }),
  ),
  importSpeaker: call(
    'speakers',
    'Import a profile file made by export.',
    z.object({ name: z.string().min(1).max(255), bytes: Bytes }).strict(),
    z.object({ speaker: SpeakerSummary }),
  ),

  // enroll
  assessTake: call(
    'enroll',
    'Quality feedback for one take, before enrolling it.',
    z.object({ audio: AudioIn }).strict(),
    TakeReport,
  ),
  enroll: call(
    'enroll',
    'Create a speaker (or add to one, with append) from takes.',
    z
      .object({
        name: SpeakerName,
        takes: z.array(AudioIn).min(1, 'record or drop at least one take').max(100),
        append: z.boolean().default(false),
      })
      .strict(),
    z.object({ speaker: SpeakerSummary, takes: z.array(TakeReport), speechSec: z.number().nonnegative() }),
  ),

  // verify
  verify: call(
    'verify',
    'Is this voice the claimed speaker?',
    z.object({ speaker: SpeakerName, audio: AudioIn }).strict(),
    z.object({
      speaker: z.string(),
      score: z.number(),
      threshold: z.number(),
      accepted: z.boolean(),
      /** Calibrated log-likelihood ratio and P(same speaker), when the model is calibrated. */
      llr: z.number().optional(),
      probability: z.number().min(0).max(1).optional(),
      /** The llr the decision needed (the store's, else the model's), when it was made on the llr. */
      llrThreshold: z.number().optional(),
      latencyMs: z.number().nonnegative(),
    }),
  ),
  identify: call(
    'verify',
    'Who among the enrolled speakers is this?',
    z.object({ audio: AudioIn, top: z.number().int().min(1).max(20).default(3) }).strict(),
    z.object({
      candidates: z.array(z.object({ speaker: z.string(), score: z.number(), llr: z.number().optional(), probability: z.number().min(0).max(1).optional() })),
      best: z.string().nullable(),
      threshold: z.number(),
      llrThreshold: z.number().optional(),
      latencyMs: z.number().nonnegative(),
    }),
  ),

  // live verification and identification: a job fed by pushLiveAudio, ended by endLive
  startLive: job(
    'verify',
    'Start scoring microphone audio as it arrives: verify against `speaker`, or identify when it is left out. Feed it with pushLiveAudio, end it with endLive (or cancelJob).',
    z.object({ speaker: SpeakerName.optional(), top: z.number().int().min(1).max(20).default(3) }).strict(),
    LiveUpdate,
    LiveUpdate,
  ),
  pushLiveAudio: call(
    'verify',
    'Add audio to a live session: 16-bit little-endian PCM, 16 kHz mono. Its updates arrive as the job\'s progress events.',
    z.object({ jobId: z.string().min(1).max(100), pcm: Bytes }).strict(),
    z.object({ decided: z.boolean() }),
  ),
  endLive: call(
    'verify',
    'End a live session: the final update (and the decision, if not reached before) arrives as the job\'s result.',
    z.object({ jobId: z.string().min(1).max(100) }).strict(),
    z.object({ ended: z.boolean() }),
  ),

  // calibrate
  calibrate: call(
    'calibrate',
    "Leave-one-out trials over the enrolled speakers' own recordings.",
    Empty,
    z.object({
      targetScores: z.array(z.number()),
      nontargetScores: z.array(z.number()),
      eer: z.number().min(0).max(1),
      eerThreshold: z.number(),
      det: z.array(z.object({ pfa: z.number(), pmiss: z.number() })),
      trials: z.number().int().nonnegative(),
      /** 'llr' when the model is calibrated: the scores, EER threshold and advice are llrs. */
      scale: ThresholdScale,
      advice: ThresholdAdvice,
    }),
  ),
  setThreshold: call(
    'calibrate',
    "Set the accept threshold used by verify and identify: a cosine (default), or with scale 'llr' a calibrated model's llr threshold.",
    z
      .object({ threshold: z.number().finite(), scale: ThresholdScale.default('cosine') })
      .strict()
      .refine((v) => v.scale === 'llr' || (v.threshold >= -1 && v.threshold <= 1), { message: 'a cosine threshold lies between -1 and 1', path: ['threshold'] }),
    z.object({ threshold: z.number(), scale: ThresholdScale }),
  ),

  // finetune
  inspectFolder: call(
    'finetune',
    'Check that a folder is laid out as SPEAKER/*.wav and count what it holds.',
    z.object({ path: z.string().min(1).max(4096) }).strict(),
    z.object({ path: z.string(), speakers: z.number().int(), files: z.number().int(), problems: z.array(z.string()) }),
  ),
  startFinetune: job(
    'finetune',
    "Fine-tune the model in use on local recordings, off the main thread; the result is a candidate model.",
    z
      .object({
        useEnrolled: z.boolean().default(true),
        folders: z.array(z.string().min(1).max(4096)).max(10).default([]),
        // The fine-tune's own defaults and bounds (one owner: src/train/finetune-options.ts).
        epochs: FinetuneOptionsSchema.shape.epochs,
        loss: FinetuneOptionsSchema.shape.loss,
        mining: FinetuneOptionsSchema.shape.mining,
      })
      .strict(),
    FinetuneProgress,
    FinetuneResult,
  ),

  // models
  listModels: call(
    'models',
    'Models on this machine, the one in use flagged.',
    Empty,
    z.object({ models: z.array(ModelEntry), previousId: z.string().nullable() }),
  ),
  useModel: call(
    'models',
    'Switch to a model and re-embed every profile with it.',
    z.object({ id: z.string().min(1).max(200) }).strict(),
    z.object({ model: ModelInfo, reembedded: z.number().int().nonnegative() }),
  ),
  rollbackModel: call(
    'models',
    'Go back to the model used before the last switch, re-embedding the profiles.',
    Empty,
    z.object({ model: ModelInfo, reembedded: z.number().int().nonnegative() }),
  ),
} as const;

// ---------------------------------------------------------------- derived types

export type Contract = typeof contract;
export type OpName = keyof Contract;
export const OP_NAMES = Object.keys(contract) as OpName[];
export type OpsOf<F extends Feature> = { [K in OpName]: Contract[K]['feature'] extends F ? K : never }[OpName];
export type JobOpName = { [K in OpName]: Contract[K] extends { kind: 'job' } ? K : never }[OpName];

/** What a caller passes (defaults may be omitted). */
export type Req<K extends OpName> = z.input<Contract[K]['request']>;
/** What a handler receives after validation (defaults filled in). */
export type ParsedReq<K extends OpName> = z.output<Contract[K]['request']>;
export type Res<K extends OpName> = z.output<Contract[K]['response']>;
export type Progress<K extends JobOpName> = z.output<Contract[K]['progress']>;
export type Result<K extends JobOpName> = z.output<Contract[K]['result']>;

/** Every response crosses the boundary in one of these, so error codes survive any transport. */
export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiErrorPayload };

/** Events streamed for job ops; one channel for all jobs (distributed over the ops, so `op` narrows the rest). */
export type JobEvent<K extends JobOpName = JobOpName> = K extends JobOpName
  ?
      | { jobId: string; op: K; type: 'progress'; progress: Progress<K> }
      | { jobId: string; op: K; type: 'done'; result: Result<K> }
      | { jobId: string; op: K; type: 'failed'; error: ApiErrorPayload }
  : never;

/** The typed object the renderer sees as `window.voxprint`, whatever the transport. */
export type VoxprintApi = { [K in OpName]: (req: Req<K>) => Promise<Res<K>> } & {
  /** Subscribe to job events; returns the unsubscribe function. */
  onJobEvent(listener: (event: JobEvent) => void): () => void;
};

export function isJobOp(op: OpName): op is JobOpName {
  return contract[op].kind === 'job';
}

export function opsOfFeature(feature: Feature): OpName[] {
  return OP_NAMES.filter((k) => contract[k].feature === feature);
}
