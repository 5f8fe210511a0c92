/** Seeded randomness for training: the metric module's PRNG plus a string hash for per-item seeds. */
export { makeRng, type Rng } from '../metric/rng';

/** A stable 32-bit hash of a string (FNV-1a), to derive per-item seeds. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
