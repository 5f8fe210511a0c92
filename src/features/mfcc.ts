/**
 * MFCCs as Meyda defines them, computed fast.
 *
 * Meyda's MFCC is: amplitude spectrum of a power-of-two buffer -> power -> Meyda's triangular mel
 * filterbank (`createMelFilterBank`, bins 0..N/2-1) -> log(1 + E) -> unnormalised DCT-II
 * (`2 * sum x[n] cos(pi/M (n + 0.5) k)`), first `numCoeffs` kept. We build the filterbank with
 * Meyda's own utility and the window with Meyda's own `hamming`, and run the per-frame arithmetic
 * in one tight loop over a real FFT from fft.js (sparse filterbank, cached DCT matrix, no per-frame
 * allocation). `Meyda.extract` costs ~26 ms per audio-second; this path is checked against it in
 * test/features/mfcc.test.ts. It keeps no global state: every cache is keyed by the config.
 */
import FFT from 'fft.js';
import { createMelFilterBank } from 'meyda/dist/node/utilities.js';
import { hamming } from 'meyda/dist/node/windowing.js';
import { InvalidArgumentError } from '../errors';

export interface FeatureConfig {
  /** Input rate in Hz. The audio module always delivers 16 kHz. */
  sampleRate: number;
  /** Analysis window in samples (25 ms at 16 kHz). */
  frameLength: number;
  /** Frame step in samples (10 ms at 16 kHz). */
  hopLength: number;
  /** FFT size: a power of two >= frameLength; the window is zero-padded into it. */
  fftSize: number;
  /** Mel bands in the filterbank (0 Hz to Nyquist, Meyda's mel formula). */
  numMelBands: number;
  /** Cepstral coefficients kept, c0 first. 1..min(40, numMelBands) (Meyda caps at 40). */
  numCoeffs: number;
  /** Pre-emphasis factor applied inside each frame (Kaldi style); 0 disables it. */
  preEmphasis: number;
  /** Subtract each frame's mean before pre-emphasis and windowing. */
  removeDc: boolean;
  /**
   * Samples are in [-1, 1]; they are multiplied by this before the FFT. Meyda takes log(1 + E),
   * which is only gain-invariant (up to c0) when E >> 1, so float audio is put on the int16 scale.
   */
  inputScale: number;
}

/** The settings the default model is trained with. Changing any of them needs a new model. */
export const DEFAULT_FEATURE_CONFIG: Readonly<FeatureConfig> = Object.freeze({
  sampleRate: 16000,
  frameLength: 400,
  hopLength: 160,
  fftSize: 512,
  numMelBands: 40,
  numCoeffs: 30,
  preEmphasis: 0.97,
  removeDc: true,
  inputScale: 32768,
});

/** MFCC frames: `data` is `[numFrames, numCoeffs]`, row-major. */
export interface Features {
  data: Float32Array;
  numFrames: number;
  numCoeffs: number;
}

/** Version of the MFCC definition itself; bump it if the arithmetic changes. */
const MFCC_ALGORITHM = 'meyda-mfcc-v1';

/** Fills in defaults and validates. Throws InvalidArgumentError on impossible settings. */
export function resolveFeatureConfig(cfg: Partial<FeatureConfig> = {}): FeatureConfig {
  const c: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, ...cfg };
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`Invalid feature configuration: ${why}.`);
  };
  const isInt = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!isInt(c.sampleRate, 1)) bad(`sampleRate must be a positive integer, got ${c.sampleRate}`);
  if (!isInt(c.frameLength, 2)) bad(`frameLength must be an integer >= 2, got ${c.frameLength}`);
  if (!isInt(c.hopLength, 1)) bad(`hopLength must be a positive integer, got ${c.hopLength}`);
  if (!isInt(c.fftSize, 4) || (c.fftSize & (c.fftSize - 1)) !== 0 || c.fftSize < c.frameLength)
    bad(`fftSize must be a power of two >= frameLength (${c.frameLength}), got ${c.fftSize}`);
  if (!isInt(c.numMelBands, 1)) bad(`numMelBands must be a positive integer, got ${c.numMelBands}`);
  if (!isInt(c.numCoeffs, 1) || c.numCoeffs > 40 || c.numCoeffs > c.numMelBands)
    bad(`numCoeffs must be 1..${Math.min(40, c.numMelBands)}, got ${c.numCoeffs}`);
  if (!(c.preEmphasis >= 0 && c.preEmphasis < 1)) bad(`preEmphasis must be in [0, 1), got ${c.preEmphasis}`);
  if (!(c.inputScale > 0 && Number.isFinite(c.inputScale))) bad(`inputScale must be > 0, got ${c.inputScale}`);
  return c;
}

