/**
 * Speech selection for embedding and training: src/audio's `detectSpeech` (trims leading and
 * trailing silence, drops long pauses), falling back to the whole signal when it finds under
 * `MIN_SPEECH_SEC` (a too-quiet or too-short take still gets an embedding; the quality report warns
 * the user separately). Training and inference both go through `selectSpeech`, so the model sees
 * the same kind of input in both.
 */
import { detectSpeech, type SpeechResult } from '../audio/vad';
import { DEFAULT_FRONT_END } from '../features/front-end';

/** Less speech than this is no usable speech, here and for enrollment's takes (src/engine.ts). */
export const MIN_SPEECH_SEC = DEFAULT_FRONT_END.speech.minSpeechSec;

export function selectSpeech(samples: Float32Array): Float32Array {
  return selectSpeechWithSeconds(samples).speech;
}

/**
 * `selectSpeech` plus the seconds of speech the VAD found (0 when it found too little and the
 * whole signal is used instead): score calibration takes the speech duration into account.
 * `detected`: detectSpeech(samples) when the caller already ran it.
 */
export function selectSpeechWithSeconds(samples: Float32Array, detected?: SpeechResult): { speech: Float32Array; speechSec: number } {
  // No catch: the VAD never throws for a Float32Array, whatever its length or values (empty,
  // shorter than a frame, NaN), so an error here is a bug to surface, not a take to fall back on.
  const r = detected ?? detectSpeech(samples);
  return r.speechSec >= MIN_SPEECH_SEC ? { speech: r.speech, speechSec: r.speechSec } : { speech: samples, speechSec: 0 };
}
