/**
 * out[r] = m[r, :] . q with WebAssembly SIMD (four f32x4 multiply-adds in flight per row), for
 * the identify index in ./scoring. JS has no SIMD, and its blocked product stays at ~0.9 ns per
 * multiply-add on our machine (2.4 ms for 10,000 x 256); this kernel does the same product at a
 * quarter of the instructions. Assembled by hand with ../wasm/asm (no wasm toolchain here).
 *
 * Sums are float32, in a fixed order per row (four 4-lane partial sums, then their lanes), so
 * equal rows give equal scores; the difference to a float64 sum is ~1e-7 for unit vectors.
 */

import { compileKernel, I32, op, V128 } from '../wasm/asm';

const ZERO = op.v128Const(new Array<number>(16).fill(0));

// Parameters: 0 m (byte address of row 0, then of the current row), 1 rows (counts down),
// 2 dim (floats, a multiple of 16), 3 q (byte address), 4 out (byte address, advances).
// Locals: 5 a (row cursor), 6 b (query cursor), 7 end of the row, 8-11 four f32x4 sums.
const { get, set } = op;
// prettier-ignore
const code: number[] = [
  ...op.loop, // rows
  ...ZERO, ...set(8), ...ZERO, ...set(9), ...ZERO, ...set(10), ...ZERO, ...set(11),
  ...get(0), ...set(5),
  ...get(3), ...set(6),
  ...get(0), ...get(2), ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...set(7),
  ...op.loop, // 16 floats per turn
  ...[0, 16, 32, 48].flatMap((off, i) => [...get(8 + i), ...get(5), ...op.v128Load(off), ...get(6), ...op.v128Load(off), ...op.f32x4Mul, ...op.f32x4Add, ...set(8 + i)]),
  ...get(5), ...op.i32(64), ...op.i32Add, ...set(5),
  ...get(6), ...op.i32(64), ...op.i32Add, ...set(6),
  ...get(5), ...get(7), ...op.i32LtU, ...op.brIf(0),
  ...op.end,
  ...get(4),
  ...get(8), ...get(9), ...op.f32x4Add, ...get(10), ...get(11), ...op.f32x4Add, ...op.f32x4Add, ...set(8),
  ...get(8), ...op.f32x4ExtractLane(0), ...get(8), ...op.f32x4ExtractLane(1), ...op.f32Add,
  ...get(8), ...op.f32x4ExtractLane(2), ...get(8), ...op.f32x4ExtractLane(3), ...op.f32Add, ...op.f32Add,
  ...op.f32Store(),
  ...get(4), ...op.i32(4), ...op.i32Add, ...set(4),
  ...get(7), ...set(0),
  ...get(1), ...op.i32(1), ...op.i32Sub, ...op.tee(1), ...op.brIf(0),
  ...op.end,
];

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is not available (the caller uses JS). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined)
    compiled = compileKernel([
      {
        name: 'v',
        params: 5,
        locals: [
          [3, I32],
          [4, V128],
        ],
        code,
      },
    ]);
  return compiled;
}

/**
 * A `[rows, dim]` float32 matrix living in its own wasm memory, with room for one query and the
 * scores. `matrix` is a view the caller fills; `product(q, out)` writes m . q into `out`.
 * Returns null when dim is not a multiple of 16 or SIMD is unavailable.
 */
export interface WasmMatVec {
  readonly matrix: Float32Array;
  product(q: Float32Array, out: Float32Array): void;
}

export function createWasmMatVec(rows: number, dim: number): WasmMatVec | null {
  // wasm32 memory ends at 4 GiB; past 2 GiB the plain JS path is the safer choice.
  if (rows < 1 || dim < 16 || dim % 16 !== 0 || rows * (dim + 1) * 4 > 2 ** 31) return null;
  const mod = kernelModule();
  if (!mod) return null;
  const mBytes = rows * dim * 4;
  const qAt = mBytes;
  const outAt = qAt + dim * 4;
  const memory = new WebAssembly.Memory({
    initial: Math.ceil((outAt + rows * 4) / 65536),
  });
  const run = new WebAssembly.Instance(mod, { e: { m: memory } }).exports.v as (m: number, rows: number, dim: number, q: number, out: number) => void;
  const matrix = new Float32Array(memory.buffer, 0, rows * dim);
  const query = new Float32Array(memory.buffer, qAt, dim);
  const scores = new Float32Array(memory.buffer, outAt, rows);
  return {
    matrix,
    product(q, out) {
      query.set(q);
      run(0, rows, dim, qAt, outAt);
      out.set(scores);
    },
  };
}
