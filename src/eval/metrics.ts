/**
 * Verification metrics over score lists: EER, minDCF and DET points.
 * Scores are similarities (higher = more likely the same speaker).
 */
import { ratesAt } from '../calibration/metrics';

export interface EerResult {
  /** Equal error rate in [0, 1]. */
  eer: number;
  /** The score threshold at which the miss and false-alarm rates cross. */
  threshold: number;
}

export interface DetPoint {
  threshold: number;
  /** False-alarm (false-accept) rate in [0, 1]. */
  pfa: number;
  /** Miss (false-reject) rate in [0, 1]. */
  pmiss: number;
}

function checkScores(tar: ArrayLike<number>, non: ArrayLike<number>): void {
  if (tar.length === 0 || non.length === 0) {
    throw new RangeError(`need at least one target and one non-target score (got ${tar.length} and ${non.length})`);
  }
}

/**
 * The full DET sweep: one point per distinct threshold, from accepting everything (pmiss 0, pfa 1)
 * to rejecting everything (pmiss 1, pfa 0). A trial is accepted when score >= threshold.
 */
export function detCurve(tar: ArrayLike<number>, non: ArrayLike<number>): DetPoint[] {
  checkScores(tar, non);
  const all: Array<[number, 0 | 1]> = [];
  for (let i = 0; i < tar.length; i++) all.push([tar[i], 1]);
  for (let i = 0; i < non.length; i++) all.push([non[i], 0]);
  all.sort((a, b) => a[0] - b[0]);
  const nt = tar.length;
  const nn = non.length;
  const points: DetPoint[] = [{ threshold: all[0][0], pfa: 1, pmiss: 0 }];
  let missed = 0; // targets below the threshold
  let rejectedNon = 0; // non-targets below the threshold
  for (let i = 0; i < all.length; ) {
    const s = all[i][0];
    while (i < all.length && all[i][0] === s) {
      if (all[i][1] === 1) missed++;
      else rejectedNon++;
      i++;
    }
    const next = i < all.length ? all[i][0] : s + 1e-6;
    points.push({ threshold: next, pfa: (nn - rejectedNon) / nn, pmiss: missed / nt });
  }
  return points;
}

/** Equal error rate, interpolated linearly between the two DET points that bracket pmiss = pfa. */
export function computeEer(tar: ArrayLike<number>, non: ArrayLike<number>): EerResult {
  const det = detCurve(tar, non);
  for (let i = 1; i < det.length; i++) {
    const a = det[i - 1];
    const b = det[i];
    if (b.pmiss >= b.pfa) {
      // a.pmiss < a.pfa (or i = 1 where a.pmiss = 0 <= 1 = a.pfa): the crossing lies between a and b.
      const da = a.pfa - a.pmiss;
      const db = b.pmiss - b.pfa;
      const w = da + db === 0 ? 0.5 : da / (da + db);
      const eer = a.pfa + w * (b.pfa - a.pfa);
      return { eer: Math.min(1, Math.max(0, eer)), threshold: a.threshold + w * (b.threshold - a.threshold) };
    }
  }
  return { eer: 0, threshold: det[det.length - 1].threshold };
}

export interface DcfOptions {
  pTarget?: number;
  costMiss?: number;
  costFa?: number;
}

/** Minimum normalised detection cost (NIST SRE style), default p_target 0.01, C_miss = C_fa = 1. */
export function computeMinDcf(
  tar: ArrayLike<number>,
  non: ArrayLike<number>,
  opts: DcfOptions = {},
): { minDcf: number; threshold: number } {
  const { pTarget = 0.01, costMiss = 1, costFa = 1 } = opts;
  const det = detCurve(tar, non);
  const norm = Math.min(costMiss * pTarget, costFa * (1 - pTarget));
  let best = Infinity;
  let threshold = det[0].threshold;
  for (const p of det) {
    const c = (costMiss * pTarget * p.pmiss + costFa * (1 - pTarget) * p.pfa) / norm;
    if (c < best) {
      best = c;
      threshold = p.threshold;
    }
  }
  return { minDcf: best, threshold };
}

/**
 * The threshold that accepts at most `targetFar` of the non-target trials (the Calibrate screen's
 * "choose by false-accept rate"): k = floor(targetFar * n) non-targets may pass, and the threshold
 * sits halfway between the k-th and (k+1)-th highest non-target scores, so it rests on no trial's
 * score. Above every non-target (k = 0) it is 0.001 over the highest, at most 1 (scores are cosines).
 */
export function thresholdForFar(tar: ArrayLike<number>, non: ArrayLike<number>, targetFar: number): DetPoint {
  if (non.length === 0) throw new RangeError('need at least one non-target score');
  const desc = Array.from(non).sort((a, b) => b - a);
  const k = Math.floor(Math.max(0, Math.min(1, targetFar)) * desc.length + 1e-9);
  let t: number;
  if (k >= desc.length) t = desc[desc.length - 1];
  else if (k === 0) t = Math.min(1, desc[0] + 1e-3);
  else t = desc[k] === desc[k - 1] ? desc[k] + 1e-6 : (desc[k] + desc[k - 1]) / 2;
  const r = ratesAt(tar, non, t);
  return { threshold: t, pfa: r.falseAcceptRate, pmiss: r.falseRejectRate };
}
