/**
 * Waveform augmentation for training, all deterministic given the rng:
 * speed perturbation (a new "speaker": pitch and tempo both move), additive noise at a random SNR
 * (real recorded noise, white, or band-limited white), telephone band-limiting (8 kHz round trip
 * plus a 300 Hz high-pass), clipping and gain.
 */
import { resample } from '../audio/resample';
import { SAMPLE_RATE } from '../features/front-end';
import type { Rng } from '../util/rng';

/** Speed factor s: the result plays s times faster (s=1.1 -> 10% shorter and higher). */
export function speedPerturb(x: Float32Array, s: number): Float32Array {
  if (s === 1) return x;
  const from = Math.round(SAMPLE_RATE * s);
  return resample(x, from, SAMPLE_RATE);
}

function rms(x: Float32Array): number {
  let e = 0;
  for (let i = 0; i < x.length; i++) e += x[i] * x[i];
  return Math.sqrt(e / Math.max(1, x.length)) + 1e-9;
}

/** Adds `noise` (tiled from a random offset) at `snrDb` relative to the signal's RMS. */
export function addNoise(x: Float32Array, noise: Float32Array, snrDb: number, rng: Rng): Float32Array {
  const g = rms(x) / rms(noise) / Math.pow(10, snrDb / 20);
  const y = new Float32Array(x.length);
  let o = Math.floor(rng.next() * noise.length);
  for (let i = 0; i < x.length; i++) {
    y[i] = x[i] + g * noise[o];
    if (++o >= noise.length) o = 0;
  }
  return y;
}

export function whiteNoise(n: number, rng: Rng, bandLimited: boolean): Float32Array {
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.next() * 2 - 1;
  if (!bandLimited) return y;
  // one-pole low-pass at a random corner: pinkish, band-limited noise
  const a = 0.5 + 0.45 * rng.next();
  let s = 0;
  for (let i = 0; i < n; i++) y[i] = s = a * s + (1 - a) * y[i];
  return y;
}

/** Telephone channel: down to 8 kHz and back (band-limit at ~3.5 kHz) and a 300 Hz high-pass. */
export function telephone(x: Float32Array): Float32Array {
  const y = resample(resample(x, SAMPLE_RATE, 8000), 8000, SAMPLE_RATE).subarray(0, x.length);
  const out = new Float32Array(y.length);
  const r = Math.exp((-2 * Math.PI * 300) / SAMPLE_RATE);
  let prevX = 0;
  let prevY = 0;
  for (let i = 0; i < y.length; i++) {
    prevY = out[i] = r * prevY + y[i] - prevX;
    prevX = y[i];
  }
  return out;
}

/** Hard clipping at `fraction` of the peak. */
export function clip(x: Float32Array, fraction: number): Float32Array {
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  const c = peak * fraction;
  return x.map((v) => (v > c ? c : v < -c ? -c : v));
}

export function gain(x: Float32Array, db: number): Float32Array {
  const g = Math.pow(10, db / 20);
  return x.map((v) => v * g);
}

export type ChannelAug = 'clean' | 'noise' | 'telephone' | 'clip';

/** One channel augmentation of speech `x`, its parameters drawn from `rng`. */
export function channelAugment(x: Float32Array, kind: ChannelAug, noises: Float32Array[], rng: Rng): Float32Array {
  switch (kind) {
    case 'clean':
      return x;
    case 'noise': {
      const r = rng.next();
      const n = r < 0.5 && noises.length ? noises[Math.floor(rng.next() * noises.length)] : whiteNoise(x.length, rng, r < 0.75);
      return gain(addNoise(x, n, 5 + 15 * rng.next(), rng), -10 + 20 * rng.next());
    }
    case 'telephone':
      return telephone(rng.next() < 0.5 ? x : addNoise(x, whiteNoise(x.length, rng, true), 15 + 10 * rng.next(), rng));
    case 'clip':
      return clip(gain(x, -6 + 12 * rng.next()), 0.3 + 0.4 * rng.next());
  }
}
