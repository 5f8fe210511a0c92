/**
 * Take quality for enrollment feedback: how much speech, how loud, clipped or not, how noisy.
 * Each problem comes with a plain-words fix ("only 0.6 s of speech: say a full sentence").
 */
import { z } from 'zod';
import { detectSpeechDetailed, type VadOptions } from './vad';

/** What can be wrong with a take; the one spelling the engine, the contract and the app share. */
export const QualityIssueCode = z.enum(['no_voice', 'too_short', 'too_quiet', 'clipped', 'noisy']);
export type QualityIssueCode = z.infer<typeof QualityIssueCode>;

export const QualityIssue = z.object({
  code: QualityIssueCode,
  /** What is wrong, e.g. "only 0.6 s of speech". */
  message: z.string(),
  /** What to do, e.g. "say a full sentence". */
  fix: z.string(),
});
export type QualityIssue = z.infer<typeof QualityIssue>;

export interface QualityReport {
  /** Seconds of speech found by the VAD. */
  speechSec: number;
  /** RMS level of the speech (of everything when no speech is found), dBFS. */
  levelDb: number;
  /** Largest absolute sample, dBFS. */
  peakDb: number;
  /** Fraction of samples at the clipping level, 0..1. */
  clippingRatio: number;
  /** Speech-band speech-to-noise ratio estimate, dB (capped at 60). */
  snrDb: number;
  issues: QualityIssue[];
}

export interface QualityOptions extends VadOptions {
  /** Speech needed for a usable take (default 1.0 s). */
  minSpeechSec?: number;
  /** Below this speech level the take is too quiet (default -40 dBFS). */
  minLevelDb?: number;
  /** Above this clipped fraction the take is clipped (default 0.001 = 0.1%). */
  maxClippingRatio?: number;
  /** Below this SNR the take is noisy (default 15 dB). */
  minSnrDb?: number;
}

/** Below this SNR the "speech" the VAD found is taken to be noise. */
const NO_VOICE_SNR_DB = 3;

const dbfs = (meanSquare: number) => 10 * Math.log10(meanSquare + 1e-12);

/**
 * Clipped samples: those within 0.1% of the largest magnitude, counted only when the peak is
 * near full scale (>= -1 dBFS, where converters clip) and when they are more than chance (a clean
 * peak touches that band in a handful of samples). After resampling to 16 kHz the clipped
 * plateaus ripple, so the band is 2% below the peak there.
 */
function clippingRatio(x: Float32Array, peak: number): number {
  if (peak < 10 ** (-1 / 20) || x.length === 0) return 0;
  const level = peak * 0.98;
  let n = 0;
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]) >= level) n++;
  return n / x.length;
}

/** The issue of a take with too little speech (here, and below the engine's minimum for a take). */
export function tooShortIssue(speechSec: number): QualityIssue {
  return { code: 'too_short', message: `only ${speechSec.toFixed(1)} s of speech`, fix: 'say a full sentence' };
}

/**
 * Assesses a 16 kHz mono take (samples in [-1, 1]). Never throws for finite input. `detected`:
 * detectSpeechDetailed(samples, opts) when the caller already has it (the engine shares it with
 * speech selection).
 */
export function assessQuality(samples: Float32Array, opts: QualityOptions = {}, detected?: ReturnType<typeof detectSpeechDetailed>): QualityReport {
  const minSpeechSec = opts.minSpeechSec ?? 1.0;
  const minLevelDb = opts.minLevelDb ?? -40;
  const maxClip = opts.maxClippingRatio ?? 0.001;
  const minSnrDb = opts.minSnrDb ?? 15;

  const vad = detected ?? detectSpeechDetailed(samples, opts);
  const frames = vad.frames;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const a = Math.abs(samples[i]);
    if (a > peak) peak = a;
  }
  const body = vad.speech.length > 0 ? vad.speech : samples;
  let ms = 0;
  for (let i = 0; i < body.length; i++) ms += body[i] * body[i];
  const levelDb = dbfs(body.length ? ms / body.length : 0);
  const peakDb = dbfs(peak * peak);
  const clip = clippingRatio(samples, peak);

  // SNR from the speech-band frame energies: mean power of speech frames over that of the rest;
  // with no pauses to measure, the quietest tenth of the frames stand in for the noise.
  let sp = 0;
  let spN = 0;
  let nz = 0;
  let nzN = 0;
  const e = frames.energyDb;
  for (let f = 0; f < e.length; f++) {
    const p = 10 ** (e[f] / 10);
    if (frames.speech[f]) {
      sp += p;
      spN++;
    } else {
      nz += p;
      nzN++;
    }
  }
  const noisePow = nzN >= 10 ? nz / nzN : 10 ** (frames.noiseFloorDb / 10);
  const speechPow = spN ? sp / spN : 0;
  const snrDb = spN ? Math.min(60, 10 * Math.log10(Math.max(speechPow - noisePow, 1e-12) / Math.max(noisePow, 1e-12))) : 0;

  const issues: QualityIssue[] = [];
  // What the VAD kept barely stands out from the rest: that is noise, not a voice.
  const drowned = vad.speechSec >= 0.1 && snrDb < NO_VOICE_SNR_DB;
  if (vad.speechSec < 0.1) {
    issues.push({ code: 'no_voice', message: 'no speech found', fix: 'check that the right microphone is on, then speak close to it' });
  } else if (drowned) {
    issues.push({ code: 'no_voice', message: 'no voice stands out from the background noise', fix: 'record somewhere quieter, close to the mic' });
  } else if (vad.speechSec < minSpeechSec) {
    issues.push(tooShortIssue(vad.speechSec));
  }
  if (vad.speechSec >= 0.1 && levelDb < minLevelDb) {
    issues.push({ code: 'too_quiet', message: `the voice is very quiet (${levelDb.toFixed(0)} dBFS)`, fix: 'speak up, move closer to the microphone or raise its input level' });
  }
  if (clip > maxClip) {
    const pct = clip * 100;
    issues.push({ code: 'clipped', message: `${pct >= 1 ? pct.toFixed(0) : pct.toFixed(1)}% of samples clipped`, fix: 'move away from the mic or lower its input level' });
  }
  if (vad.speechSec >= 0.1 && !drowned && snrDb < minSnrDb) {
    issues.push({ code: 'noisy', message: `background noise is only ${Math.max(0, snrDb).toFixed(0)} dB below the voice`, fix: 'record somewhere quieter, or closer to the mic' });
  }
  return { speechSec: vad.speechSec, levelDb, peakDb, clippingRatio: clip, snrDb, issues };
}

/**
 * Quality feedback for one take as enrollment reports it (src/engine.ts builds it, the contract
 * sends it to the app): the QualityReport in the UI's words, and whether the take can be used.
 */
export const TakeReport = z.object({
  name: z.string(),
  durationSec: z.number().nonnegative(),
  speechSec: z.number().nonnegative(),
  /** Peak and RMS level, dBFS. */
  peakDb: z.number(),
  rmsDb: z.number(),
  snrDb: z.number(),
  clippedFraction: z.number(),
  /** False when the take cannot be used for enrollment (no voice, or too little speech). */
  usable: z.boolean(),
  issues: z.array(QualityIssue),
});
export type TakeReport = z.infer<typeof TakeReport>;

/** "only 0.6 s of speech: say a full sentence". */
export function describeIssue(issue: QualityIssue): string {
  return `${issue.message}: ${issue.fix}`;
}
