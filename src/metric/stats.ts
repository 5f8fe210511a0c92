/**
 * Mining statistics for one batch. Training shows them because they are how a user sees
 * mining go wrong: an active fraction stuck at 0 (nothing to learn), d_ap catching up with
 * d_an, or a collapsed fraction climbing towards 1 (every embedding the same point).
 */
export type ItemKind = 'triplet' | 'pair' | 'anchor';

export interface MiningStats {
  batchSize: number;
  /** Ordered positive pairs (a != p, same label). */
  positivePairs: number;
  /** All valid (a, p, n) in the batch, mined or not. */
  validTriplets: number;
  /** What the loss averages over, and how many of them it used. */
  itemKind: ItemKind;
  items: number;
  /** Items with a non-zero loss, and their share of `items` (0 when there are none). */
  active: number;
  activeFraction: number;
  /**
   * Mean anchor-positive and anchor-negative value over the items, in the loss's own units
   * (the distance it uses; for similarity losses the similarity). null when there are none.
   */
  meanDap: number | null;
  meanDan: number | null;
  /** Share of unordered pairs closer than 1e-3 (Euclidean, on the embeddings the loss sees). */
  collapsedFraction: number;
  /** Semi-hard positive pairs that had no negative farther than the positive (TFA fallback). */
  fallbacks?: number;
  /** Human-readable problems with this batch. */
  warnings: string[];
}

export const WARN_NO_POSITIVE =
  'No two embeddings in this batch share a label, so there is no positive pair and the loss is 0 (no gradient). Sample batches as P speakers x K >= 2 utterances.';
export const WARN_NO_NEGATIVE =
  'Every embedding in this batch has the same label, so there is no negative. Sample at least two speakers per batch.';
export const WARN_COLLAPSED =
  'More than half of the embedding pairs are closer than 1e-3: the embeddings have collapsed. Lower the learning rate, use semi-hard rather than hard mining, or restart from the last good checkpoint.';

export function batchWarnings(positivePairs: number, negativePairs: number, collapsed: number): string[] {
  const w: string[] = [];
  if (positivePairs === 0) w.push(WARN_NO_POSITIVE);
  if (negativePairs === 0) w.push(WARN_NO_NEGATIVE);
  if (collapsed > 0.5) w.push(WARN_COLLAPSED);
  return w;
}

/** Running mean that reports null when empty. */
export class Mean {
  private s = 0;
  private k = 0;
  add(v: number): void {
    this.s += v;
    this.k++;
  }
  get value(): number | null {
    return this.k ? this.s / this.k : null;
  }
}
