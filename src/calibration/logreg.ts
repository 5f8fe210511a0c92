/**
 * Prior-weighted linear logistic regression, the standard score-calibration back end (as in the
 * BOSARIS toolkit): the target and non-target classes are weighted so that each carries the
 * weight of its prior `pTarget`, and the result is a log-likelihood ratio
 *   llr(x) = w . x + b - logit(pTarget),
 * so that it does not depend on how many trials of each class the fit happened to see.
 * Solved by Newton's method in float64 with a small ridge on w (never on b).
 */
import { InvalidArgumentError } from '../errors';

export interface LogRegFit {
  weights: number[];
  bias: number;
  /** Newton iterations used. */
  iterations: number;
}

export interface LogRegOptions {
  /** Effective target prior of the fit (0.5 = the classes weigh the same). */
  pTarget?: number;
  /** Ridge on the weights (not the bias), relative to the total weight of the trials. */
  ridge?: number;
  maxIterations?: number;
}

const logit = (p: number) => Math.log(p / (1 - p));

/** Solves A x = y for a small symmetric positive-definite A (Gaussian elimination, partial pivot). */
function solve(a: number[][], y: number[]): number[] {
  const n = y.length;
  const m = a.map((row, i) => [...row, y[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    if (Math.abs(d) < 1e-300) throw new RangeError('singular system in the calibration fit');
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / d;
      if (f !== 0) for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/**
 * Fits llr = w . x + b on target rows `tar` and non-target rows `non` (each row one feature
 * vector of the same length). Throws InvalidArgumentError without trials of both classes.
 */
export function fitLogReg(tar: number[][], non: number[][], opts: LogRegOptions = {}): LogRegFit {
  const rows = [...tar.map((x) => ({ x, target: true, weight: 1 })), ...non.map((x) => ({ x, target: false, weight: 1 }))];
  return fitLogRegWeighted(rows, opts);
}

/** A trial for the fit: features, class, and a weight relative to the other trials of its class. */
export interface WeightedRow {
  x: number[];
  target: boolean;
  weight: number;
}

/**
 * `fitLogReg` with per-trial weights (e.g. so that every corpus and channel condition counts the
 * same); each class's weights are rescaled to sum to its prior.
 */
export function fitLogRegWeighted(input: WeightedRow[], opts: LogRegOptions = {}): LogRegFit {
  const { pTarget = 0.5, ridge = 1e-4, maxIterations = 50 } = opts;
  const sumT = input.filter((r) => r.target).reduce((a, r) => a + r.weight, 0);
  const sumN = input.filter((r) => !r.target).reduce((a, r) => a + r.weight, 0);
  if (!(sumT > 0) || !(sumN > 0)) throw new InvalidArgumentError('Calibration needs target and non-target trials with positive weight.');
  const dim = input[0].x.length;
  const rows = input.map((r) => ({ x: r.x, y: r.target ? 1 : 0, w: r.target ? (pTarget * r.weight) / sumT : ((1 - pTarget) * r.weight) / sumN }));
  const offset = logit(pTarget);
  // theta = [w..., b]; the model's log-odds are theta . [x, 1] + offset.
  const theta = new Array<number>(dim + 1).fill(0);
  let it = 0;
  for (; it < maxIterations; it++) {
    const g = new Array<number>(dim + 1).fill(0);
    const h = Array.from({ length: dim + 1 }, () => new Array<number>(dim + 1).fill(0));
    for (const r of rows) {
      let z = offset + theta[dim];
      for (let j = 0; j < dim; j++) z += theta[j] * r.x[j];
      const p = 1 / (1 + Math.exp(-z));
      const e = r.w * (p - r.y);
      const s = r.w * p * (1 - p);
      for (let j = 0; j <= dim; j++) {
        const xj = j === dim ? 1 : r.x[j];
        g[j] += e * xj;
        for (let k = 0; k <= j; k++) h[j][k] += s * xj * (k === dim ? 1 : r.x[k]);
      }
    }
    for (let j = 0; j <= dim; j++) for (let k = 0; k < j; k++) h[k][j] = h[j][k];
    for (let j = 0; j < dim; j++) {
      g[j] += ridge * theta[j];
      h[j][j] += ridge;
    }
    const step = solve(h, g);
    let max = 0;
    for (let j = 0; j <= dim; j++) {
      theta[j] -= step[j];
      max = Math.max(max, Math.abs(step[j]));
    }
    if (max < 1e-9) break;
  }
  // llr = log-odds - logit(prior): the fit's offset cancels, so llr = theta . [x, 1].
  return { weights: theta.slice(0, dim), bias: theta[dim], iterations: it + 1 };
}
