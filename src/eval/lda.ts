/**
 * Linear discriminant analysis for the `lda` baseline: finds the directions that maximise
 * between-speaker over within-speaker variance, by the generalised symmetric eigenproblem
 * Sb v = lambda (Sw + r I) v, solved as an ordinary one through the Cholesky factor of the
 * (regularised) within-class scatter. Inputs are z-scored first so that `r` is relative.
 * The projection whitens the within-class scatter (V^T Sw V = I), so cosine scoring after it
 * is the classic "LDA + cosine" recipe.
 */
import { InvalidArgumentError } from '../errors';
import { cholesky, solveLower, solveUpperT, symmetricEigen, transpose } from './linalg';

export interface LdaModel {
  format: 'voxprint-lda';
  version: 1;
  inDim: number;
  outDim: number;
  /** z-score parameters of the inputs: [inDim] each. */
  mean: number[];
  scale: number[];
  /** Projection, row-major [inDim, outDim]. */
  w: number[];
  /** Generalised eigenvalues of the kept directions (between/within variance ratios), descending. */
  eigenvalues: number[];
  classes: number;
  samples: number;
}

export interface LdaOptions {
  /** Output dimensions (at most classes - 1 and inDim). Default 30. */
  dims?: number;
  /** Within-class regularisation, as a fraction of the mean within-class variance. Default 0.01. */
  reg?: number;
}

/**
 * Fits LDA on `x` (one row per utterance, all the same length) with speaker labels.
 * Throws InvalidArgumentError with fewer than 2 classes or mismatched inputs.
 */
export function fitLda(x: Float32Array[], labels: string[], opts: LdaOptions = {}): LdaModel {
  const { dims = 30, reg = 0.01 } = opts;
  if (x.length !== labels.length) throw new InvalidArgumentError(`LDA: ${x.length} samples but ${labels.length} labels.`);
  if (x.length === 0) throw new InvalidArgumentError('LDA: no training samples.');
  const d = x[0].length;
  const n = x.length;
  const classIds = new Map<string, number>();
  for (const l of labels) if (!classIds.has(l)) classIds.set(l, classIds.size);
  const nc = classIds.size;
  if (nc < 2) throw new InvalidArgumentError('LDA needs at least two speakers to learn from.');
  const k = Math.min(dims, nc - 1, d);

  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (const row of x) {
    if (row.length !== d) throw new InvalidArgumentError(`LDA: rows of different lengths (${row.length} vs ${d}).`);
    for (let j = 0; j < d; j++) {
      mean[j] += row[j];
      sq[j] += row[j] * row[j];
    }
  }
  const scale = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    mean[j] /= n;
    const sd = Math.sqrt(Math.max(sq[j] / n - mean[j] * mean[j], 0));
    scale[j] = sd > 1e-12 ? sd : 1;
  }
  const z = x.map((row) => Float64Array.from(row, (v, j) => (v - mean[j]) / scale[j]));

  const cMean = new Float64Array(nc * d);
  const cCount = new Float64Array(nc);
  z.forEach((row, i) => {
    const c = classIds.get(labels[i])!;
    cCount[c]++;
    for (let j = 0; j < d; j++) cMean[c * d + j] += row[j];
  });
  for (let c = 0; c < nc; c++) for (let j = 0; j < d; j++) cMean[c * d + j] /= cCount[c];

  const sw = new Float64Array(d * d);
  const diff = new Float64Array(d);
  z.forEach((row, i) => {
    const c = classIds.get(labels[i])!;
    for (let j = 0; j < d; j++) diff[j] = row[j] - cMean[c * d + j];
    addOuter(sw, diff, 1 / n);
  });
  const sb = new Float64Array(d * d);
  for (let c = 0; c < nc; c++) addOuter(sb, cMean.subarray(c * d, (c + 1) * d), cCount[c] / n); // global mean is 0 after z-scoring

  let tr = 0;
  for (let j = 0; j < d; j++) tr += sw[j * d + j];
  const ridge = reg * (tr / d || 1);
  for (let j = 0; j < d; j++) sw[j * d + j] += ridge;

  const l = cholesky(sw, d);
  const a = solveLower(l, sb, d, d); // L^-1 Sb
  const m = solveLower(l, transpose(a, d, d), d, d); // L^-1 Sb L^-T
  for (let i = 0; i < d; i++)
    for (let j = i + 1; j < d; j++) {
      const s = 0.5 * (m[i * d + j] + m[j * d + i]);
      m[i * d + j] = s;
      m[j * d + i] = s;
    }
  const eig = symmetricEigen(m, d);
  const uk = new Float64Array(d * k);
  for (let i = 0; i < d; i++) for (let c = 0; c < k; c++) uk[i * k + c] = eig.vectors[i * d + c];
  const w = solveUpperT(l, uk, d, k); // V = L^-T U_k

  return {
    format: 'voxprint-lda',
    version: 1,
    inDim: d,
    outDim: k,
    mean: Array.from(mean),
    scale: Array.from(scale),
    w: Array.from(w),
    eigenvalues: Array.from(eig.values.subarray(0, k)),
    classes: nc,
    samples: n,
  };
}

/** Projects one input row: ((x - mean) / scale) W -> [outDim]. */
export function ldaProject(model: LdaModel, x: ArrayLike<number>): Float32Array {
  const { inDim: d, outDim: k, mean, scale, w } = model;
  if (x.length !== d) throw new RangeError(`LDA input has ${x.length} values, the model expects ${d}`);
  const out = new Float64Array(k);
  for (let j = 0; j < d; j++) {
    const zj = (x[j] - mean[j]) / scale[j];
    if (zj === 0) continue;
    for (let c = 0; c < k; c++) out[c] += zj * w[j * k + c];
  }
  return Float32Array.from(out);
}

function addOuter(acc: Float64Array, v: ArrayLike<number>, weight: number): void {
  const d = v.length;
  for (let i = 0; i < d; i++) {
    const vi = v[i] * weight;
    if (vi === 0) continue;
    for (let j = 0; j < d; j++) acc[i * d + j] += vi * v[j];
  }
}
