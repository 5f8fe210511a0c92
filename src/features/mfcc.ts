/**
 * MFCCs as Meyda defines them, computed fast.
 *
 * Meyda's MFCC is: amplitude spectrum of a power-of-two buffer -> power -> Meyda's triangular mel
 * filterbank (`createMelFilterBank`, bins 0..N/2-1) -> log(1 + E) -> unnormalised DCT-II
 * (`2 * sum x[n] cos(pi/M (n + 0.5) k)`), first `numCoeffs` kept. We build the filterbank with
 * Meyda's own utility and the window with Meyda's own `hamming`, and run the per-frame arithmetic
 * in one tight loop over our own real FFT (./fft: half size, bit-reversed input written by the
 * windowing), with a sparse filterbank, a cached DCT matrix and no per-frame allocation. `Meyda.extract` costs ~26 ms per audio-second; this path is checked against it in
 * test/features/mfcc.test.ts. Where it applies (the default config included), computeMfcc runs
 * the same arithmetic in WebAssembly SIMD, two frames at a time (./mfcc-wasm, ~3x faster, and
 * fast in a cold process). It keeps no global state: every cache is keyed by the config.
 */
import { createMelFilterBank } from 'meyda/dist/node/utilities.js';
import { hamming } from 'meyda/dist/node/windowing.js';
import { InvalidArgumentError } from '../errors';
import { RealFft } from './fft';
import { DEFAULT_FRONT_END, MFCC_ALGORITHM, type FeatureConfig } from './front-end';
import { createMfccKernel, type MfccKernel } from './mfcc-wasm';

export type { FeatureConfig };

/** The front end's MFCC settings (./front-end.ts owns them); the default model is trained with them. */
export const DEFAULT_FEATURE_CONFIG: Readonly<FeatureConfig> = DEFAULT_FRONT_END.mfcc;

/** MFCC frames: `data` is `[numFrames, numCoeffs]`, row-major. */
export interface Features {
  data: Float32Array;
  numFrames: number;
  numCoeffs: number;
}

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
  /** Meyda's hamming(frameLength) times inputScale. */
  window: Float64Array;
  /** Sparse filterbank: filter m covers bins [melStart[m], melStart[m] + melLen[m]). */
  melStart: Int32Array;
  melLen: Int32Array;
  melOffset: Int32Array;
  melWeights: Float64Array;
  /**
   * DCT-II with Meyda's scale of 2, folded: the basis is symmetric about the middle band for even
   * k and antisymmetric for odd k, so row k holds its first ceil(bands/2) values and is applied
   * to the sums (even k) or differences (odd k) of mirrored bands. [numCoeffs, ceil(bands / 2)].
   */
  dctHalf: Float64Array;
  /** The real FFT of fftSize as a complex FFT of half = fftSize / 2 points (./fft). */
  fft: RealFft;
  // Work buffers (the plan is used synchronously, so sharing them is safe).
  power: Float64Array;
  logMel: Float64Array;
  dctEven: Float64Array;
  dctOdd: Float64Array;
  /** The same arithmetic in WebAssembly SIMD (./mfcc-wasm), built on first use; null where it does not apply. */
  kernel?: MfccKernel | null;
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
  const h = numMelBands >> 1;
  const hh = h + (numMelBands & 1);
  const dctHalf = new Float64Array(numCoeffs * hh);
  for (let k = 0; k < numCoeffs; k++) {
    // The middle band (odd band counts) pairs with itself: counted once, and 0 for odd k.
    for (let n = 0; n < hh; n++) dctHalf[k * hh + n] = n === h && (k & 1) === 1 ? 0 : 2 * Math.cos((Math.PI / numMelBands) * (n + 0.5) * k);
  }
  plan = {
    cfg,
    window,
    melStart,
    melLen,
    melOffset,
    melWeights: Float64Array.from(weights),
    dctHalf,
    fft: new RealFft(fftSize),
    power: new Float64Array(half),
    logMel: new Float64Array(numMelBands),
    dctEven: new Float64Array(hh),
    dctOdd: new Float64Array(hh),
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
  const { frameLength, hopLength, preEmphasis, removeDc } = plan.cfg;
  const start = t * hopLength;
  let mean = 0;
  if (removeDc) {
    for (let i = 0; i < frameLength; i++) mean += samples[start + i];
    mean /= frameLength;
  }
  frame.fill(0);
  const w = plan.window;
  const c = (1 - preEmphasis) * mean;
  frame[0] = (1 - preEmphasis) * (samples[start] - mean) * w[0];
  for (let i = 1; i < frameLength; i++) frame[i] = (samples[start + i] - preEmphasis * samples[start + i - 1] - c) * w[i];
  return frame;
}

/**
 * MFCCs of 16 kHz mono audio in [-1, 1]: `[numFrames, numCoeffs]` with
 * numFrames = 1 + floor((n - frameLength) / hopLength), or 0 when n < frameLength.
 * No mean normalisation: see `applyCmn`. Throws InvalidArgumentError on a bad config.
 *
 * Per frame, with no allocation: DC removal (the frame mean from running sums), pre-emphasis
 * and window written straight into the FFT's bit-reversed input, a real FFT of half size, the
 * power spectrum, the sparse mel sums with their logs, and the DCT of those logs.
 */
export function computeMfcc(samples: Float32Array, cfg: Partial<FeatureConfig> = {}): Features {
  const plan = getPlan(resolveFeatureConfig(cfg));
  const numFrames = numFramesFor(samples.length, plan.cfg);
  if (kernelOf(plan) && numFrames > 0) {
    const data = new Float32Array(numFrames * plan.cfg.numCoeffs);
    plan.kernel!.run(samples, numFrames, plan.cfg.hopLength, data);
    return { data, numFrames, numCoeffs: plan.cfg.numCoeffs };
  }
  return computeMfccJs(plan, samples, numFrames);
}

