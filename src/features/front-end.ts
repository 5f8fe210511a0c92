/**
 * The front end: everything between a decoded recording and the model's input, as one value.
 * Decoding resamples to its `sampleRate`; the VAD (src/audio/vad.ts) and the speech selection
 * (src/model/speech.ts) choose the samples with its `vad` and `speech` settings; the MFCCs
 * (./mfcc.ts) are computed with its `mfcc` settings. A model is only meaningful with the front end
 * it was trained with, so the model card records it whole (src/model/front-end-check.ts checks it
 * on load) and its key names the training feature cache (src/train/cache.ts).
 *
 * This module is the one owner of these numbers (the sample rate itself lives in ./sample-rate.ts,
 * which needs no zod) and imports nothing at run time but zod, so that the audio code, the
 * features and the model can all take them from here.
 */
import { z } from 'zod';
import { SAMPLE_RATE } from './sample-rate';

export { SAMPLE_RATE };

/** Version of the MFCC arithmetic (./mfcc.ts); bump it if the arithmetic changes. */
export const MFCC_ALGORITHM = 'meyda-mfcc-v1';

/** Version of the VAD's rules (src/audio/vad.ts); bump it whenever a change selects other samples for the same settings. */
export const VAD_VERSION = 1;

export const FeatureConfigSchema = z.object({
  /** Input rate in Hz: the front end's sampleRate. */
  sampleRate: z.number().int().positive(),
  /** Analysis window in samples (25 ms at 16 kHz). */
  frameLength: z.number().int().min(2),
  /** Frame step in samples (10 ms at 16 kHz). */
  hopLength: z.number().int().positive(),
  /** FFT size: a power of two >= frameLength; the window is zero-padded into it. */
  fftSize: z.number().int().min(4),
  /** Mel bands in the filterbank (0 Hz to Nyquist, Meyda's mel formula). */
  numMelBands: z.number().int().positive(),
  /** Cepstral coefficients kept, c0 first. 1..min(40, numMelBands) (Meyda caps at 40). */
  numCoeffs: z.number().int().positive(),
  /** Pre-emphasis factor applied inside each frame (Kaldi style); 0 disables it. */
  preEmphasis: z.number().min(0).lt(1),
  /** Subtract each frame's mean before pre-emphasis and windowing. */
  removeDc: z.boolean(),
  /**
   * Samples are in [-1, 1]; they are multiplied by this before the FFT. Meyda takes log(1 + E),
   * which is only gain-invariant (up to c0) when E >> 1, so float audio is put on the int16 scale.
   */
  inputScale: z.number().positive(),
});

export const VadSettingsSchema = z.object({
  /** VAD_VERSION of the rules these settings are for. */
  version: z.number().int().positive(),
  /** Pauses up to this long stay inside a segment. */
  maxPauseMs: z.number().nonnegative(),
  /** Segments shorter than this (after bridging) are dropped as clicks. */
  minSegmentMs: z.number().nonnegative(),
  /** Kept before and after each segment, so word edges are not clipped. */
  padMs: z.number().nonnegative(),
  /** Frames quieter than this are digital silence: never speech, not noise either (below 16-bit dither). */
  absoluteFloorDb: z.number(),
  /** Least margin above the noise floor for speech. */
  minMarginDb: z.number().nonnegative(),
  /** Energy frame length. */
  frameMs: z.number().positive(),
  /** Frames in the centred smoothing of the energies. */
  smoothFrames: z.number().int().positive(),
  /** The local noise floor is the minimum within +- this many frames. */
  localWindowFrames: z.number().int().positive(),
});

export const FrontEndSchema = z
  .object({
    /** Version of this object's shape. */
    version: z.literal(1),
    sampleRate: z.number().int().positive(),
    vad: VadSettingsSchema,
    speech: z.object({
      /** Less speech than this is no usable speech: the embedding falls back to the whole signal, enrollment refuses the take. */
      minSpeechSec: z.number().positive(),
    }),
    mfccAlgorithm: z.string().min(1),
    mfcc: FeatureConfigSchema,
  })
  .refine((f) => f.mfcc.sampleRate === f.sampleRate, { message: 'mfcc.sampleRate must equal sampleRate', path: ['mfcc', 'sampleRate'] });

export type FeatureConfig = z.infer<typeof FeatureConfigSchema>;
export type VadSettings = z.infer<typeof VadSettingsSchema>;
export type FrontEnd = z.infer<typeof FrontEndSchema>;

/** The front end this code computes; the default model is trained with it. Changing any of it needs a new model. */
export const DEFAULT_FRONT_END: Readonly<FrontEnd> = deepFreeze({
  version: 1,
  sampleRate: SAMPLE_RATE,
  vad: {
    version: VAD_VERSION,
    maxPauseMs: 300,
    minSegmentMs: 60,
    padMs: 100,
    absoluteFloorDb: -110,
    minMarginDb: 3,
    frameMs: 10,
    smoothFrames: 5,
    localWindowFrames: 100,
  },
  speech: { minSpeechSec: 0.3 },
  mfccAlgorithm: MFCC_ALGORITHM,
  mfcc: {
    sampleRate: SAMPLE_RATE,
    frameLength: 400,
    hopLength: 160,
    fftSize: 512,
    numMelBands: 40,
    numCoeffs: 30,
    preEmphasis: 0.97,
    removeDc: true,
    inputScale: 32768,
  },
});

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(o);
}
