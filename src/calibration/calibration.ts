/**
 * Score calibration that travels with a model: turns a cosine score into a log-likelihood ratio
 * (llr, natural log) that takes into account what duration and channel do to cosines.
 *
 * For a trial (enrollment centroid e with `speechEnroll` seconds, test embedding t with
 * `speechTest` seconds) the inputs are the cosine, the mean of each side's top-k cosines against a
 * cohort of training speakers (recorded clean and through a simulated telephone channel, so that a
 * side whose channel makes every voice look alike is recognised by its high cohort similarity, as
 * in adaptive score normalisation), and the log speech durations. A linear logistic regression
 * fitted on held-out train speakers (scripts/calibrate-model.ts) maps them to the llr. The default
 * decision is llr >= `decision.llrThreshold`, chosen on those trials for a stated false-accept rate.
 *
 * Files in the model folder: `calibration.json` (this schema) and `cohort.bin` (the cohort,
 * little-endian float32 `[size, dim]`, rows L2-normalised).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ModelError } from '../errors';
import { llrToProbability } from './metrics';
import { CentroidIndex, cosine } from '../speakers/scoring';

export const CALIBRATION_FORMAT = 'voxprint-calibration';
export const CALIBRATION_VERSION = 1;
export const CALIBRATION_FILE = 'calibration.json';
export const COHORT_FILE = 'cohort.bin';

export const CalibrationFeatureSchema = z.enum(['cosine', 'cohortEnroll', 'cohortTest', 'logSpeechEnroll', 'logSpeechTest', 'cosineLogSpeechMin']);
export type CalibrationFeature = z.infer<typeof CalibrationFeatureSchema>;

export const CalibrationSchema = z.object({
  format: z.literal(CALIBRATION_FORMAT),
  version: z.literal(CALIBRATION_VERSION),
  /** The model whose embeddings this calibration (and its cohort) belongs to. */
  modelId: z.string(),
  /**
   * Set on a fine-tuned model's copy of its parent's calibration: the fit and the cohort's
   * embeddings are the parent's (`parent`), first fitted for `fittedFor` (the cohort audio is not
   * shipped, so they cannot be re-embedded); docs/results/finetune.md measures what that costs.
   */
  inheritedFrom: z.object({ parent: z.string(), fittedFor: z.string() }).optional(),
  features: z.array(CalibrationFeatureSchema).min(1),
  weights: z.array(z.number()),
  bias: z.number(),
  /** The cosine alone through an affine map fitted on the same trials: the reference that the quality measures must beat. */
  cosineOnly: z.object({ weight: z.number(), bias: z.number() }),
  /**
   * The seconds of speech the fit saw on each side: inputs are clamped to them, so that the
   * duration terms never extrapolate (a minute-long live stream must not read as a new condition).
   */
  speechRange: z.object({ enroll: z.tuple([z.number(), z.number()]), test: z.tuple([z.number(), z.number()]) }).optional(),
  cohort: z.object({ size: z.number().int().positive(), dim: z.number().int().positive(), topK: z.number().int().positive(), description: z.string() }),
  decision: z.object({
    /** Accept when llr >= this. */
    llrThreshold: z.number(),
    /** The false-accept rate the threshold was chosen for, on the fit's trials. */
    targetFalseAcceptRate: z.number().min(0).max(1),
    method: z.string(),
  }),
  /** What the fit saw and how it did there (for the model card and `voxprint --version`). */
  fit: z.object({
    trials: z.number().int().nonnegative(),
    targets: z.number().int().nonnegative(),
    speakers: z.number().int().nonnegative(),
    conditions: z.array(z.string()),
    cllr: z.number(),
    minCllr: z.number(),
    falseAcceptRate: z.number(),
    falseRejectRate: z.number(),
  }),
});
export type CalibrationData = z.infer<typeof CalibrationSchema>;

/** One side of a trial: an L2-normalised embedding and the seconds of speech behind it. */
export interface TrialSide {
  embedding: Float32Array;
  speechSec: number;
}