function kernelOf(plan: Plan): MfccKernel | null {
  if (plan.kernel === undefined) plan.kernel = createMfccKernel({ ...plan.cfg, ...plan }, plan.fft.twiddles, plan.fft.split, plan.fft.slot);
  return plan.kernel;
}

/** Whether computeMfcc runs ./mfcc-wasm's kernel for this config (even frame length, fftSize 2 * 4^k >= 32, WebAssembly SIMD). */
export function mfccUsesWasm(cfg: Partial<FeatureConfig> = {}): boolean {
  return kernelOf(getPlan(resolveFeatureConfig(cfg))) !== null;
}

/** computeMfcc without the wasm kernel: what runs where WebAssembly SIMD is missing (and the tests' comparison). */
export function computeMfccPortable(samples: Float32Array, cfg: Partial<FeatureConfig> = {}): Features {
  const plan = getPlan(resolveFeatureConfig(cfg));
  return computeMfccJs(plan, samples, numFramesFor(samples.length, plan.cfg));
}

function computeMfccJs(plan: Plan, samples: Float32Array, numFrames: number): Features {
  const { frameLength, hopLength, numCoeffs, preEmphasis, removeDc } = plan.cfg;
  const data = new Float32Array(numFrames * numCoeffs);
  const { fft, power, window: w } = plan;
  const { re, im, slot } = fft;
  const a = preEmphasis;
  const filled = (frameLength + 1) >> 1; // complex points that carry samples
  // Sum of the current frame's samples, slid by one hop per frame (in float64: exact enough,
  // the mean only shifts each frame by a constant that pre-emphasis mostly cancels).
  let sum = 0;
  if (removeDc && numFrames > 0) for (let i = 0; i < frameLength; i++) sum += samples[i];
  for (let t = 0; t < numFrames; t++) {
    const s = t * hopLength;
    const mean = removeDc ? sum / frameLength : 0;
    const c = (1 - a) * mean;
    // Sample 2j goes to the real part and 2j+1 to the imaginary part of complex point j, stored
    // at its bit-reversed position.
    let prev = samples[s];
    re[slot[0]] = (1 - a) * (prev - mean) * w[0];
    for (let j = 0, i = 1; ; j++, i++) {
      const x1 = samples[s + i];
      im[slot[j]] = (x1 - a * prev - c) * w[i];
      prev = x1;
      if (++i >= frameLength) break;
      const x0 = samples[s + i];
      re[slot[j + 1]] = (x0 - a * prev - c) * w[i];
      prev = x0;
    }
    // The transform is in place: the padding of the previous frame holds its results.
    for (let j = filled; j < slot.length; j++) {
      re[slot[j]] = 0;
      im[slot[j]] = 0;
    }
    if (frameLength & 1) im[slot[filled - 1]] = 0;
    fft.powerSpectrum(power);
    melLogDct(plan, data, t * numCoeffs);
    if (removeDc && t + 1 < numFrames) {
      const e = s + frameLength;
      let d0 = 0;
      let d1 = 0;
      let i = 0;
      for (; i + 1 < hopLength; i += 2) {
        d0 += samples[e + i] - samples[s + i];
        d1 += samples[e + i + 1] - samples[s + i + 1];
      }
      if (i < hopLength) d0 += samples[e + i] - samples[s + i];
      sum += d0 + d1;
    }
  }
  return { data, numFrames, numCoeffs };
}

/**
 * Meyda's melBands (filter x power over bins 0..N/2-1), log(1 + E), then the DCT-II into
 * data[at..at+numCoeffs). The DCT basis is symmetric (even k) or antisymmetric (odd k) about the
 * middle band, so each coefficient needs only half the products: sums for even k, differences
 * for odd k.
 */
function melLogDct(plan: Plan, data: Float32Array, at: number): void {
  const { melStart, melLen, melOffset, melWeights, power, logMel, dctHalf, dctEven: u, dctOdd: v } = plan;
  const bands = melStart.length;
  // Independent partial sums in every dot product: one running sum would make each product wait
  // for the previous addition (the DCT was latency-bound that way).
  for (let m = 0; m < bands; m++) {
    const s = melStart[m];
    const o = melOffset[m] - s;
    const e = s + melLen[m];
    let a0 = 0;
    let a1 = 0;
    let k = s;
    for (; k + 1 < e; k += 2) {
      a0 += melWeights[o + k] * power[k];
      a1 += melWeights[o + k + 1] * power[k + 1];
    }
    if (k < e) a0 += melWeights[o + k] * power[k];
    logMel[m] = Math.log(a0 + a1 + 1);
  }
  const h = bands >> 1;
  for (let n = 0; n < h; n++) {
    const x = logMel[n];
    const y = logMel[bands - 1 - n];
    u[n] = x + y;
    v[n] = x - y;
  }
  if (bands & 1) u[h] = logMel[h]; // v[h] stays 0
  const len = u.length;
  const coeffs = plan.cfg.numCoeffs;
  for (let k = 0, d = 0; k < coeffs; k++, d += len) {
    const x = (k & 1) === 0 ? u : v;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let n = 0;
    for (; n + 3 < len; n += 4) {
      a0 += dctHalf[d + n] * x[n];
      a1 += dctHalf[d + n + 1] * x[n + 1];
      a2 += dctHalf[d + n + 2] * x[n + 2];
      a3 += dctHalf[d + n + 3] * x[n + 3];
    }
    for (; n < len; n++) a0 += dctHalf[d + n] * x[n];
    data[at + k] = a0 + a1 + (a2 + a3);
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
