/**
 * Property tests of the miners over many random batches (labels with singletons included),
 * against brute force on the same float32 distance values the miners see.
 */
import { describe, expect, it } from 'vitest';
import { labelStructure } from '../../src/metric/labels';
import {
  allTriplets,
  batchHardMiner,
  randomMiner,
  tfaHardMiner,
  tfaSemiHardMiner,
  tripletMarginMiner,
  type PmlTripletType,
} from '../../src/metric/miners';
import { makeRng } from '../../src/util/rng';
import type { Triplets } from '../../src/metric/types';
import { allValidTriplets, matrix, pmlMinerRef, randomMatrix } from './helpers/reference';

function rows(t: Triplets): number[][] {
  return Array.from(t.a, (a, i) => [a, t.p[i], t.n[i]]);
}

/** Random batches: sizes 2..20, 1..6 classes, some singletons, float32 distances. */
function batches(count: number): { D: Float32Array; y: number[]; B: number }[] {
  const rng = makeRng(42);
  return Array.from({ length: count }, (_, k) => {
    const B = 2 + rng.int(19);
    const classes = 1 + rng.int(6);
    const y = Array.from({ length: B }, () => rng.int(classes));
    const D = Float32Array.from(matrix(randomMatrix(B, 3, k + 1), 'l2').flat());
    return { D, y, B };
  });
}

const MARGIN = 0.5;

describe('pml TripletMarginMiner', () => {
  it('semihard returns exactly the valid triplets with d_ap < d_an <= d_ap + m', () => {
    for (const { D, y, B } of batches(60)) {
      const t = tripletMarginMiner(D, labelStructure(y), { margin: MARGIN, type: 'semihard' });
      for (const [a, p, n] of rows(t)) {
        expect(y[a]).toBe(y[p]);
        expect(a).not.toBe(p);
        expect(y[n]).not.toBe(y[a]);
        expect(D[a * B + p]).toBeLessThan(D[a * B + n]);
        expect(D[a * B + n]).toBeLessThanOrEqual(D[a * B + p] + MARGIN);
      }
      const expected = allValidTriplets(y).filter(([a, p, n]) => {
        const tm = D[a * B + n] - D[a * B + p];
        return tm > 0 && tm <= MARGIN;
      });
      expect(rows(t)).toEqual(expected);
    }
  });

  it.each(['all', 'hard', 'easy'] as PmlTripletType[])('%s equals brute force, in pml order (a, p, n sorted)', (type) => {
    for (const { D, y, B } of batches(40)) {
      const Dm = Array.from({ length: B }, (_, i) => Array.from(D.subarray(i * B, (i + 1) * B)));
      expect(rows(tripletMarginMiner(D, labelStructure(y), { margin: MARGIN, type }))).toEqual(pmlMinerRef(Dm, y, MARGIN, type));
    }
  });

  it('hard and easy partition with semihard the full set of valid triplets', () => {
    for (const { D, y } of batches(20)) {
      const ls = labelStructure(y);
      const count = (type: PmlTripletType) => tripletMarginMiner(D, ls, { margin: MARGIN, type }).a.length;
      expect(count('hard') + count('semihard') + count('easy')).toBe(ls.validTriplets);
      expect(allTriplets(ls).a.length).toBe(ls.validTriplets);
    }
  });

  it('flips comparisons for similarities', () => {
    const { D, y } = batches(1)[0];
    const ls = labelStructure(y);
    const asSim = D.map((v) => -v);
    expect(rows(tripletMarginMiner(asSim, ls, { margin: MARGIN, type: 'semihard', similarity: true }))).toEqual(
      rows(tripletMarginMiner(D, ls, { margin: MARGIN, type: 'semihard' })),
    );
    expect(rows(batchHardMiner(asSim, ls, { similarity: true }))).toEqual(rows(batchHardMiner(D, ls)));
  });
});

