/**
 * The inner loop of ./resample's polyphase filter in WebAssembly SIMD: for each output, the dot
 * product of its phase's taps with the input window (two f32x4 sums in flight), then the next
 * phase and window start. JS spends ~1 ns per multiply-add there (~112 of them per output from
 * 24 kHz, the Opus path, and 1.8 ms per audio-second); this is about a quarter of that.
 * Sums are float32 (the JS loop summed in float64): the outputs differ by float32 rounding.
 * Inputs go through in chunks, so the module's memory stays small.
 */
import { compileKernel, I32, op, V128 } from '../wasm/asm';

/** Outputs per call: with a 24 kHz input, ~0.75 MB of window. */
const CHUNK = 32768;

export interface PolyphaseKernel {
  /**
   * y[k] for k in [k0, k1), where output k0's window starts at input `first` (its taps all
   * inside x) with phase `phase`; every later output of the range must also lie inside x.
   */
  run(x: Float32Array, y: Float32Array, k0: number, k1: number, first: number, phase: number): void;
}

const { get, set } = op;
const ZERO = op.v128Const(new Array<number>(16).fill(0));

/** `table` is [L, taps] row-major; null where WebAssembly SIMD is unavailable. */
export function createPolyphaseKernel(table: Float32Array, taps: number, L: number, M: number): PolyphaseKernel | null {
  const stride = Math.ceil(taps / 8) * 8; // floats per row, zero-padded to whole 2 x f32x4 steps
  const rowBytes = 4 * stride;
  const TABLE = 0;
  const X = Math.ceil((TABLE + L * rowBytes) / 16) * 16;
  const windowLen = Math.ceil(((CHUNK - 1) * M) / L) + stride + 8;
  const OUT = X + 4 * windowLen;
  // Params 0 a (window start, bytes), 1 out (bytes), 2 count, 3 phase; locals 4 row cursor,
  // 5 row end, 6 window cursor; v128 7, 8 sums.
  // prettier-ignore
  const code: number[] = [
    ...op.loop,
    ...op.i32(TABLE), ...get(3), ...op.i32(rowBytes), ...op.i32Mul, ...op.i32Add, ...op.tee(4), ...op.i32(rowBytes), ...op.i32Add, ...set(5),
    ...get(0), ...set(6), ...ZERO, ...set(7), ...ZERO, ...set(8),
    ...op.loop,
    ...get(7), ...get(4), ...op.v128Load(0), ...get(6), ...op.v128Load(0), ...op.f32x4Mul, ...op.f32x4Add, ...set(7),
    ...get(8), ...get(4), ...op.v128Load(16), ...get(6), ...op.v128Load(16), ...op.f32x4Mul, ...op.f32x4Add, ...set(8),
    ...get(4), ...op.i32(32), ...op.i32Add, ...set(4), ...get(6), ...op.i32(32), ...op.i32Add, ...set(6),
    ...get(4), ...get(5), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...get(1),
    ...get(7), ...get(8), ...op.f32x4Add, ...set(7),
    ...get(7), ...op.f32x4ExtractLane(0), ...get(7), ...op.f32x4ExtractLane(1), ...op.f32Add,
    ...get(7), ...op.f32x4ExtractLane(2), ...get(7), ...op.f32x4ExtractLane(3), ...op.f32Add, ...op.f32Add,
    ...op.f32Store(OUT),
    ...get(1), ...op.i32(4), ...op.i32Add, ...set(1),
    // phase += M; the window moves by phase / L inputs; phase %= L.
    ...get(3), ...op.i32(M), ...op.i32Add, ...set(3),
    ...get(0), ...get(3), ...op.i32(L), ...op.i32DivU, ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...set(0),
    ...get(3), ...op.i32(L), ...op.i32RemU, ...set(3),
    ...get(2), ...op.i32(1), ...op.i32Sub, ...op.tee(2), ...op.brIf(0),
    ...op.end,
  ];
  const mod = compileKernel([{ name: 'p', params: 4, locals: [[3, I32], [2, V128]], code }]);
  if (!mod) return null;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((OUT + 4 * CHUNK) / 65536) });
  const fn = new WebAssembly.Instance(mod, { e: { m: memory } }).exports.p as (a: number, out: number, count: number, phase: number) => void;
  const padded = new Float32Array(memory.buffer, TABLE, L * stride);
  for (let r = 0; r < L; r++) padded.set(table.subarray(r * taps, (r + 1) * taps), r * stride);
  const win = new Float32Array(memory.buffer, X, windowLen);
  const out = new Float32Array(memory.buffer, OUT, CHUNK);
  return {
    run(x, y, k0, k1, first, phase) {
      for (let k = k0; k < k1; ) {
        const count = Math.min(CHUNK, k1 - k);
        // Inputs the chunk reads: its first window start to the last one's end (padding zeroed).
        const lastFirst = first + Math.floor((phase + (count - 1) * M) / L);
        const len = Math.min(x.length, lastFirst + taps) - first;
        win.set(x.subarray(first, first + len));
        win.fill(0, len, Math.min(windowLen, lastFirst - first + stride));
        fn(X, 0, count, phase);
        y.set(out.subarray(0, count), k);
        const total = phase + count * M;
        first += Math.floor(total / L);
        phase = total % L;
        k += count;
      }
    },
  };
}
