/** Pure helpers for the Calibrate screen: histograms, thresholds and the DET axes. */
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

/**
 * The lowest threshold whose false-accept rate on these trials is at most `targetFar`: it sits
 * halfway between the k-th and (k+1)-th highest different-speaker scores, k = floor(target * n).
 */
export function thresholdForFar(targetFar: number, same: number[], different: number[]): ThresholdChoice {
  if (different.length === 0) throw new RangeError('need at least one different-speaker trial');
  const desc = [...different].sort((a, b) => b - a);
  const k = Math.floor(Math.max(0, Math.min(1, targetFar)) * desc.length + 1e-9);
  let t: number;
  if (k >= desc.length) t = desc[desc.length - 1];
  else if (k === 0) t = Math.min(1, desc[0] + 1e-3);
  else t = desc[k] === desc[k - 1] ? desc[k] + 1e-6 : (desc[k] + desc[k - 1]) / 2;
  return ratesAt(t, same, different);
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function probit(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowP = 0.02425;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < lowP) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p <= 1 - lowP) {
    const q = p - 0.5;
    const r = q * q;
    return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const q = Math.sqrt(-2 * Math.log(1 - p));
  return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
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
