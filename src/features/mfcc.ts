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
  packed: Float64Array;
  spectrum: Float64Array;
  powerA: Float64Array;
  powerB: Float64Array;
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
    packed: new Float64Array(2 * fftSize),
    spectrum: new Float64Array(2 * fftSize),
    powerA: new Float64Array(half),
    powerB: new Float64Array(half),
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
  const { frameLength, hopLength, removeDc } = plan.cfg;
  let mean = 0;
  if (removeDc) {
    for (let i = 0; i < frameLength; i++) mean += samples[t * hopLength + i];
    mean /= frameLength;
  }
  frame.fill(0);
  fillFrame(plan, samples, t * hopLength, mean, frame, 0, 1);
  return frame;
}

/**
 * Writes the prepared frame starting at sample `start` into `out[offset + stride * i]`;
 * `mean` is the frame's mean when DC removal is on, else 0.
 * Only the first frameLength slots are written: the zero padding is the caller's.
 */
function fillFrame(plan: Plan, x: Float32Array, start: number, mean: number, out: Float64Array, offset: number, stride: number): void {
  const { frameLength, preEmphasis } = plan.cfg;
  const w = plan.window;
  // Pre-emphasis inside the frame, first sample against itself (Kaldi's convention). With the
  // mean removed first: (x[i] - m) - a (x[i-1] - m) = x[i] - a x[i-1] - (1 - a) m.
  const c = (1 - preEmphasis) * mean;
  let prev = x[start];
  out[offset] = (1 - preEmphasis) * (prev - mean) * w[0];
  for (let i = 1, j = offset + stride; i < frameLength; i++, j += stride) {
    const v = x[start + i];
    out[j] = (v - preEmphasis * prev - c) * w[i];
    prev = v;
  }
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
  const logMel = new Float64Array(numFrames * numMelBands);
  const { packed, spectrum, powerA, powerB } = plan;
  const { frameLength, removeDc } = plan.cfg;
  // Two real frames per complex FFT: frame t in the real part, frame t+1 in the imaginary part,
  // separated afterwards by conjugate symmetry. fft.js' complex 512 costs ~1.4x its real 512.
  // `packed` keeps its zero padding from allocation; only the frame slots are rewritten.
  const frameMean = (start: number): number => {
    if (!removeDc) return 0;
    let sum = 0;
    for (let i = 0; i < frameLength; i++) sum += samples[start + i];
    return sum / frameLength;
  };
  for (let t = 0; t < numFrames; t += 2) {
    fillFrame(plan, samples, t * hopLength, frameMean(t * hopLength), packed, 0, 2);
    const pair = t + 1 < numFrames;
    if (pair) fillFrame(plan, samples, (t + 1) * hopLength, frameMean((t + 1) * hopLength), packed, 1, 2);
    else for (let i = 1; i < 2 * fftSize; i += 2) packed[i] = 0;
    plan.fft.transform(spectrum, packed);
    splitPower(spectrum, fftSize, powerA, powerB);
    melLog(plan, powerA, logMel, t * numMelBands);
    if (pair) melLog(plan, powerB, logMel, (t + 1) * numMelBands);
  }
  applyDct(plan.dct, logMel, numFrames, numMelBands, numCoeffs, data);
  return { data, numFrames, numCoeffs };
}

/** Power spectra (bins 0..N/2-1) of the real and imaginary input parts from one complex FFT. */
function splitPower(z: Float64Array, n: number, pa: Float64Array, pb: Float64Array): void {
  const half = n / 2;
  pa[0] = z[0] * z[0];
  pb[0] = z[1] * z[1];
  for (let k = 1; k < half; k++) {
    const rk = z[2 * k];
    const ik = z[2 * k + 1];
    const rn = z[2 * (n - k)];
    const inn = z[2 * (n - k) + 1];
    const sr = rk + rn;
    const di = ik - inn;
    const si = ik + inn;
    const dr = rk - rn;
    pa[k] = 0.25 * (sr * sr + di * di);
    pb[k] = 0.25 * (si * si + dr * dr);
  }
}

/** Meyda's melBands: sum of filter x power over bins 0..N/2-1, then log(1 + E). */
function melLog(plan: Plan, power: Float64Array, out: Float64Array, at: number): void {
  const { melStart, melLen, melOffset, melWeights } = plan;
  const bands = melStart.length;
  for (let m = 0; m < bands; m++) {
    const s = melStart[m];
    const o = melOffset[m] - s;
    const e = s + melLen[m];
    let acc = 0;
    for (let k = s; k < e; k++) acc += melWeights[o + k] * power[k];
    out[at + m] = Math.log(acc + 1);
  }
}

/**
 * data[t, k] = sum_n dct[k, n] * logMel[t, n] for all frames. The DCT-II basis is symmetric
 * (even k) or antisymmetric (odd k) about the middle band, so each coefficient needs only
 * half the products: sums u[n] = x[n] + x[B-1-n] for even k, differences v[n] for odd k.
 */
function applyDct(dct: Float64Array, logMel: Float64Array, frames: number, bands: number, coeffs: number, data: Float32Array): void {
  const h = bands >> 1;
  const odd = bands & 1;
  const u = new Float64Array(h + odd);
  const v = new Float64Array(h);
  for (let t = 0; t < frames; t++) {
    const li = t * bands;
    const row = t * coeffs;
    for (let n = 0; n < h; n++) {
      const a = logMel[li + n];
      const b = logMel[li + bands - 1 - n];
      u[n] = a + b;
      v[n] = a - b;
    }
    if (odd) u[h] = logMel[li + h];
    for (let k = 0; k < coeffs; k++) {
      const d = k * bands;
      let acc = 0;
      if ((k & 1) === 0) {
        for (let n = 0; n < h; n++) acc += dct[d + n] * u[n];
        if (odd) acc += dct[d + h] * u[h];
      } else {
        for (let n = 0; n < h; n++) acc += dct[d + n] * v[n];
      }
      data[row + k] = acc;
    }
  }
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
