/**
 * Slow reference paths for the fast MFCC in ./mfcc, used by the equivalence test and by
 * scripts/bench-features.ts. Not for production: `Meyda.extract` costs ~26 ms per audio-second.
 */
import Meyda from 'meyda';
import FFT from 'fft.js';
import { createMelFilterBank } from 'meyda/dist/node/utilities.js';
import meydaMfcc from 'meyda/dist/node/extractors/mfcc.js';
import { numFramesFor, prepareFrame, resolveFeatureConfig, type FeatureConfig, type Features } from './mfcc';

type MeydaGlobals = Record<string, unknown>;
const GLOBAL_KEYS = [
  'bufferSize',
  'sampleRate',
  'melBands',
  'numberOfMFCCCoefficients',
  'windowingFunction',
  'melFilterBank',
  'barkScale',
  'chromaFilterBank',
] as const;

/**
 * Runs `fn` with Meyda's global settings set for `cfg`, then restores them, so they never leak
 * to other callers. The cached mel filterbank is cleared first: Meyda does not rebuild it when
 * only `sampleRate` changes.
 */
function withMeydaSettings<T>(cfg: FeatureConfig, fn: () => T): T {
  const m = Meyda as unknown as MeydaGlobals;
  const saved: MeydaGlobals = {};
  for (const k of GLOBAL_KEYS) saved[k] = m[k];
  try {
    m.bufferSize = cfg.fftSize;
    m.sampleRate = cfg.sampleRate;
    m.melBands = cfg.numMelBands;
    m.numberOfMFCCCoefficients = cfg.numCoeffs;
    // The frame is windowed (400-sample Hamming, zero-padded) before Meyda sees it.
    m.windowingFunction = 'rect';
    m.melFilterBank = undefined;
    m.barkScale = undefined;
    return fn();
  } finally {
    for (const k of GLOBAL_KEYS) m[k] = saved[k];
  }
}

/** MFCCs through per-frame `Meyda.extract('mfcc', frame)`, the straightforward (slow) way. */
export function computeMfccMeydaExtract(samples: Float32Array, cfg: Partial<FeatureConfig> = {}): Features {
  const c = resolveFeatureConfig(cfg);
  const numFrames = numFramesFor(samples.length, c);
  const data = new Float32Array(numFrames * c.numCoeffs);
  withMeydaSettings(c, () => {
    const frame = new Float32Array(c.fftSize);
    const tmp = new Float64Array(c.fftSize);
    for (let t = 0; t < numFrames; t++) {
      prepareFrame(samples, t, c, tmp);
      frame.set(tmp);
      const coeffs = Meyda.extract('mfcc', frame) as unknown as number[];
      data.set(coeffs, t * c.numCoeffs);
    }
  });
  return { data, numFrames, numCoeffs: c.numCoeffs };
}

/**
 * MFCCs through Meyda's own `mfcc` extractor function, fed an amplitude spectrum from fft.js
 * (no `Meyda.extract`, no globals). Faster than `Meyda.extract`, but it still allocates
 * numMelBands arrays per frame inside Meyda; ./mfcc runs the same arithmetic without that.
 */
export function computeMfccMeydaExtractor(samples: Float32Array, cfg: Partial<FeatureConfig> = {}): Features {
  const c = resolveFeatureConfig(cfg);
  const numFrames = numFramesFor(samples.length, c);
  const data = new Float32Array(numFrames * c.numCoeffs);
  const fft = new FFT(c.fftSize);
  const melFilterBank = createMelFilterBank(c.numMelBands, c.sampleRate, c.fftSize);
  const frame = new Float64Array(c.fftSize);
  const spectrum = new Float64Array(2 * c.fftSize);
  const ampSpectrum = new Float32Array(c.fftSize / 2);
  for (let t = 0; t < numFrames; t++) {
    prepareFrame(samples, t, c, frame);
    fft.realTransform(spectrum, frame);
    for (let k = 0; k < ampSpectrum.length; k++) ampSpectrum[k] = Math.hypot(spectrum[2 * k], spectrum[2 * k + 1]);
    const coeffs = meydaMfcc({ ampSpectrum, melFilterBank, numberOfMFCCCoefficients: c.numCoeffs, bufferSize: c.fftSize });
    data.set(coeffs, t * c.numCoeffs);
  }
  return { data, numFrames, numCoeffs: c.numCoeffs };
}
