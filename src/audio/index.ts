/** Audio in: decoding, resampling, VAD, quality and WAV writing (see docs/features.md). */
export { decodeAudioBytes, decodeAudioFile, sniffFormat, TARGET_SAMPLE_RATE, DEFAULT_MAX_DURATION_SEC, DEFAULT_MAX_FILE_BYTES } from './decode';
export type { Audio, DecodeOptions } from './decode';
export { resample, resampledLength } from './resample';
export type { ResampleOptions } from './resample';
export { detectSpeech, requireSpeech } from './vad';
export type { SpeechResult, VadOptions } from './vad';
export { assessQuality, describeIssue } from './quality';
export type { QualityIssue, QualityIssueCode, QualityOptions, QualityReport } from './quality';
export { encodeWav } from './wav';
