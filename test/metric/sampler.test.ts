import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, VoxprintError } from '../../src/errors';
import { PKSampler } from '../../src/metric/sampler';

// Speaker s has counts[s] utterances; items are listed speaker by speaker.
function dataset(counts: number[]): number[] {
  return counts.flatMap((n, s) => Array<number>(n).fill(s));
}

describe('PKSampler', () => {
  const labels = dataset([10, 8, 6, 12, 3, 1, 9]);

  it('gives P distinct speakers with K of their own items each', () => {
    const s = new PKSampler(labels, { p: 4, k: 4, seed: 1 });
    for (let i = 0; i < 50; i++) {
      const b = s.next();
      expect(b.indices.length).toBe(16);
      const speakers = new Set<number>();
      for (let j = 0; j < 16; j++) {
        expect(labels[b.indices[j]]).toBe(b.labels[j]);
        if (j % 4 === 0) speakers.add(b.labels[j]);
        expect(b.labels[j]).toBe(b.labels[j - (j % 4)]);
      }
      expect(speakers.size).toBe(4);
      for (let q = 0; q < 4; q++) {
        const items = Array.from(b.indices.subarray(q * 4, q * 4 + 4));
        const own = labels.filter((y) => y === b.labels[q * 4]).length;
        if (own >= 4) expect(new Set(items).size).toBe(4);
      }
    }
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const take = (seed: number) => {
      const s = new PKSampler(labels, { p: 3, k: 2, seed });
      return Array.from({ length: 5 }, () => Array.from(s.next().indices));
    };
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
  });

  it("fills a speaker with fewer than K items by repeating them ('replace'), or skips it ('skip')", () => {
    const replace = new PKSampler(labels, { p: 6, k: 4, seed: 2 });
    expect(replace.speakers).toEqual([0, 1, 2, 3, 4, 6]);
    expect(replace.skipped).toEqual([5]);
    const b = replace.next();
    const q = Array.from(b.labels).indexOf(4) / 4;
    const items = Array.from(b.indices.subarray(q * 4, q * 4 + 4));
    expect(new Set(items)).toEqual(new Set([36, 37, 38]));
    const skip = new PKSampler(labels, { p: 4, k: 4, fewerThanK: 'skip' });
    expect(skip.skipped).toEqual([4, 5]);
    for (let i = 0; i < 20; i++) expect(skip.next().labels.includes(4)).toBe(false);
  });

  it('covers every item of the usable speakers within a few epochs', () => {
    const s = new PKSampler(labels, { p: 3, k: 3, seed: 4 });
    const seen = new Set<number>();
    for (let e = 0; e < 3; e++) for (const b of s.epoch()) b.indices.forEach((i) => seen.add(i));
    expect(s.batchesPerEpoch).toBe(Math.floor(48 / 9));
    expect(seen.size).toBe(48);
  });

  it('refuses bad P/K and too few speakers, saying what to change', () => {
    expect(() => new PKSampler(labels, { p: 1, k: 4 })).toThrow(InvalidArgumentError);
    expect(() => new PKSampler(labels, { p: 4, k: 1.5 })).toThrow(/K \(utterances per speaker\)/);
    const few = () => new PKSampler(labels, { p: 6, k: 7, fewerThanK: 'skip' });
    expect(few).toThrow(VoxprintError);
    expect(few).toThrow(/only 4 have enough utterances/);
  });
});
