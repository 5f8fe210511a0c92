/**
 * Band-limited sample-rate conversion: a polyphase windowed-sinc (Kaiser) filter for any rational
 * ratio. For a ratio to/from = L/M (reduced), output n sits at input time n*M/L; its fractional part
 * is one of L phases, and each phase has its own precomputed set of 2W taps. The low-pass cutoff
 * follows the lower of the two Nyquist frequencies, so downsampling removes what would alias and
 * upsampling removes the images.
 *
 * Design (defaults): pass band flat to 0.875 x the lower Nyquist (7 kHz for 16 kHz output), stop
 * band from the Nyquist itself, Kaiser beta for ~75 dB stop-band attenuation. When the input rate
 * is an even multiple well above the output, a cheap half-band stage halves it first.
 * test/audio/resample.test.ts checks with a stepped sine sweep that nothing aliases above -60 dB.
 * The polyphase filter's interior (every output whose taps lie inside the input) runs in
 * WebAssembly SIMD where available (./polyphase-wasm, ~8x faster); the edges stay in JS.
 */
import { InvalidArgumentError } from '../errors';
import { createPolyphaseKernel, type PolyphaseKernel } from './polyphase-wasm';

export interface ResampleOptions {
  /** Pass-band edge as a fraction of the lower Nyquist frequency (default 0.875). */
  passband?: number;
  /** Stop-band attenuation in dB that sets the Kaiser beta and the filter length (default 75). */
  attenuationDb?: number;
}

interface Kernel {
  L: number;
  M: number;
  /** Taps per phase (even): output n uses inputs floor(n*M/L) - W + 1 .. floor(n*M/L) + W. */
  taps: number;
  /** [L, taps] row-major. */
  table: Float32Array;
  /** The interior loop in WebAssembly SIMD (./polyphase-wasm), built on first use; null where unavailable. */
  simd?: PolyphaseKernel | null;
}

const kernels = new Map<string, Kernel>();
const MAX_CACHED_KERNELS = 8;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** Half the filter length in input samples (taps per phase = 2W) for a rate pair. */
function halfWidth(from: number, to: number, passband: number, attenuationDb: number): number {
  const nyqMin = Math.min(from, to) / 2;
  const dw = (2 * Math.PI * (nyqMin - passband * nyqMin)) / from; // transition, rad per input sample
  const length = Math.ceil((attenuationDb - 7.95) / (2.285 * dw)) + 1;
  return Math.max(2, Math.ceil(length / 2));
}

/**
 * Largest polyphase table (L phases x taps) built for one rate pair: 4 Mi floats, 16 MiB. The
 * table grows with to/gcd(from, to) and with `from`, so an odd rate such as 767,999 Hz (valid in
 * a WAV header) needed 230 MB and 6 s per call, and a Vorbis header claiming 134 MHz never
 * finished (docs/reliability.md).
 */
const MAX_TABLE = 1 << 22;

/**
 * The input rate the kernel is designed for: `from` itself when its table fits MAX_TABLE, else
 * `from` rounded to the nearest multiple of the smallest step (2, 5, 10, 20, 50, ...) that makes
 * it fit. The rounding changes pitch and timing by at most step / (2 * from), a few parts in 10^5
 * for the rates where it happens.
 */
function kernelRate(from: number, to: number, passband: number, attenuationDb: number): number {
  const size = (r: number) => (to / gcd(r, to)) * 2 * halfWidth(r, to, passband, attenuationDb);
  if (size(from) <= MAX_TABLE) return from;
  let r = from;
  for (let decade = 1; decade <= from; decade *= 10) {
    for (const m of [2, 5, 10]) {
      r = Math.max(m * decade, Math.round(from / (m * decade)) * m * decade);
      if (size(r) <= MAX_TABLE) return r;
    }
  }
  return r; // an absurd rate: one phase, however many taps (callers bound the rate first)
}

