/**
 * A model's front end (src/features/front-end.ts): the one its card records, its stable key, and
 * the check that this code computes the same front end before the model is used.
 */
import { ModelError } from '../errors';
import { DEFAULT_FRONT_END, FeatureConfigSchema, MFCC_ALGORITHM, type FeatureConfig, type FrontEnd } from '../features/front-end';
import { featureConfigKey } from '../features/mfcc';
import type { ModelCard } from './card';

/** The code's front end computing MFCCs with `mfcc` (the only part a caller may choose). */
export function frontEndWith(mfcc: FeatureConfig = DEFAULT_FRONT_END.mfcc): FrontEnd {
  return { ...DEFAULT_FRONT_END, mfcc: { ...mfcc } };
}

/**
 * The two halves of the front end's key: the MFCC key and the speech selection's (sample rate,
 * VAD version and settings, minimum speech), in a fixed field order.
 */
export function frontEndKeyParts(fe: FrontEnd): { features: string; speech: string } {
  const v = fe.vad;
  // featureConfigKey names this code's MFCC algorithm first; a front end records its own.
  const features = fe.mfccAlgorithm + featureConfigKey(fe.mfcc).slice(MFCC_ALGORITHM.length);
  const speech = JSON.stringify({
    vadVersion: v.version,
    sampleRate: fe.sampleRate,
    maxPauseMs: v.maxPauseMs,
    minSegmentMs: v.minSegmentMs,
    padMs: v.padMs,
    absoluteFloorDb: v.absoluteFloorDb,
    minMarginDb: v.minMarginDb,
    frameMs: v.frameMs,
    smoothFrames: v.smoothFrames,
    localWindowFrames: v.localWindowFrames,
    minSpeechSec: fe.speech.minSpeechSec,
  });
  return { features, speech };
}

/** A stable string naming every setting of the front end: equal keys, equal model inputs. */
export function frontEndKey(fe: FrontEnd): string {
  const { features, speech } = frontEndKeyParts(fe);
  return `${features}|${speech}`;
}

/**
 * The front end a card records. Cards written before `frontEnd` existed record only the MFCC
 * settings and their key; their models were trained with VAD version 1 and 0.3 s of minimum speech,
 * which is what DEFAULT_FRONT_END still holds (pin those values here if the defaults ever change).
 * Throws ModelError MODEL_FORMAT when the card's MFCC settings are not a valid configuration.
 */
export function cardFrontEnd(card: ModelCard, where: string): FrontEnd {
  if (card.frontEnd) return card.frontEnd;
  const mfcc = FeatureConfigSchema.safeParse(card.featureConfig);
  if (!mfcc.success) {
    throw new ModelError('MODEL_FORMAT', `${where} has an invalid featureConfig: ${mfcc.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}. Re-train or re-copy the model folder.`, {
      subject: where,
    });
  }
  return { ...DEFAULT_FRONT_END, sampleRate: mfcc.data.sampleRate, mfccAlgorithm: card.featureConfigKey.split(':')[0], mfcc: mfcc.data };
}

/** "PATH is MODEL in the model, CODE here" for every leaf that differs, in a stable order. */
export function frontEndDifferences(model: unknown, code: unknown, path = ''): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, at: string) => {
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      for (const k of keys) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
    } else if (a !== b) out.push(`${at} is ${JSON.stringify(a)} in the model, ${JSON.stringify(b)} here`);
  };
  walk(model, code, path);
  return out;
}

/**
 * Throws ModelError MODEL_MISMATCH, naming each setting that differs, when the model in `dir` was
 * trained with another front end than `code`. The card's older fields (featureConfig and its key)
 * are held to the same front end, so a card whose fields disagree is refused too.
 */
export function checkFrontEnd(dir: string, card: ModelCard, code: FrontEnd): void {
  const diff = frontEndDifferences(cardFrontEnd(card, dir), code);
  if (card.frontEnd) diff.push(...frontEndDifferences(card.featureConfig, code.mfcc, 'featureConfig'));
  const codeKey = frontEndKeyParts(code).features;
  if (card.featureConfigKey !== codeKey) diff.push(`featureConfigKey is "${card.featureConfigKey}" in the model, "${codeKey}" here`);
  if (diff.length) {
    throw new ModelError(
      'MODEL_MISMATCH',
      `The model in ${dir} was trained with another front end than this voxprint computes (${[...new Set(diff)].join('; ')}). ` +
        'Its embeddings would be meaningless: use a model trained with this version (`npm run train:default`).',
      { subject: dir },
    );
  }
}
