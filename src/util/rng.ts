/**
 * The one seeded PRNG (mulberry32) and the helpers built on it: training batches, the random
 * miner, validation splits, fuzz cases and benchmark data must come out the same for the same seed
 * on every machine, which `Math.random` cannot.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function makeRng(seed: number): Rng {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

/** Fisher-Yates shuffle in place. */
export function shuffleInPlace<T>(xs: T[] | Int32Array, rng: Rng): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = xs[i];
    xs[i] = xs[j];
    xs[j] = t;
  }
}

/** `n` distinct indices from [0, m) (all of them, shuffled, when n >= m). */
export function pickDistinct(m: number, n: number, rng: Rng): number[] {
  const idx = Array.from({ length: m }, (_, i) => i);
  const take = Math.min(n, m);
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(m - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, take);
}

/** A stable 32-bit hash of a string (FNV-1a), to derive per-item seeds. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
