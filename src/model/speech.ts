/**
 * Speech selection for embedding and training: src/audio's `detectSpeech` (trims leading and
 * trailing silence, drops long pauses), falling back to the whole signal when it finds under
 * `MIN_SPEECH_SEC` (a too-quiet or too-short take still gets an embedding; the quality report warns
 * the user separately). Training and inference both go through `selectSpeech`, so the model sees
 * the same kind of input in both.
 */
import { detectSpeech, VAD_DEFAULTS, VAD_VERSION, type SpeechResult } from '../audio/vad';

export const MIN_SPEECH_SEC = 0.3;

/**
 * Everything that decides which samples `selectSpeech` keeps, as one string: part of the feature
 * cache's key (src/train/cache.ts), so a change to the VAD settings, the fallback, or a bumped
 * VAD_VERSION never reuses stale features. A constant, so the CLI bundle computes it too.
 */
export function speechSettingsKey(): string {
  return JSON.stringify({ vadVersion: VAD_VERSION, ...VAD_DEFAULTS, minSpeechSec: MIN_SPEECH_SEC });
}

export function selectSpeech(samples: Float32Array): Float32Array {
  return selectSpeechWithSeconds(samples).speech;
}

/**
 * `selectSpeech` plus the seconds of speech the VAD found (0 when it found too little and the
 * whole signal is used instead): score calibration takes the speech duration into account.
 * `detected`: detectSpeech(samples) when the caller already ran it.
 */
export function selectSpeechWithSeconds(samples: Float32Array, detected?: SpeechResult): { speech: Float32Array; speechSec: number } {
  let r: SpeechResult;
  try {
    r = detected ?? detectSpeech(samples);
  } catch {
    return { speech: samples, speechSec: 0 };
  }
  return r.speechSec >= MIN_SPEECH_SEC ? { speech: r.speech, speechSec: r.speechSec } : { speech: samples, speechSec: 0 };
}
