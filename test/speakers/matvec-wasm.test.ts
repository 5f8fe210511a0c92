import { describe, expect, it } from 'vitest';
import { createWasmMatVec } from '../../src/speakers/matvec-wasm';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5;
}

describe('createWasmMatVec', () => {
  it('computes m . q for every row like a float64 dot product, and again with a new query', () => {
    const r = rng(5);
    for (const [rows, dim] of [
      [1, 16],
      [3, 32],
      [257, 256],
      [40, 128],
    ]) {
      const k = createWasmMatVec(rows, dim);
      // Node 20 has WebAssembly SIMD: the fast path must be taken, not silently skipped.
      expect(k, `${rows}x${dim}`).not.toBeNull();
      for (let i = 0; i < rows * dim; i++) k!.matrix[i] = r();
      for (let turn = 0; turn < 2; turn++) {
        const q = Float32Array.from({ length: dim }, r);
        const out = new Float32Array(rows);
        k!.product(q, out);
        for (let row = 0; row < rows; row++) {
          let want = 0;
          for (let j = 0; j < dim; j++) want += k!.matrix[row * dim + j] * q[j];
          expect(Math.abs(out[row] - want), `${rows}x${dim} row ${row}`).toBeLessThan(1e-5);
        }
      }
    }
  });

  it('gives equal rows equal scores, and declines dims that are not a multiple of 16', () => {
    const k = createWasmMatVec(2, 48)!;
    const r = rng(9);
    for (let j = 0; j < 48; j++) k.matrix[j] = k.matrix[48 + j] = r();
    const out = new Float32Array(2);
    k.product(Float32Array.from({ length: 48 }, r), out);
    expect(out[0]).toBe(out[1]);
    expect(createWasmMatVec(10, 20)).toBeNull();
    expect(createWasmMatVec(10, 8)).toBeNull();
    expect(createWasmMatVec(0, 256)).toBeNull();
  });
});