export interface CalibratedScore {
  cosine: number;
  /** Natural-log likelihood ratio: > 0 favours "same speaker". */
  llr: number;
  /** P(same speaker) at even prior odds: 1 / (1 + e^-llr). */
  probability: number;
}

/** Speech durations are clamped so that a 0 s side or an hour-long one cannot dominate the llr. */
const logSpeech = (s: number) => Math.log(Math.min(120, Math.max(0.1, s)));

/** Mean of the `k` largest values. */
export function topKMean(scores: Float32Array, k: number): number {
  const n = Math.min(k, scores.length);
  const sorted = Float32Array.from(scores).sort();
  let s = 0;
  for (let i = sorted.length - n; i < sorted.length; i++) s += sorted[i];
  return s / n;
}

/** The feature vector of one trial, in the order of `names`. */
export function trialFeatures(names: readonly CalibrationFeature[], f: TrialMeasures): number[] {
  return names.map((n) => {
    switch (n) {
      case 'cosine':
        return f.cosine;
      case 'cohortEnroll':
        return f.cohortEnroll;
      case 'cohortTest':
        return f.cohortTest;
      case 'logSpeechEnroll':
        return logSpeech(f.speechEnroll);
      case 'logSpeechTest':
        return logSpeech(f.speechTest);
      case 'cosineLogSpeechMin':
        return f.cosine * logSpeech(Math.min(f.speechEnroll, f.speechTest));
    }
  });
}

/** The measures of one trial that a calibration weighs. */
export interface TrialMeasures {
  cosine: number;
  cohortEnroll: number;
  cohortTest: number;
  speechEnroll: number;
  speechTest: number;
}

/** bias + weights . features(m): the one place a calibration's linear map is applied (fit and use). */
export function linearLlr(c: { features: readonly CalibrationFeature[]; weights: readonly number[]; bias: number }, m: TrialMeasures): number {
  const x = trialFeatures(c.features, m);
  let z = c.bias;
  for (let i = 0; i < x.length; i++) z += c.weights[i] * x[i];
  return z;
}

export class ScoreCalibration {
  private readonly index: CentroidIndex;

  constructor(
    readonly data: CalibrationData,
    cohort: Float32Array,
  ) {
    const { size, dim } = data.cohort;
    if (cohort.length !== size * dim) throw new ModelError('MODEL_FORMAT', `The calibration cohort has ${cohort.length} values, not ${size} x ${dim}. Re-run scripts/calibrate-model.ts for this model.`);
    if (data.weights.length !== data.features.length) throw new ModelError('MODEL_FORMAT', 'The calibration has a different number of weights and features. Re-run scripts/calibrate-model.ts.');
    const entries = Array.from({ length: size }, (_, i) => ({ id: String(i), name: String(i), centroid: cohort.subarray(i * dim, (i + 1) * dim) }));
    this.index = new CentroidIndex(entries, dim);
  }

  get dim(): number {
    return this.data.cohort.dim;
  }

  get llrThreshold(): number {
    return this.data.decision.llrThreshold;
  }

  /** Mean top-k cosine of one embedding against the cohort (cache it per enrollment). */
  cohortMean(v: Float32Array): number {
    return topKMean(this.index.scores(v), this.data.cohort.topK);
  }

  /** The llr of already computed trial measures (speech durations clamped to the fit's range). */
  llrOf(f: TrialMeasures): number {
    const r = this.data.speechRange;
    const clamp = (v: number, [lo, hi]: [number, number]) => Math.min(hi, Math.max(lo, v));
    return linearLlr(this.data, r ? { ...f, speechEnroll: clamp(f.speechEnroll, r.enroll), speechTest: clamp(f.speechTest, r.test) } : f);
  }
}

export interface CalibratedDecision extends CalibratedScore {
  /**
   * The cosine at which this trial's llr would equal the llr threshold: with the durations and
   * cohort similarities fixed, the llr rises linearly with the cosine, so "llr >= threshold" and
   * "cosine >= cosineThreshold" are the same decision.
   */
  cosineThreshold: number;
  accepted: boolean;
}

