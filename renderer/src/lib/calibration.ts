/** Pure helpers for the Calibrate screen: histograms, rates and the DET axes (probit and the threshold for a FAR are src/eval's). */
import { probit } from '../../../src/eval/det-svg';
import { ratesAt as coreRatesAt } from '../../../src/eval/store-threshold';

export interface Histogram {
  /** Left edge of each bin, then the right edge of the last one (bins + 1 values). */
  edges: number[];
  /** Share of each list in each bin (each list sums to 1). */
  same: number[];
  different: number[];
}

export function histogram(same: number[], different: number[], bins = 30): Histogram {
  const all = same.concat(different);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { edges: [], same: [], different: [] };
  if (hi - lo < 1e-6) {
    lo -= 0.05;
    hi += 0.05;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const count = (xs: number[]) => {
    const c = new Array<number>(bins).fill(0);
    for (const x of xs) c[Math.min(bins - 1, Math.floor((x - lo) / width))] += 1;
    return xs.length ? c.map((v) => v / xs.length) : c;
  };
  return { edges, same: count(same), different: count(different) };
}

export interface ThresholdChoice {
  threshold: number;
  /** Share of different-speaker trials that would be accepted. */
  far: number;
  /** Share of same-speaker trials that would be rejected. */
  frr: number;
}

/** Rates at a threshold (a trial is accepted when its score >= threshold): the core's rule, with the threshold attached. */
export function ratesAt(threshold: number, same: number[], different: number[]): ThresholdChoice {
  return { threshold, ...coreRatesAt(threshold, same, different) };
}

/** DET axis ticks, as error rates. */
export const DET_TICKS = [0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6];
const DET_MIN = 0.001;
const DET_MAX = 0.6;

/** DET points in probit space, sorted by false-accept rate, clamped to the plotted range. */
export function detSeries(det: { pfa: number; pmiss: number }[]): { x: number[]; y: number[] } {
  const clamp = (p: number) => Math.min(0.999, Math.max(DET_MIN / 2, p));
  const pts = det.map((p) => [probit(clamp(p.pfa)), probit(clamp(p.pmiss))] as const).sort((u, v) => u[0] - v[0] || v[1] - u[1]);
  return { x: pts.map((p) => p[0]), y: pts.map((p) => p[1]) };
}

export const DET_RANGE: [number, number] = [probit(DET_MIN / 2), probit(DET_MAX)];

export function percent(p: number, digits = 1): string {
  const v = p * 100;
  return `${v < 1 && v > 0 ? v.toFixed(Math.max(digits, 2)) : v.toFixed(digits)}%`;
}
