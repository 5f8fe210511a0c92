/**
 * Deterministic fuzz cases. A case is named by an id that, with the run seed, rebuilds it exactly:
 * `b<J>` is the J-th exhaustive truncation (every structural boundary of every seed file, and one
 * byte either side), `r<I>` the I-th random mutation, `z<K>` the K-th decompression bomb, `x<K>`
 * the K-th regression (./regressions.ts). The same ids on any machine give the same
 * bytes, so a failure printed by a long run reproduces with `npm run fuzz -- --seed S --only r4521`.
 */
import { makeRng, hash32 } from '../util/rng';
import { loadBombs, type Seed } from './corpus';
import { mutate, MUTATION_KINDS, truncateAt, type MutationKind } from './mutate';
import { REGRESSIONS } from './regressions';

export type CaseKind = MutationKind | 'bomb' | 'regression';

export interface FuzzCase {
  id: string;
  kind: CaseKind;
  seedName: string;
  format: string;
  detail: string;
  bytes: Uint8Array;
  /** Decode through a temporary file (decodeAudioFile) rather than from memory. */
  viaFile: boolean;
}

/** Relative weights of the random mutation kinds (structure-aware ones get more). */
const WEIGHTS: Record<MutationKind, number> = {
  empty: 1,
  random: 2,
  'random-magic': 3,
  bitflip: 6,
  'bitflip-header': 5,
  'byte-set': 3,
  'truncate-boundary': 5,
  'truncate-random': 3,
  'lying-header': 10,
  'unit-dup': 3,
  'unit-drop': 3,
  splice: 3,
};
const TOTAL_WEIGHT = MUTATION_KINDS.reduce((a, k) => a + WEIGHTS[k], 0);

/** Every (seed, boundary, offset) cut: the exhaustive truncation pass, in a fixed order. */
export function boundaryPlan(corpus: readonly Seed[]): { seed: number; cut: number }[] {
  const plan: { seed: number; cut: number }[] = [];
  corpus.forEach((s, i) => {
    const cuts = new Set<number>();
    for (const c of s.cuts) for (const d of [-1, 0, 1]) if (c + d >= 0 && c + d < s.bytes.length) cuts.add(c + d);
    for (const c of [...cuts].sort((a, b) => a - b)) plan.push({ seed: i, cut: c });
  });
  return plan;
}

/** Builds case `id` of run `runSeed`. Throws RangeError for an id that does not exist. */
export function buildCase(corpus: readonly Seed[], plan: readonly { seed: number; cut: number }[], runSeed: number, id: string): FuzzCase {
  const m = /^([brzx])(\d+)$/.exec(id);
  if (!m) throw new RangeError(`bad fuzz case id ${id} (expected b<N>, r<N>, z<N> or x<N>)`);
  const n = Number(m[2]);
  if (m[1] === 'x') {
    const reg = REGRESSIONS[n];
    const s = corpus.find((c) => c.name === reg?.seed);
    if (!reg || !s) throw new RangeError(`no regression case ${id}`);
    const bytes = s.bytes.slice();
    reg.apply(bytes);
    return { id, kind: 'regression', seedName: s.name, format: s.format, detail: reg.name, bytes, viaFile: false };
  }
  if (m[1] === 'z') {
    const b = loadBombs()[n];
    if (!b) throw new RangeError(`no bomb case ${id}`);
    return { id, kind: 'bomb', seedName: b.name, format: 'flac', detail: 'crafted FLAC of silence', bytes: b.bytes, viaFile: false };
  }
  if (m[1] === 'b') {
    const p = plan[n];
    if (!p) throw new RangeError(`no boundary case ${id}: there are ${plan.length}`);
    const s = corpus[p.seed];
    const mu = truncateAt(s, p.cut);
    return { id, kind: 'truncate-boundary', seedName: s.name, format: s.format, detail: mu.detail, bytes: mu.bytes, viaFile: n % 16 === 0 };
  }
  const rng = makeRng(hash32(`${runSeed}:${n}`));
  let w = rng.next() * TOTAL_WEIGHT;
  let kind: MutationKind = MUTATION_KINDS[0];
  for (const k of MUTATION_KINDS) {
    w -= WEIGHTS[k];
    if (w < 0) {
      kind = k;
      break;
    }
  }
  // Formats equally often (most seeds are WAV variants, but the compressed decoders are riskier).
  const formats = [...new Set(corpus.map((c) => c.format))];
  const format = formats[rng.int(formats.length)];
  const ofFormat = corpus.filter((c) => c.format === format);
  const s = ofFormat[rng.int(ofFormat.length)];
  const mu = mutate(kind, s, rng, corpus);
  return { id, kind, seedName: s.name, format: s.format, detail: mu.detail, bytes: mu.bytes, viaFile: rng.next() < 0.1 };
}
