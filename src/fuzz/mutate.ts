/**
 * Mutations of seed files. Each returns new bytes (the seed is never changed in place) and a
 * short detail string that, with the case's seed and index, says exactly what was done.
 */
import type { Rng } from '../util/rng';
import type { Seed } from './corpus';
import { writeField } from './formats';

export const MUTATION_KINDS = [
  'empty',
  'random',
  'random-magic',
  'bitflip',
  'bitflip-header',
  'byte-set',
  'truncate-boundary',
  'truncate-random',
  'lying-header',
  'unit-dup',
  'unit-drop',
  'splice',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface Mutation {
  bytes: Uint8Array;
  detail: string;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];
const INTERESTING = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];

function randomBytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(256);
  return b;
}

/** Truncates `s` at `cut` (clamped to [0, length]). Exported for the exhaustive boundary pass. */
export function truncateAt(s: Seed, cut: number): Mutation {
  const at = Math.max(0, Math.min(s.bytes.length, cut));
  const unit = s.structure.units.find((u) => u.start === at || u.bodyStart === at || u.end === at);
  return { bytes: s.bytes.slice(0, at), detail: `cut at ${at}/${s.bytes.length}${unit ? ` (${unit.label})` : ''}` };
}

/** Applies mutation `kind` to `s`; `others` supplies material for splices. */
export function mutate(kind: MutationKind, s: Seed, rng: Rng, others: readonly Seed[]): Mutation {
  const b = s.bytes;
  switch (kind) {
    case 'empty': {
      const n = pick(rng, [0, 0, 1, 2, 3, 4, 8, 11, 12]);
      return { bytes: b.slice(0, n), detail: `first ${n} bytes` };
    }
    case 'random': {
      const n = pick(rng, [1, 4, 16, 100, 1000, 5000, 40000]);
      return { bytes: randomBytes(rng, n), detail: `${n} random bytes` };
    }
    case 'random-magic': {
      // A real header (up to some boundary) followed by noise: reaches the decoders proper.
      const cut = s.cuts.length ? pick(rng, s.cuts.filter((c) => c > 0).concat([4])) : 4;
      const n = pick(rng, [1, 64, 1000, 20000]);
      const out = new Uint8Array(cut + n);
      out.set(b.subarray(0, cut));
      out.set(randomBytes(rng, n), cut);
      return { bytes: out, detail: `header ${cut} bytes + ${n} random` };
    }
    case 'bitflip':
    case 'bitflip-header': {
      const out = b.slice();
      const span = kind === 'bitflip' ? out.length : Math.min(out.length, 256);
      const flips = pick(rng, [1, 1, 2, 4, 16, 64]);
      const at: number[] = [];
      for (let k = 0; k < flips && span > 0; k++) {
        const bit = rng.int(span * 8);
        out[bit >> 3] ^= 1 << (bit & 7);
        at.push(bit);
      }
      return { bytes: out, detail: `${flips} bit flips (${at.slice(0, 4).join(',')}${at.length > 4 ? ',...' : ''})` };
    }
    case 'byte-set': {
      const out = b.slice();
      const n = pick(rng, [1, 4, 32]);
      for (let k = 0; k < n && out.length; k++) out[rng.int(out.length)] = pick(rng, INTERESTING);
      return { bytes: out, detail: `${n} bytes set to extremes` };
    }
    case 'truncate-boundary': {
      const cut = s.cuts.length ? pick(rng, s.cuts) : 0;
      return truncateAt(s, cut + pick(rng, [0, 0, -1, 1, 2, 4]));
    }
    case 'truncate-random':
      return truncateAt(s, rng.int(b.length));
    case 'lying-header': {
      if (!s.structure.fields.length) return mutate('bitflip-header', s, rng, others);
      const out = b.slice();
      const lies = 1 + (rng.next() < 0.25 ? rng.int(3) : 0);
      const told: string[] = [];
      for (let k = 0; k < lies; k++) {
        const f = pick(rng, s.structure.fields);
        const v = pick(rng, f.lies);
        // Usually fix the checksum that covers the field, so the lie gets past it.
        writeField(out, f, v, rng.next() < 0.8);
        told.push(`${f.label}=${v}`);
      }
      return { bytes: out, detail: told.join('; ') };
    }
    case 'unit-dup': {
      const u = pick(rng, s.structure.units);
      const times = pick(rng, [1, 2, 10, 50]);
      const piece = b.subarray(u.start, u.end);
      const out = new Uint8Array(b.length + piece.length * times);
      out.set(b.subarray(0, u.end));
      for (let k = 0; k < times; k++) out.set(piece, u.end + k * piece.length);
      out.set(b.subarray(u.end), u.end + piece.length * times);
      return { bytes: out, detail: `${u.label} repeated ${times}x` };
    }
    case 'unit-drop': {
      const u = pick(rng, s.structure.units);
      const out = new Uint8Array(b.length - (u.end - u.start));
      out.set(b.subarray(0, u.start));
      out.set(b.subarray(u.end), u.start);
      return { bytes: out, detail: `${u.label} removed` };
    }
    case 'splice': {
      // The head of this file up to a boundary, then the tail of another (maybe another format).
      const o = pick(rng, others);
      const cut = s.cuts.length ? pick(rng, s.cuts) : 0;
      const from = o.cuts.length ? pick(rng, o.cuts) : 0;
      const out = new Uint8Array(cut + o.bytes.length - from);
      out.set(b.subarray(0, cut));
      out.set(o.bytes.subarray(from), cut);
      return { bytes: out, detail: `${s.name}[0:${cut}] + ${o.name}[${from}:]` };
    }
  }
}