function getKernel(from: number, to: number, passband: number, attenuationDb: number): Kernel {
  const key = `${from}:${to}:${passband}:${attenuationDb}`;
  const cached = kernels.get(key);
  if (cached) return cached;
  const g = gcd(from, to);
  const L = to / g;
  const M = from / g;
  // Work in units of input samples. Cut-off and transition width relative to the input rate.
  const nyqMin = Math.min(from, to) / 2;
  const fPass = passband * nyqMin;
  const fStop = nyqMin;
  const fc = (fPass + fStop) / 2 / from; // cycles per input sample
  const A = attenuationDb;
  const beta = A > 50 ? 0.1102 * (A - 8.7) : A >= 21 ? 0.5842 * (A - 21) ** 0.4 + 0.07886 * (A - 21) : 0;
  const W = halfWidth(from, to, passband, attenuationDb);
  const taps = 2 * W;
  const table = new Float32Array(L * taps);
  const i0Beta = besselI0(beta);
  for (let p = 0; p < L; p++) {
    const frac = p / L;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      const tau = frac + W - 1 - j; // distance of input sample from the output instant
      const r = tau / W;
      let h = 0;
      if (r > -1 && r < 1) {
        const x = 2 * fc * tau;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        h = 2 * fc * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta);
      }
      table[p * taps + j] = h;
      sum += h;
    }
    // Normalise each phase to unit DC gain, so a constant stays constant at every phase.
    if (sum !== 0) for (let j = 0; j < taps; j++) table[p * taps + j] /= sum;
  }
  const kernel = { L, M, taps, table };
  if (kernels.size >= MAX_CACHED_KERNELS) kernels.delete(kernels.keys().next().value as string);
  kernels.set(key, kernel);
  return kernel;
}

/** Output length for `n` input samples: ceil(n * to / from). */
export function resampledLength(n: number, from: number, to: number): number {
  return Math.ceil((n * to) / from - 1e-9);
}

/**
 * Resamples mono audio from `from` Hz to `to` Hz (both positive integers) with a band-limited
 * polyphase filter; samples outside the input count as zero. Returns a new array (a copy when the
 * rates are equal). Throws InvalidArgumentError for non-integer or non-positive rates.
 */
export function resample(x: Float32Array, from: number, to: number, opts: ResampleOptions = {}): Float32Array {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from <= 0 || to <= 0) {
    throw new InvalidArgumentError(`Sample rates must be positive integers, got ${from} -> ${to}.`);
  }
  if (from === to) return x.slice();
  const passband = opts.passband ?? 0.875;
  const attenuationDb = opts.attenuationDb ?? 75;
  const outLen = resampledLength(x.length, from, to);
  // Halving first with a short half-band filter leaves the sharp final filter fewer taps per
  // output (taps grow with input rate / transition width): 44.1 kHz -> 22.05 kHz -> 16 kHz
  // costs ~40% less than one 44.1 -> 16 kHz stage. The half-band only has to keep 0..to/2
  // clean, since everything above is removed by the final stage.
  let rate = from;
  let y = x;
  while (rate % 2 === 0 && rate / 2 >= 1.25 * to) {
    y = halve(y, rate, to / 2, attenuationDb + 5);
    rate /= 2;
  }
  const out = rate === to ? y : polyphase(y, kernelRate(rate, to, passband, attenuationDb), to, passband, attenuationDb);
  if (out.length === outLen) return out;
  // A rounded kernel rate can give one sample more or less: trim, or pad with the last value.
  const fixed = new Float32Array(outLen);
  fixed.set(out.subarray(0, outLen));
  if (out.length > 0) fixed.fill(out[out.length - 1], out.length);
  return fixed;
}

const halfbands = new Map<string, Float64Array>();

/**
 * Decimates by 2 with a Kaiser half-band filter that keeps 0..keepHz intact and stops from
 * rate/2 - keepHz (what would alias into 0..keepHz). Taps at even offsets are zero, and the
 * filter is symmetric, so each output costs ~W/2 multiplies. Returns ceil(n/2) samples,
 * y[k] centred on x[2k] (no delay).
 */
