/**
 * Speech selection for embedding and training: src/audio's `detectSpeech` (trims leading and
 * trailing silence, drops long pauses), falling back to the whole signal when it finds under
 * `MIN_SPEECH_SEC` (a too-quiet or too-short take still gets an embedding; the quality report warns
 * the user separately). Training and inference both go through `selectSpeech`, so the model sees
 * the same kind of input in both.
 */
import { detectSpeech } from '../audio/vad';

export const MIN_SPEECH_SEC = 0.3;

export function selectSpeech(samples: Float32Array): Float32Array {
  try {
    const r = detectSpeech(samples);
    return r.speechSec >= MIN_SPEECH_SEC ? r.speech : samples;
  } catch {
    return samples;
  }
}
