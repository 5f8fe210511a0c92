import { describe, expect, it } from 'vitest';
import { pickDistinct, makeRng } from '../../src/util/rng';
import { PKSampler, type TrainItem } from '../../src/train/sampler';

function feat(frames: number) {
  return { data: new Float32Array(frames * 2), numFrames: frames, numCoeffs: 2 };
}

// corpus "words": 6 speakers x 5 files of 60-90 frames; corpus "books": 4 speakers x 1 file of 1000 frames
const items: TrainItem[] = [];
for (let s = 0; s < 6; s++) for (let f = 0; f < 5; f++) items.push({ f: feat(60 + 5 * f + s), label: s, corpus: 'words', source: s * 10 + f });
for (let s = 0; s < 4; s++) items.push({ f: feat(1000), label: 100 + s, corpus: 'books', source: 1000 + s });

describe('PKSampler', () => {
  const sampler = new PKSampler(items, { p: 4, k: 3, quotas: { words: 0.5 }, shortCrop: [50, 150], longCrop: [100, 200] });

  it('splits P by the corpus quotas', () => {
    expect(Object.fromEntries(sampler.perCorpus())).toEqual({ books: 2, words: 2 });
  });

  it('gives K different files per multi-clip speaker and K segment crops per single-utterance speaker', () => {
    const rng = makeRng(3);
    for (let trial = 0; trial < 20; trial++) {
      const { short, long } = sampler.sample(rng);
      expect(short.labels.length).toBe(6);
      expect(long.labels.length).toBe(6);
      // every label appears exactly K times
      for (const sb of [short, long]) {
        const counts = new Map<number, number>();
        sb.labels.forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1));
        expect([...counts.values()].every((c) => c === 3)).toBe(true);
      }
      // short crops: one length, no longer than the shortest pick, inside each file
      expect(short.length).toBeGreaterThanOrEqual(1);
      for (const it of short.items) expect(it.start + short.length).toBeLessThanOrEqual(it.f.numFrames);
      const files = short.items.map((it) => it.f);
      for (let i = 0; i < 6; i += 3) expect(new Set(files.slice(i, i + 3)).size).toBe(3);
      // long crops: in [100, 200], the K crops of a speaker in K different thirds
      expect(long.length).toBeGreaterThanOrEqual(100);
      expect(long.length).toBeLessThanOrEqual(200);
      for (let i = 0; i < 6; i += 3) {
        const segs = long.items.slice(i, i + 3).map((it) => Math.floor(it.start / 333));
        expect(segs).toEqual([0, 1, 2]);
      }
    }
  });

  it('is deterministic for a seed', () => {
    const a = sampler.sample(makeRng(9));
    const b = sampler.sample(makeRng(9));
    expect(a.short.labels).toEqual(b.short.labels);
    expect(a.long.items.map((i) => i.start)).toEqual(b.long.items.map((i) => i.start));
  });
});

describe('pickDistinct', () => {
  it('returns distinct indices and all of them when asked for more', () => {
    const rng = makeRng(1);
    const p = pickDistinct(10, 4, rng);
    expect(new Set(p).size).toBe(4);
    expect(pickDistinct(3, 5, rng).sort()).toEqual([0, 1, 2]);
  });
});

describe('PKSampler.sampleGroups', () => {
  it('splits multi-clip picks into length groups, each cropped to its own shortest pick', () => {
    const s = new PKSampler(items, { p: 4, k: 3, quotas: { words: 0.5 }, shortCrop: [150, 150], longCrop: [100, 200], shortGroups: 2 });
    const groups = s.sampleGroups(makeRng(5));
    expect(groups.length).toBe(3); // two short-word groups, one long group
    const [g1, g2, long] = groups;
    expect(g1.labels.length + g2.labels.length).toBe(6);
    expect(long.labels.length).toBe(6);
    // the second group holds the longer files, so its crops are at least as long
    expect(g2.length).toBeGreaterThanOrEqual(g1.length);
    for (const g of [g1, g2]) {
      expect(g.length).toBe(Math.min(...g.items.map((it) => it.f.numFrames)));
      for (const it of g.items) expect(it.start + g.length).toBeLessThanOrEqual(it.f.numFrames);
    }
  });
});
