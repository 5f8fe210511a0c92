import { describe, expect, it } from 'vitest';
import { fitLda, ldaProject } from '../../src/eval/lda';
import { cholesky, solveLower, solveUpperT, symmetricEigen } from '../../src/eval/linalg';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());

describe('Jacobi eigensolver and Cholesky', () => {
  it('diagonalises a known symmetric matrix: A v = lambda v, orthonormal vectors, descending values', () => {
    // eigenvalues of [[2,1,0],[1,2,1],[0,1,2]] are 2 + sqrt(2), 2, 2 - sqrt(2)
    const a = Float64Array.from([2, 1, 0, 1, 2, 1, 0, 1, 2]);
    const { values, vectors } = symmetricEigen(a, 3);
    expect(values[0]).toBeCloseTo(2 + Math.SQRT2, 12);
    expect(values[1]).toBeCloseTo(2, 12);
    expect(values[2]).toBeCloseTo(2 - Math.SQRT2, 12);
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 3; i++) {
        let av = 0;
        for (let j = 0; j < 3; j++) av += a[i * 3 + j] * vectors[j * 3 + k];
        expect(av).toBeCloseTo(values[k] * vectors[i * 3 + k], 10);
      }
      for (let l = 0; l < 3; l++) {
        let dot = 0;
        for (let i = 0; i < 3; i++) dot += vectors[i * 3 + k] * vectors[i * 3 + l];
        expect(dot).toBeCloseTo(k === l ? 1 : 0, 10);
      }
    }
    expect(() => symmetricEigen(Float64Array.from([1, 2, 3, 4]), 2)).toThrow(/symmetric/);
  });

  it('reconstructs a random 40x40 symmetric matrix from its eigendecomposition', () => {
    const r = rng(5);
    const n = 40;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = gauss(r);
    const { values, vectors } = symmetricEigen(a, n);
    let maxErr = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[i * n + k] * values[k] * vectors[j * n + k];
        maxErr = Math.max(maxErr, Math.abs(s - a[i * n + j]));
      }
    expect(maxErr).toBeLessThan(1e-9);
  });

  it('Cholesky and the triangular solves invert an SPD matrix', () => {
    const a = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
    const l = cholesky(a, 3);
    const b = Float64Array.from([1, 2, 3]);
    const x = solveUpperT(l, solveLower(l, b, 3, 1), 3, 1); // A^-1 b
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += a[i * 3 + j] * x[j];
      expect(s).toBeCloseTo(b[i], 12);
    }
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
  });
});

describe('LDA', () => {
  it('finds the direction that separates classes, not the one with the most variance', () => {
    // 4 classes apart along dim 0 (small spread); dims 1-4 are large class-independent noise.
    const r = rng(9);
    const x: Float32Array[] = [];
    const labels: string[] = [];
    for (let c = 0; c < 4; c++)
      for (let i = 0; i < 50; i++) {
        x.push(Float32Array.from([c * 1.0 + 0.1 * gauss(r), 10 * gauss(r), 10 * gauss(r), 5 * gauss(r), 5 * gauss(r)]));
        labels.push(`spk${c}`);
      }
    const m = fitLda(x, labels, { dims: 2 });
    expect(m.outDim).toBe(2);
    const w0 = [0, 1, 2, 3, 4].map((j) => m.w[j * m.outDim] * m.scale[j] ** -1);
    const norm = Math.hypot(...w0);
    expect(Math.abs(w0[0]) / norm).toBeGreaterThan(0.99);
    expect(m.eigenvalues[0]).toBeGreaterThan(10 * m.eigenvalues[1]);
    // projections of different classes are far apart relative to their spread
    const p0 = ldaProject(m, x[0])[0];
    const p3 = ldaProject(m, x[150])[0];
    expect(Math.abs(p0 - p3)).toBeGreaterThan(5);
  });

  it('whitens the within-class scatter of its training data', () => {
    const r = rng(2);
    const x: Float32Array[] = [];
    const labels: string[] = [];
    for (let c = 0; c < 6; c++) {
      const mu = Array.from({ length: 4 }, () => 3 * gauss(r));
      for (let i = 0; i < 40; i++) {
        x.push(Float32Array.from(mu.map((m, j) => m + (j + 1) * gauss(r))));
        labels.push(String(c));
      }
    }
    const m = fitLda(x, labels, { dims: 3, reg: 0 });
    const y = x.map((v) => ldaProject(m, v));
    const byClass = new Map<string, Float32Array[]>();
    y.forEach((v, i) => byClass.set(labels[i], [...(byClass.get(labels[i]) ?? []), v]));
    let w00 = 0;
    let w01 = 0;
    for (const vs of byClass.values()) {
      const mu = [0, 1].map((k) => vs.reduce((a, v) => a + v[k], 0) / vs.length);
      for (const v of vs) {
        w00 += (v[0] - mu[0]) ** 2;
        w01 += (v[0] - mu[0]) * (v[1] - mu[1]);
      }
    }
    expect(w00 / y.length).toBeCloseTo(1, 6);
    expect(w01 / y.length).toBeCloseTo(0, 6);
  });

  it('refuses fewer than two classes and mismatched inputs', () => {
    expect(() => fitLda([Float32Array.of(1, 2)], ['a'])).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => fitLda([Float32Array.of(1, 2)], ['a', 'b'])).toThrow(/labels/);
  });
});