function halve(x: Float32Array, rate: number, keepHz: number, attenuationDb: number): Float32Array {
  const key = `${rate}:${keepHz}:${attenuationDb}`;
  let h = halfbands.get(key);
  if (!h) {
    const dw = (2 * Math.PI * (rate / 2 - 2 * keepHz)) / rate;
    const A = attenuationDb;
    const beta = 0.1102 * (A - 8.7);
    const W = Math.max(3, Math.ceil(((A - 7.95) / (2.285 * dw) + 1) / 2));
    // h[i] for odd offsets m = 2i + 1 <= W; the centre tap is 0.5.
    const coeffs: number[] = [];
    const i0 = besselI0(beta);
    let sum = 0.5;
    for (let m = 1; m <= W; m += 2) {
      const r = m / (W + 1);
      const v = ((0.5 * Math.sin((Math.PI * m) / 2)) / ((Math.PI * m) / 2)) * (besselI0(beta * Math.sqrt(1 - r * r)) / i0);
      coeffs.push(v);
      sum += 2 * v;
    }
    // Unit DC gain.
    h = Float64Array.from([0.5 / sum, ...coeffs.map((v) => v / sum)]);
    halfbands.set(key, h);
  }
  const n = x.length;
  const outLen = Math.ceil(n / 2);
  const y = new Float32Array(outLen);
  const taps = h.length - 1; // odd offsets 1, 3, ..., 2 * taps - 1
  const reach = 2 * taps - 1;
  const c0 = h[0];
  for (let k = 0; k < outLen; k++) {
    const c = 2 * k;
    let acc = c0 * x[c];
    if (c - reach >= 0 && c + reach < n) {
      for (let i = 1, m = 1; i <= taps; i++, m += 2) acc += h[i] * (x[c - m] + x[c + m]);
    } else {
      for (let i = 1, m = 1; i <= taps; i++, m += 2) {
        const a = c - m >= 0 ? x[c - m] : 0;
        const b = c + m < n ? x[c + m] : 0;
        acc += h[i] * (a + b);
      }
    }
    y[k] = acc;
  }
  return y;
}

function polyphase(x: Float32Array, from: number, to: number, passband: number, attenuationDb: number): Float32Array {
  const kernel = getKernel(from, to, passband, attenuationDb);
  const { table, taps, L, M } = kernel;
  const n = x.length;
  const outLen = resampledLength(n, from, to);
  const y = new Float32Array(outLen);
  const W = taps / 2;
  if (kernel.simd === undefined) kernel.simd = createPolyphaseKernel(table, taps, L, M);
  let base = 0; // floor(k*M/L)
  let phase = 0; // (k*M) mod L
  for (let k = 0; k < outLen; k++) {
    const first = base - W + 1;
    const row = phase * taps;
    let acc = 0;
    if (first >= 0 && first + taps <= n) {
      if (kernel.simd) {
        // Every output up to the first whose taps pass the end of x, in one call.
        let end = Math.min(outLen, Math.ceil(((n - W) * L) / M));
        while (end > k && Math.floor(((end - 1) * M) / L) + W + 1 > n) end--;
        if (end > k) {
          kernel.simd.run(x, y, k, end, first, phase);
          base = Math.floor((end * M) / L);
          phase = (end * M) % L;
          k = end - 1;
          continue;
        }
      }
      // Four accumulators break the add dependency chain (taps is even; W >= 2 makes it >= 4).
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let j = 0;
      for (; j + 3 < taps; j += 4) {
        a0 += table[row + j] * x[first + j];
        a1 += table[row + j + 1] * x[first + j + 1];
        a2 += table[row + j + 2] * x[first + j + 2];
        a3 += table[row + j + 3] * x[first + j + 3];
      }
      for (; j < taps; j++) a0 += table[row + j] * x[first + j];
      acc = a0 + a1 + (a2 + a3);
    } else {
      const jLo = Math.max(0, -first);
      const jHi = Math.min(taps, n - first);
      for (let j = jLo; j < jHi; j++) acc += table[row + j] * x[first + j];
    }
    y[k] = acc;
    phase += M;
    if (phase >= L) {
      const q = Math.floor(phase / L);
      base += q;
      phase -= q * L;
    }
  }
  return y;
}
