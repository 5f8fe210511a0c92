/**
 * Plain float64 loops written straight from ../shared/golden/README.md's semantics table, with
 * no code shared with src/metric: the oracle for the loss tests, the finite-difference gradient
 * checks, and the synthetic golden fixtures. Slow on purpose (O(B^3) loops over triplets).
 */
export type Mat = number[][];
export type RefMetric = 'l2' | 'squared-l2' | 'angular' | 'cosine' | 'dot';

export function nrm(x: number[], eps = 1e-12): number[] {
  const n = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
  return x.map((v) => v / Math.max(n, eps));
}

export function dot(a: number[], b: number[]): number {
  return a.reduce((s, v, i) => s + v * b[i], 0);
}

/** d(a, b) under `metric`, on rows already normalised or not as the caller decides. */
export function pairValue(a: number[], b: number[], metric: RefMetric): number {
  switch (metric) {
    case 'l2':
      return Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
    case 'squared-l2':
      return a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
    case 'angular':
      return Math.max(1 - dot(nrm(a), nrm(b)), 0);
    case 'cosine':
      return dot(nrm(a), nrm(b));
    case 'dot':
      return dot(a, b);
  }
}

export function matrix(E: Mat, metric: RefMetric, normalize = false): Mat {
  const X = normalize ? E.map((r) => nrm(r)) : E;
  return X.map((a, i) => X.map((b, j) => (i === j && metric !== 'cosine' && metric !== 'dot' ? 0 : pairValue(a, b, metric))));
}

export const relu = (x: number): number => Math.max(x, 0);
export const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

export type Triplet = [number, number, number];

export function allValidTriplets(y: number[]): Triplet[] {
  const out: Triplet[] = [];
  y.forEach((ya, a) =>
    y.forEach((yp, p) => {
      if (p !== a && yp === ya) y.forEach((yn, n) => yn !== ya && out.push([a, p, n]));
    }),
  );
  return out;
}

/** pml TripletMarginLoss on the given triplets: relu(d_ap - d_an + m), AvgNonZero or mean. */
export function tripletRef(D: Mat, triplets: Triplet[], margin: number, reducer: 'avg-nonzero' | 'mean' = 'avg-nonzero'): number {
  const l = triplets.map(([a, p, n]) => relu(D[a][p] - D[a][n] + margin));
  const nz = l.filter((v) => v > 0);
  if (reducer === 'mean') return l.length ? l.reduce((s, v) => s + v, 0) / l.length : 0;
  return nz.length ? nz.reduce((s, v) => s + v, 0) / nz.length : 0;
}

export function pmlMinerRef(D: Mat, y: number[], margin: number, type: 'all' | 'hard' | 'semihard' | 'easy'): Triplet[] {
  return allValidTriplets(y).filter(([a, p, n]) => {
    const tm = D[a][n] - D[a][p];
    return type === 'all' ? tm <= margin : type === 'hard' ? tm <= 0 : type === 'semihard' ? tm > 0 && tm <= margin : tm > margin;
  });
}

export function batchHardRef(D: Mat, y: number[]): Triplet[] {
  const out: Triplet[] = [];
  y.forEach((ya, a) => {
    const pos = y.map((_, j) => j).filter((j) => j !== a && y[j] === ya);
    const neg = y.map((_, j) => j).filter((j) => y[j] !== ya);
    if (!pos.length || !neg.length) return;
    const p = pos.reduce((b, j) => (D[a][j] > D[a][b] ? j : b));
    const n = neg.reduce((b, j) => (D[a][j] < D[a][b] ? j : b));
    out.push([a, p, n]);
  });
  return out;
}

/** TFA semi-hard choice per positive pair; `fallback` marks pairs with no farther negative. */
export function tfaSemiHardRef(D: Mat, y: number[], margin: number): { value: number; mined: Triplet[]; fallback: [number, number][] } {
  const mined: Triplet[] = [];
  const fallback: [number, number][] = [];
  let sum = 0;
  y.forEach((ya, a) =>
    y.forEach((yp, p) => {
      if (p === a || yp !== ya) return;
      const neg = y.map((_, j) => j).filter((j) => y[j] !== ya);
      const farther = neg.filter((n) => D[a][n] > D[a][p]);
      let n: number;
      if (farther.length) n = farther.reduce((b, j) => (D[a][j] < D[a][b] ? j : b));
      else {
        n = neg.reduce((b, j) => (D[a][j] > D[a][b] ? j : b));
        fallback.push([a, p]);
      }
      mined.push([a, p, n]);
      sum += relu(margin + D[a][p] - D[a][n]);
    }),
  );
  return { value: mined.length ? sum / mined.length : 0, mined, fallback };
}