/**
 * A stable string naming every setting that changes the features, for feature caches and the
 * model's metadata (a model loaded with a different key is an error).
 */
export function featureConfigKey(cfg: Partial<FeatureConfig> = {}): string {
  const c = resolveFeatureConfig(cfg);
  return [
    MFCC_ALGORITHM,
    `sr${c.sampleRate}`,
    `win${c.frameLength}`,
    `hop${c.hopLength}`,
    `fft${c.fftSize}`,
    'hamming',
    `mel${c.numMelBands}`,
    `c${c.numCoeffs}`,
    `pre${c.preEmphasis}`,
    `dc${c.removeDc ? 1 : 0}`,
    `scale${c.inputScale}`,
  ].join(':');
}

/** Everything that depends only on the config, built once per config. */
interface Plan {
  cfg: FeatureConfig;
  fft: FFT;
  /** Meyda's hamming(frameLength) times inputScale. */
  window: Float64Array;
  /** Sparse filterbank: filter m covers bins [melStart[m], melStart[m] + melLen[m]). */
  melStart: Int32Array;
  melLen: Int32Array;
  melOffset: Int32Array;
  melWeights: Float64Array;
  /** [numCoeffs, numMelBands] DCT-II with Meyda's scale of 2. */
  dct: Float64Array;
  // Work buffers (the plan is used synchronously, so sharing them is safe).
  frame: Float64Array;
  spectrum: Float64Array;
  power: Float64Array;
  logMel: Float64Array;
}

const plans = new Map<string, Plan>();

function getPlan(cfg: FeatureConfig): Plan {
  const key = featureConfigKey(cfg);
  let plan = plans.get(key);
  if (plan) return plan;
  const { fftSize, frameLength, numMelBands, numCoeffs, sampleRate, inputScale } = cfg;
  const half = fftSize / 2;
  const win = hamming(frameLength);
  const window = new Float64Array(frameLength);
  for (let i = 0; i < frameLength; i++) window[i] = win[i] * inputScale;

  // Meyda builds max(melBands, numCoeffs) filters; numCoeffs <= numMelBands here, so numMelBands.
  const bank = createMelFilterBank(numMelBands, sampleRate, fftSize);
  const melStart = new Int32Array(numMelBands);
  const melLen = new Int32Array(numMelBands);
  const melOffset = new Int32Array(numMelBands);
  const weights: number[] = [];
  for (let m = 0; m < numMelBands; m++) {
    // Meyda's melBands sums bins 0..N/2-1 only (its amplitude spectrum has N/2 bins).
    let lo = -1;
    let hi = -1;
    for (let k = 0; k < half; k++) {
      if (bank[m][k] !== 0) {
        if (lo < 0) lo = k;
        hi = k;
      }
    }
    melOffset[m] = weights.length;
    if (lo >= 0) {
      melStart[m] = lo;
      melLen[m] = hi - lo + 1;
      for (let k = lo; k <= hi; k++) weights.push(bank[m][k]);
    }
  }
  const dct = new Float64Array(numCoeffs * numMelBands);
  for (let k = 0; k < numCoeffs; k++) {
    for (let n = 0; n < numMelBands; n++) dct[k * numMelBands + n] = 2 * Math.cos((Math.PI / numMelBands) * (n + 0.5) * k);
  }
  plan = {
    cfg,
    fft: new FFT(fftSize),
    window,
    melStart,
    melLen,
    melOffset,
    melWeights: Float64Array.from(weights),
    dct,
    frame: new Float64Array(fftSize),
    spectrum: new Float64Array(2 * fftSize),
    power: new Float64Array(half),
    logMel: new Float64Array(numMelBands),
  };
  plans.set(key, plan);
  return plan;
}

/** Frames that fit entirely inside `numSamples` (no padding at the edges, like Kaldi's snip-edges). */
export function numFramesFor(numSamples: number, cfg: Partial<FeatureConfig> = {}): number {
  const c = resolveFeatureConfig(cfg);
  return numSamples < c.frameLength ? 0 : 1 + Math.floor((numSamples - c.frameLength) / c.hopLength);
}

