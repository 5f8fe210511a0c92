/**
 * Calibration metrics over log-likelihood-ratio scores (natural log), after Brümmer & du Preez
 * (2006): Cllr, its minimum over monotonic re-calibrations (minCllr, via the pool-adjacent-
 * violators algorithm) and the actual normalised DCF of the Bayes decision at a prior.
 */

const LOG2 = Math.log(2);
/** log(1 + e^x) without overflow. */
const softplus = (x: number) => (x > 30 ? x : x < -30 ? Math.exp(x) : Math.log1p(Math.exp(x)));

/** Cllr in bits: 0 is perfect, 1 is a system that always says llr = 0, more is worse than none. */
export function cllr(tarLlr: ArrayLike<number>, nonLlr: ArrayLike<number>): number {
  if (tarLlr.length === 0 || nonLlr.length === 0) throw new RangeError('cllr needs target and non-target scores');
  let a = 0;
  for (let i = 0; i < tarLlr.length; i++) a += softplus(-tarLlr[i]);
  let b = 0;
  for (let i = 0; i < nonLlr.length; i++) b += softplus(nonLlr[i]);
  return (a / tarLlr.length + b / nonLlr.length) / (2 * LOG2);
}

/**
 * The lowest Cllr any monotonic transform of these scores reaches: PAV gives the optimal
 * non-decreasing posterior for the pooled, sorted trials; its log-odds minus the empirical prior
 * log-odds are the optimal llrs.
 */
export function minCllr(tar: ArrayLike<number>, non: ArrayLike<number>): number {
  const nt = tar.length;
  const nn = non.length;
  if (nt === 0 || nn === 0) throw new RangeError('minCllr needs target and non-target scores');
  const all: [number, number][] = [];
  for (let i = 0; i < nt; i++) all.push([tar[i], 1]);
  for (let i = 0; i < nn; i++) all.push([non[i], 0]);
  all.sort((x, y) => x[0] - y[0]);
  // Tied scores form one block from the start: a tie cannot be split by any re-mapping.
  const sum: number[] = [];
  const cnt: number[] = [];
  for (let i = 0; i < all.length; ) {
    let s = 0;
    let c = 0;
    for (const v = all[i][0]; i < all.length && all[i][0] === v; i++, c++) s += all[i][1];
    sum.push(s);
    cnt.push(c);
    while (sum.length > 1 && sum[sum.length - 2] / cnt[cnt.length - 2] >= sum[sum.length - 1] / cnt[cnt.length - 1]) {
      const ps = sum.pop()!;
      const pc = cnt.pop()!;
      sum[sum.length - 1] += ps;
      cnt[cnt.length - 1] += pc;
    }
  }
  const priorLogOdds = Math.log(nt / nn);
  const eps = 1e-6;
  const t: number[] = [];
  const n: number[] = [];
  let k = 0;
  for (let b = 0; b < sum.length; b++) {
    const p = Math.min(1 - eps, Math.max(eps, sum[b] / cnt[b]));
    const llr = Math.log(p / (1 - p)) - priorLogOdds;
    for (let i = 0; i < cnt[b]; i++, k++) (all[k][1] === 1 ? t : n).push(llr);
  }
  return cllr(t, n);
}

export interface ActDcf {
  /** Normalised detection cost of accepting when llr >= threshold. */
  actDcf: number;
  falseAcceptRate: number;
  falseRejectRate: number;
  /** The Bayes threshold on the llr: -logit(pTarget) for equal costs. */
  threshold: number;
}

/** Actual normalised DCF of the Bayes decision llr >= -logit(pTarget) (C_miss = C_fa = 1). */
export function actDcf(tarLlr: ArrayLike<number>, nonLlr: ArrayLike<number>, pTarget = 0.01): ActDcf {
  const threshold = -Math.log(pTarget / (1 - pTarget));
  const r = ratesAt(tarLlr, nonLlr, threshold);
  const norm = Math.min(pTarget, 1 - pTarget);
  return { actDcf: (pTarget * r.falseRejectRate + (1 - pTarget) * r.falseAcceptRate) / norm, ...r, threshold };
}

/** P(same speaker) at even prior odds for a natural-log llr (pure: the renderer uses it too). */
export const llrToProbability = (llr: number): number => 1 / (1 + Math.exp(-llr));

/** False-accept and false-reject rates of the decision score >= threshold. */
export function ratesAt(tar: ArrayLike<number>, non: ArrayLike<number>, threshold: number): { falseAcceptRate: number; falseRejectRate: number } {
  let fr = 0;
  for (let i = 0; i < tar.length; i++) if (tar[i] < threshold) fr++;
  let fa = 0;
  for (let i = 0; i < non.length; i++) if (non[i] >= threshold) fa++;
  return { falseAcceptRate: fa / Math.max(1, non.length), falseRejectRate: fr / Math.max(1, tar.length) };
}
