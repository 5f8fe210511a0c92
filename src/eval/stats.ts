/**
 * Per-utterance MFCC statistics for the classic baselines: speech selection, MFCCs with the
 * default feature settings (no mean normalisation, or the means would be zero), then the mean and
 * standard deviation of every coefficient over the speech frames: a [2 * numCoeffs] vector.
 */
import { computeMfcc, DEFAULT_FEATURE_CONFIG, type FeatureConfig, type Features } from '../features/mfcc';
import { utteranceStats } from '../model/preprocess';
import { detectSpeech } from '../audio/vad';
import { MIN_SPEECH_SEC } from '../model/speech';

/** MFCCs of the speech in `samples` (16 kHz mono); the whole signal when too little is detected. */
export function speechMfcc(samples: Float32Array, cfg: FeatureConfig = DEFAULT_FEATURE_CONFIG): Features {
  let speech = detectSpeech(samples, { sampleRate: cfg.sampleRate }).speech;
  if (speech.length < MIN_SPEECH_SEC * cfg.sampleRate) speech = samples;
  return computeMfcc(speech, cfg);
}

/** [mean(c_0..c_{C-1}), std(c_0..c_{C-1})] over frames [start, end) (the LDA baseline's input). */
export function mfccStats(f: Features, start = 0, end = f.numFrames): Float32Array {
  return utteranceStats(f, start, end);
}

/**
 * Splits a long utterance's frames into chunks of about `chunkFrames` (the last one absorbs a
 * remainder shorter than half a chunk), so a speaker with one long recording still gives LDA
 * several samples of within-speaker variation.
 */
export function chunkStats(f: Features, chunkFrames: number): Float32Array[] {
  const n = f.numFrames;
  if (n < 2 * chunkFrames) return [mfccStats(f)];
  const k = Math.floor(n / chunkFrames);
  const out: Float32Array[] = [];
  for (let i = 0; i < k; i++) out.push(mfccStats(f, i * chunkFrames, i === k - 1 ? n : (i + 1) * chunkFrames));
  return out;
}

/**
 * The mfcc-stats baseline vector: mean and std of c1..c{C-1}. c0 is left out because it is the
 * frame log-energy: it measures loudness and microphone distance, not the voice, and under cosine
 * scoring its large values would swamp the other coefficients. (Measured on the dev lists with
 * c0 kept: 18.1 / 11.7 / 20.6% EER on dsp / libri / arabic; without: see README.)
 */
export function mfccStatsNoC0(f: Features): Float32Array {
  const s = mfccStats(f);
  const c = f.numCoeffs;
  const out = new Float32Array(2 * (c - 1));
  out.set(s.subarray(1, c), 0);
  out.set(s.subarray(c + 1, 2 * c), c - 1);
  return out;
}
