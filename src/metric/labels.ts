/**
 * Which pairs of a batch are positives and negatives. A positive pair is an ordered pair (a, p)
 * with a != p and y_a == y_p, so (a, p) and (p, a) both count; a negative of a is any n with
 * y_n != y_a. Masks are row-major `[B, B]`.
 */
import { InvalidArgumentError } from '../errors';

export interface LabelStructure {
  /** Batch size B. */
  readonly size: number;
  readonly labels: Int32Array;
  /** pos[a * B + p] = 1 for a positive pair. */
  readonly pos: Uint8Array;
  /** neg[a * B + n] = 1 when y_n != y_a. */
  readonly neg: Uint8Array;
  /** Positives and negatives per anchor, `[B]`. */
  readonly posCount: Int32Array;
  readonly negCount: Int32Array;
  /** Ordered positive pairs and ordered negative pairs in the batch. */
  readonly positivePairs: number;
  readonly negativePairs: number;
  /** All (a, p, n) with (a, p) positive and n a negative of a. */
  readonly validTriplets: number;
}

/**
 * @param labels integer class labels, one per embedding.
 * @throws InvalidArgumentError if a label is not an integer.
 */
export function labelStructure(labels: ArrayLike<number>): LabelStructure {
  const size = labels.length;
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const v = labels[i];
    if (!Number.isInteger(v)) {
      throw new InvalidArgumentError(`Label ${i} is ${v}; labels must be integers (one class id per embedding).`);
    }
    y[i] = v;
  }
  const pos = new Uint8Array(size * size);
  const neg = new Uint8Array(size * size);
  const posCount = new Int32Array(size);
  const negCount = new Int32Array(size);
  let positivePairs = 0;
  let negativePairs = 0;
  let validTriplets = 0;
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      if (a === b) continue;
      if (y[a] === y[b]) {
        pos[a * size + b] = 1;
        posCount[a]++;
      } else {
        neg[a * size + b] = 1;
        negCount[a]++;
      }
    }
    positivePairs += posCount[a];
    negativePairs += negCount[a];
    validTriplets += posCount[a] * negCount[a];
  }
  return { size, labels: y, pos, neg, posCount, negCount, positivePairs, negativePairs, validTriplets };
}