describe('batch-hard', () => {
  it('keeps anchors with a positive and a negative, farthest positive, nearest negative', () => {
    for (const { D, y, B } of batches(40)) {
      const ls = labelStructure(y);
      const t = batchHardMiner(D, ls);
      const kept = y.map((_, a) => a).filter((a) => ls.posCount[a] > 0 && ls.negCount[a] > 0);
      expect(Array.from(t.a)).toEqual(kept);
      rows(t).forEach(([a, p, n]) => {
        for (let j = 0; j < B; j++) {
          if (ls.pos[a * B + j]) expect(D[a * B + j]).toBeLessThanOrEqual(D[a * B + p]);
          if (ls.neg[a * B + j]) expect(D[a * B + j]).toBeGreaterThanOrEqual(D[a * B + n]);
        }
      });
    }
  });
});

describe('TFA semi-hard', () => {
  it('picks, per positive pair, the nearest negative farther than the positive, else the farthest negative', () => {
    let fallbacks = 0;
    let regular = 0;
    for (const { D, y, B } of batches(60)) {
      const ls = labelStructure(y);
      const m = tfaSemiHardMiner(D, ls);
      expect(m.triplets.a.length).toBe(ls.positivePairs);
      rows(m.triplets).forEach(([a, p, n], i) => {
        const negs = y.map((_, j) => j).filter((j) => y[j] !== y[a]);
        if (!negs.length) {
          expect(n).toBe(a);
          return;
        }
        expect(y[n]).not.toBe(y[a]);
        const farther = negs.filter((j) => D[a * B + j] > D[a * B + p]);
        if (farther.length) {
          regular++;
          expect(m.fallback[i]).toBe(0);
          expect(D[a * B + n]).toBeGreaterThan(D[a * B + p]);
          expect(D[a * B + n]).toBe(Math.min(...farther.map((j) => D[a * B + j])));
        } else {
          fallbacks++;
          expect(m.fallback[i]).toBe(1);
          expect(D[a * B + n]).toBe(Math.max(...negs.map((j) => D[a * B + j])));
        }
      });
    }
    expect(fallbacks).toBeGreaterThan(0);
    expect(regular).toBeGreaterThan(0);
  });

  it('ignores the margin: a negative far beyond d_ap + m is still chosen when it is the nearest farther one', () => {
    // Row 0: positive 1 at 0.1, negatives at 5 and 9. pml semihard (m = 0.2) finds nothing.
    const y = [0, 0, 1, 1];
    const D = Float32Array.from([0, 0.1, 5, 9, 0.1, 0, 6, 7, 5, 6, 0, 1, 9, 7, 1, 0]);
    const ls = labelStructure(y);
    expect(rows(tfaSemiHardMiner(D, ls).triplets)[0]).toEqual([0, 1, 2]);
    expect(tripletMarginMiner(D, ls, { margin: 0.2, type: 'semihard' }).a.length).toBe(0);
  });
});

describe('TFA hard', () => {
  it('covers every anchor; anchors without a positive point p at themselves', () => {
    for (const { D, y } of batches(30)) {
      const ls = labelStructure(y);
      const m = tfaHardMiner(D, ls);
      expect(Array.from(m.triplets.a)).toEqual(y.map((_, i) => i));
      y.forEach((_, a) => {
        expect(m.noPositive[a]).toBe(ls.posCount[a] ? 0 : 1);
        if (!ls.posCount[a]) expect(m.triplets.p[a]).toBe(a);
      });
    }
  });
});

describe('random miner', () => {
  it('gives one valid negative per positive pair, reproducibly for a seed', () => {
    for (const { y } of batches(20)) {
      const ls = labelStructure(y);
      const t1 = randomMiner(ls, makeRng(5));
      const t2 = randomMiner(ls, makeRng(5));
      expect(rows(t1)).toEqual(rows(t2));
      const pairs = y.reduce((s, _, a) => s + (ls.negCount[a] ? ls.posCount[a] : 0), 0);
      expect(t1.a.length).toBe(pairs);
      rows(t1).forEach(([a, p, n]) => {
        expect(y[p]).toBe(y[a]);
        expect(y[n]).not.toBe(y[a]);
      });
    }
  });

  it('draws different negatives for different seeds', () => {
    const y = Array.from({ length: 20 }, (_, i) => i % 4);
    const ls = labelStructure(y);
    expect(rows(randomMiner(ls, makeRng(1)))).not.toEqual(rows(randomMiner(ls, makeRng(2))));
  });
});