/**
 * Prepares frame `t` of `samples` exactly as the MFCC path sees it before the FFT: DC removal,
 * pre-emphasis, Meyda's Hamming window, int16 scale, zero-padded to fftSize. Exported so the
 * reference test can feed the same buffer to `Meyda.extract`.
 */
export function prepareFrame(samples: Float32Array, t: number, cfg: Partial<FeatureConfig> = {}, out?: Float64Array): Float64Array {
  const plan = getPlan(resolveFeatureConfig(cfg));
  const frame = out ?? new Float64Array(plan.cfg.fftSize);
  fillFrame(plan, samples, t * plan.cfg.hopLength, frame);
  return frame;
}

function fillFrame(plan: Plan, x: Float32Array, start: number, frame: Float64Array): void {
  const { frameLength, preEmphasis, removeDc } = plan.cfg;
  const w = plan.window;
  let mean = 0;
  if (removeDc) {
    for (let i = 0; i < frameLength; i++) mean += x[start + i];
    mean /= frameLength;
  }
  // Pre-emphasis inside the frame, first sample against itself (Kaldi's convention).
  let prev = x[start] - mean;
  for (let i = 0; i < frameLength; i++) {
    const v = x[start + i] - mean;
    frame[i] = (v - preEmphasis * prev) * w[i];
    prev = v;
  }
  frame.fill(0, frameLength);
}

/**
 * MFCCs of 16 kHz mono audio in [-1, 1]: `[numFrames, numCoeffs]` with
 * numFrames = 1 + floor((n - frameLength) / hopLength), or 0 when n < frameLength.
 * No mean normalisation: see `applyCmn`. Throws InvalidArgumentError on a bad config.
 */
export function computeMfcc(samples: Float32Array, cfg: Partial<FeatureConfig> = {}): Features {
  const plan = getPlan(resolveFeatureConfig(cfg));
  const { hopLength, numMelBands, numCoeffs, fftSize } = plan.cfg;
  const numFrames = numFramesFor(samples.length, plan.cfg);
  const data = new Float32Array(numFrames * numCoeffs);
  const { frame, spectrum, power, logMel, melStart, melLen, melOffset, melWeights, dct, fft } = plan;
  const half = fftSize / 2;
  for (let t = 0; t < numFrames; t++) {
    fillFrame(plan, samples, t * hopLength, frame);
    fft.realTransform(spectrum, frame);
    for (let k = 0; k < half; k++) {
      const re = spectrum[2 * k];
      const im = spectrum[2 * k + 1];
      power[k] = re * re + im * im;
    }
    for (let m = 0; m < numMelBands; m++) {
      const s = melStart[m];
      const o = melOffset[m] - s;
      const e = s + melLen[m];
      let acc = 0;
      for (let k = s; k < e; k++) acc += melWeights[o + k] * power[k];
      logMel[m] = Math.log(acc + 1);
    }
    const row = t * numCoeffs;
    for (let k = 0; k < numCoeffs; k++) {
      const d = k * numMelBands;
      let acc = 0;
      for (let n = 0; n < numMelBands; n++) acc += dct[d + n] * logMel[n];
      data[row + k] = acc;
    }
  }
  return { data, numFrames, numCoeffs };
}

/**
 * Cepstral mean normalisation over one utterance: subtracts each coefficient's mean over the
 * frames. Returns new Features; the input is not modified. Zero frames give zero frames.
 */
export function applyCmn(f: Features): Features {
  const { numFrames, numCoeffs } = f;
  const out = new Float32Array(f.data.length);
  if (numFrames === 0) return { data: out, numFrames, numCoeffs };
  const mean = new Float64Array(numCoeffs);
  for (let t = 0; t < numFrames; t++) {
    const row = t * numCoeffs;
    for (let k = 0; k < numCoeffs; k++) mean[k] += f.data[row + k];
  }
  for (let k = 0; k < numCoeffs; k++) mean[k] /= numFrames;
  for (let t = 0; t < numFrames; t++) {
    const row = t * numCoeffs;
    for (let k = 0; k < numCoeffs; k++) out[row + k] = f.data[row + k] - mean[k];
  }
  return { data: out, numFrames, numCoeffs };
}