/** TFA hard: every anchor, hp = 0 without a positive; relu(hp - hn + m) or softplus(hp - hn). */
export function tfaHardRef(D: Mat, y: number[], margin: number, soft = false): { value: number; mined: (number | null)[][] } {
  const mined: (number | null)[][] = [];
  let sum = 0;
  y.forEach((ya, a) => {
    const pos = y.map((_, j) => j).filter((j) => j !== a && y[j] === ya);
    const neg = y.map((_, j) => j).filter((j) => y[j] !== ya);
    const p = pos.length ? pos.reduce((b, j) => (D[a][j] > D[a][b] ? j : b)) : null;
    const n = neg.reduce((b, j) => (D[a][j] < D[a][b] ? j : b));
    const hp = p === null ? 0 : D[a][p];
    sum += soft ? softplus(hp - D[a][n]) : relu(hp - D[a][n] + margin);
    mined.push([a, p, n]);
  });
  return { value: sum / y.length, mined };
}

export function contrastivePmlRef(D: Mat, y: number[], pm = 0, nm = 1): { value: number; pos: number; neg: number } {
  const pos: number[] = [];
  const neg: number[] = [];
  y.forEach((ya, a) =>
    y.forEach((yb, b) => {
      if (a === b) return;
      if (ya === yb) pos.push(relu(D[a][b] - pm));
      else neg.push(relu(nm - D[a][b]));
    }),
  );
  const avgNz = (l: number[]) => {
    const nz = l.filter((v) => v > 0);
    return nz.length ? nz.reduce((s, v) => s + v, 0) / nz.length : 0;
  };
  return { value: avgNz(pos) + avgNz(neg), pos: avgNz(pos), neg: avgNz(neg) };
}

/** Hadsell: y d^2 + (1 - y) relu(m - d)^2, mean over ordered pairs a != b; D Euclidean. */
export function hadsellRef(D: Mat, y: number[], m = 1): number {
  let s = 0;
  let k = 0;
  y.forEach((ya, a) =>
    y.forEach((yb, b) => {
      if (a === b) return;
      s += ya === yb ? D[a][b] ** 2 : relu(m - D[a][b]) ** 2;
      k++;
    }),
  );
  return k ? s / k : 0;
}

export function npairsRef(E: Mat, y: number[], normalize = true): { value: number; pairs: [number, number][] } {
  const labels = [...new Set(y)].sort((a, b) => a - b);
  const pairs: [number, number][] = [];
  for (const l of labels) {
    const m = y.map((v, i) => (v === l ? i : -1)).filter((i) => i >= 0);
    if (m.length >= 2) pairs.push([m[0], m[1]]);
  }
  const X = normalize ? E.map((r) => nrm(r)) : E;
  let s = 0;
  pairs.forEach(([a], i) => {
    const row = pairs.map(([, p]) => dot(X[a], X[p]));
    const mx = Math.max(...row);
    const lse = mx + Math.log(row.reduce((t, v) => t + Math.exp(v - mx), 0));
    s += lse - row[i];
  });
  return { value: pairs.length ? s / pairs.length : 0, pairs };
}

export function ntxentRef(E: Mat, y: number[], T: number): number {
  const S = matrix(E, 'cosine').map((r) => r.map((v) => v / T));
  const l: number[] = [];
  y.forEach((ya, a) =>
    y.forEach((yp, p) => {
      if (a === p || yp !== ya) return;
      const negs = y.map((_, n) => n).filter((n) => y[n] !== ya);
      const den = Math.exp(S[a][p]) + negs.reduce((t, n) => t + Math.exp(S[a][n]), 0);
      l.push(-Math.log(Math.exp(S[a][p]) / den));
    }),
  );
  return l.length ? l.reduce((t, v) => t + v, 0) / l.length : 0;
}

export function supconRef(E: Mat, y: number[], T: number): number {
  const S = matrix(E, 'cosine').map((r) => r.map((v) => v / T));
  const B = y.length;
  if (!y.some((ya, a) => y.some((yb, b) => a !== b && ya === yb)) || !y.some((ya) => y.some((yb) => yb !== ya))) return 0;
  const l = y.map((ya, i) => {
    const pos = y.map((_, j) => j).filter((j) => j !== i && y[j] === ya);
    if (!pos.length) return 0;
    const others = [...Array(B).keys()].filter((k) => k !== i);
    const lse = Math.log(others.reduce((t, k) => t + Math.exp(S[i][k]), 0));
    return -pos.reduce((t, p) => t + (S[i][p] - lse), 0) / pos.length;
  });
  const nz = l.filter((v) => v > 0);
  return nz.length ? nz.reduce((t, v) => t + v, 0) / nz.length : 0;
}

/** Central differences of `f` at `E` (float64), `[B][D]`. */
export function numericGrad(f: (E: Mat) => number, E: Mat, h = 1e-6): Mat {
  return E.map((row, i) =>
    row.map((_, k) => {
      const plus = E.map((r) => r.slice());
      const minus = E.map((r) => r.slice());
      plus[i][k] += h;
      minus[i][k] -= h;
      return (f(plus) - f(minus)) / (2 * h);
    }),
  );
}

/** Deterministic float32-representable Gaussian-ish matrix (sum of uniforms) from a seed. */
export function randomMatrix(b: number, d: number, seed: number, scale = 1): Mat {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return Array.from({ length: b }, () =>
    Array.from({ length: d }, () => Math.fround(scale * (u() + u() + u() + u() - 2) * 1.7)),
  );
}

export function unitRows(E: Mat): Mat {
  return E.map((r) => nrm(r).map(Math.fround));
}
