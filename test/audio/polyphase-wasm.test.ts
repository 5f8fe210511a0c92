import { describe, expect, it } from 'vitest';
import { createPolyphaseKernel } from '../../src/audio/polyphase-wasm';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5;
}

describe('createPolyphaseKernel', () => {
  it('gives every output the dot product of its phase with its window, across chunks and phases', () => {
    const r = rng(3);
    // taps not a multiple of 8 (padded), L/M as for 24 kHz -> 16 kHz and 44.1 kHz -> 16 kHz.
    for (const [taps, L, M] of [[6, 2, 3], [112, 2, 3], [22, 160, 441], [10, 3, 1]]) {
      const table = Float32Array.from({ length: L * taps }, r);
      const k = createPolyphaseKernel(table, taps, L, M);
      expect(k, `taps ${taps}`).not.toBeNull();
      const x = Float32Array.from({ length: 120_000 }, r);
      // Outputs from k0 = 7, whose window starts at `first` with phase (7 * M) mod L.
      const k0 = 7;
      const first = Math.floor((k0 * M) / L);
      const k1 = Math.floor(((x.length - taps - 1) * L) / M); // > 32768 outputs: more than one chunk
      const y = new Float32Array(k1 + 3).fill(-9);
      k!.run(x, y, k0, k1, first, (k0 * M) % L);
      expect(y[k0 - 1]).toBe(-9);
      expect(y[k1]).toBe(-9);
      for (let out = k0; out < k1; out += out < 40 ? 1 : 997) {
        const start = first + Math.floor(((out - k0) * M + ((k0 * M) % L)) / L);
        const phase = (out * M) % L;
        let want = 0;
        for (let j = 0; j < taps; j++) want += table[phase * taps + j] * x[start + j];
        expect(Math.abs(y[out] - want), `taps ${taps} output ${out}`).toBeLessThan(1e-5);
      }
    }
  });
});
