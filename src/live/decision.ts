/**
 * The sequential early-decision rule of live verification.
 *
 * After at least MIN_SPEECH_SEC of speech, the running score decides early once it is clear of the
 * threshold by a margin that shrinks with the speech heard: accept when score >= t + m(T), reject
 * when score <= t - m(T), with m(T) = MARGIN_AT_1S * sqrt(1 s / T). The margin follows the
 * spread of a mean over T seconds (it falls as 1/sqrt(T)). The constants were fixed before
 * measuring and are not tuned on the dev lists; the error rates this rule gives there are
 * printed by `npm run experiment:speech-length` and quoted in docs/results/speech-length.md.
 * Without an early decision, the final score decides against the threshold alone.
 */
import { SPEECH_LENGTH_GUIDE } from './guidance';
/**
 * No early decision before the speech a reliable decision needs (src/live/guidance.ts): with
 * calibrated scores the first second of a microphone stream scores too low to reject on.
 */
export const EARLY_MIN_SPEECH_SEC = SPEECH_LENGTH_GUIDE.reliableSpeechSec;
export const MARGIN_AT_1S = 0.15;

export interface EarlyRule {
  minSpeechSec: number;
  marginAt1s: number;
}

export const DEFAULT_EARLY_RULE: EarlyRule = { minSpeechSec: EARLY_MIN_SPEECH_SEC, marginAt1s: MARGIN_AT_1S };

/** The margin the score must clear after `speechSec` of speech (Infinity before the minimum). */
export function earlyMargin(speechSec: number, rule: EarlyRule = DEFAULT_EARLY_RULE): number {
  if (speechSec < rule.minSpeechSec) return Infinity;
  return rule.marginAt1s / Math.sqrt(speechSec);
}

/** 'accept' / 'reject' when the evidence allows an early decision, else null. */
export function earlyDecision(score: number, threshold: number, speechSec: number, rule: EarlyRule = DEFAULT_EARLY_RULE): 'accept' | 'reject' | null {
  const m = earlyMargin(speechSec, rule);
  if (score >= threshold + m) return 'accept';
  if (score <= threshold - m) return 'reject';
  return null;
}
