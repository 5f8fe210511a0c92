/**
 * A running histogram of frame energies (0.1 dB bins), so the streaming VAD's percentiles cost a
 * bounded scan instead of a sort of everything seen so far. The percentile follows src/audio/vad.ts
 * (`sorted[floor(p * (n - 1))]`), to within half a bin.
 */
const LO_DB = -130;
const HI_DB = 10;
const BIN_DB = 0.1;
const BINS = Math.round((HI_DB - LO_DB) / BIN_DB);

export class EnergyHistogram {
  readonly counts = new Uint32Array(BINS);
  total = 0;
  add(db: number): void {
    const b = Math.min(BINS - 1, Math.max(0, Math.floor((db - LO_DB) / BIN_DB)));
    this.counts[b]++;
    this.total++;
  }
}

/** The p-quantile (0..1) of the values added; -120 dB when empty, as the batch VAD. */
export function percentileOfHistogram(h: EnergyHistogram, p: number): number {
  if (h.total === 0) return -120;
  const rank = Math.min(h.total - 1, Math.max(0, Math.floor(p * (h.total - 1))));
  let seen = 0;
  for (let b = 0; b < BINS; b++) {
    seen += h.counts[b];
    if (seen > rank) return LO_DB + (b + 0.5) * BIN_DB;
  }
  return HI_DB;
}