/**
 * The calibrated decision of one trial. `cohort` takes a side's cohort similarity when the caller
 * has it already (identify scores one test against several speakers).
 */
export function decideCalibrated(
  cal: ScoreCalibration,
  enroll: TrialSide,
  test: TrialSide,
  llrThreshold: number,
  cohort: { enroll?: number; test?: number } = {},
): CalibratedDecision {
  const c = cosine(enroll.embedding, test.embedding);
  const m = {
    cohortEnroll: cohort.enroll ?? cal.cohortMean(enroll.embedding),
    cohortTest: cohort.test ?? cal.cohortMean(test.embedding),
    speechEnroll: enroll.speechSec,
    speechTest: test.speechSec,
  };
  const llr = cal.llrOf({ ...m, cosine: c });
  const at0 = cal.llrOf({ ...m, cosine: 0 });
  const slope = cal.llrOf({ ...m, cosine: 1 }) - at0;
  return {
    cosine: c,
    llr,
    probability: llrToProbability(llr),
    cosineThreshold: slope > 0 ? (llrThreshold - at0) / slope : NaN,
    accepted: llr >= llrThreshold,
  };
}

/**
 * The files that give a model fine-tuned from the model in `parentDir` its parent's calibration
 * (calibration.json re-labelled for `childId`, cohort.bin copied), or {} when the parent has none
 * of its own. Throws ModelError MODEL_FORMAT when the parent's files are damaged.
 */
export function inheritedCalibrationFiles(parentDir: string, parent: { id: string; dim: number }, childId: string): Record<string, string | Uint8Array> {
  const cal = loadCalibration(parentDir, parent);
  if (!cal) return {};
  const data: CalibrationData = { ...cal.data, modelId: childId, inheritedFrom: { parent: parent.id, fittedFor: cal.data.inheritedFrom?.fittedFor ?? parent.id } };
  return { [CALIBRATION_FILE]: JSON.stringify(data, null, 2) + '\n', [COHORT_FILE]: readFileSync(join(parentDir, COHORT_FILE)) };
}

/**
 * The scored decision of one trial made on the calibrated llr, in the shape verify answers and
 * every live update carries: the cosine, the cosine this trial had to reach, the llr against
 * `llrThreshold`, and the probability.
 */
export function calibratedScore(
  cal: ScoreCalibration,
  enroll: TrialSide,
  test: TrialSide,
  llrThreshold: number,
  cohort: { enroll?: number; test?: number } = {},
): { score: number; threshold: number; accepted: boolean; llr: number; probability: number; llrThreshold: number } {
  const d = decideCalibrated(cal, enroll, test, llrThreshold, cohort);
  return { score: d.cosine, threshold: d.cosineThreshold, accepted: d.accepted, llr: d.llr, probability: d.probability, llrThreshold };
}

export { llrToProbability };

/**
 * Loads the calibration of the model in `dir`, or undefined when the folder has none (models from
 * before calibration, fine-tuned models of a parent that had none) or it belongs to another model. Throws ModelError
 * MODEL_FORMAT when the files exist but are damaged or belong to another model.
 */
export function loadCalibration(dir: string, model: { id: string; dim: number }): ScoreCalibration | undefined {
  const file = join(dir, CALIBRATION_FILE);
  if (!existsSync(file)) return undefined;
  let data: CalibrationData;
  try {
    data = CalibrationSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (e) {
    throw new ModelError('MODEL_FORMAT', `${file} is not a valid score calibration (${(e as Error).message.split('\n')[0]}). Re-run scripts/calibrate-model.ts for this model, or delete the file to score by cosine.`);
  }
  if (data.modelId !== model.id || data.cohort.dim !== model.dim) return undefined;
  const buf = readFileSync(join(dir, COHORT_FILE));
  const cohort = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return new ScoreCalibration(data, cohort);
}
