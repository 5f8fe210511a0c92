/**
 * How much speech a reliable decision needs, for the app's hint. From the libri-dev curve of
 * docs/results/speech-length.md (`npm run experiment:speech-length`): the shortest test length
 * whose EER is within 1 point of the full-length EER. Update these when that page changes.
 */
export const SPEECH_LENGTH_GUIDE = {
  reliableSpeechSec: 2,
  eerAtReliable: 0.0133,
  eerFull: 0.0167,
  eerAtHalfSecond: 0.0933,
  list: 'libri-dev',
} as const;
