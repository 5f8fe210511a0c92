/**
 * out[r] = m[r, :] . q with WebAssembly SIMD (four f32x4 multiply-adds in flight per row), for
 * the identify index in ./scoring. JS has no SIMD, and its blocked product stays at ~0.9 ns per
 * multiply-add on our machine (2.4 ms for 10,000 x 256); this kernel does the same product at a
 * quarter of the instructions. The module is 334 bytes, assembled below by hand (no wasm
 * toolchain in the project), so the code section carries the instructions as a listing.
 *
 * Sums are float32, in a fixed order per row (four 4-lane partial sums, then their lanes), so
 * equal rows give equal scores; the difference to a float64 sum is ~1e-7 for unit vectors.
 */

/** LEB128 of a non-negative integer. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

const section = (id: number, body: number[]): number[] => [
  id,
  ...uleb(body.length),
  ...body,
];
const name = (s: string): number[] => [
  s.length,
  ...[...s].map((c) => c.charCodeAt(0)),
];

// Opcodes used by the kernel.
const GET = 0x20;
const SET = 0x21;
const TEE = 0x22;
const I32_CONST = 0x41; // its operand is signed LEB128: 0..63 are one byte
const I32_64 = [0xc0, 0x00];
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_MUL = 0x6c;
const I32_LT_U = 0x49;
const LOOP = [0x03, 0x40];
const BR_IF = 0x0d;
const END = 0x0b;
const F32_ADD = 0x92;
const F32_STORE = [0x38, 2, 0];
const v128Load = (offset: number) => [0xfd, 0x00, 4, ...uleb(offset)];
const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const F32X4_ADD = [0xfd, 0xe4, 0x01];
const F32X4_MUL = [0xfd, 0xe6, 0x01];
const lane = (i: number) => [0xfd, 0x1f, i];

// Parameters: 0 m (byte address of row 0, then of the current row), 1 rows (counts down),
// 2 dim (floats, a multiple of 16), 3 q (byte address), 4 out (byte address, advances).
// Locals: 5 a (row cursor), 6 b (query cursor), 7 end of the row, 8-11 four f32x4 sums.
// prettier-ignore
const body: number[] = [
  2, 3, 0x7f, 4, 0x7b, // locals: 3 x i32, 4 x v128
  ...LOOP, // rows
  ...V128_ZERO, SET, 8, ...V128_ZERO, SET, 9, ...V128_ZERO, SET, 10, ...V128_ZERO, SET, 11,
  GET, 0, SET, 5,
  GET, 3, SET, 6,
  GET, 0, GET, 2, I32_CONST, 4, I32_MUL, I32_ADD, SET, 7,
  ...LOOP, // 16 floats per turn
  ...[0, 16, 32, 48].flatMap((off, i) => [GET, 8 + i, GET, 5, ...v128Load(off), GET, 6, ...v128Load(off), ...F32X4_MUL, ...F32X4_ADD, SET, 8 + i]),
  GET, 5, I32_CONST, ...I32_64, I32_ADD, SET, 5,
  GET, 6, I32_CONST, ...I32_64, I32_ADD, SET, 6,
  GET, 5, GET, 7, I32_LT_U, BR_IF, 0,
  END,
  GET, 4,
  GET, 8, GET, 9, ...F32X4_ADD, GET, 10, GET, 11, ...F32X4_ADD, ...F32X4_ADD, SET, 8,
  GET, 8, ...lane(0), GET, 8, ...lane(1), F32_ADD, GET, 8, ...lane(2), GET, 8, ...lane(3), F32_ADD, F32_ADD,
  ...F32_STORE,
  GET, 4, I32_CONST, 4, I32_ADD, SET, 4,
  GET, 7, SET, 0,
  GET, 1, I32_CONST, 1, I32_SUB, TEE, 1, BR_IF, 0,
  END,
  END,
];

const BYTES = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]), // type: (i32 x 5) -> ()
  ...section(2, [1, ...name("e"), ...name("m"), 0x02, 0x00, 1]), // import memory e.m, min 1 page
  ...section(3, [1, 0]),
  ...section(7, [1, ...name("v"), 0x00, 0]), // export func 0 as "v"
  ...section(10, [1, ...uleb(body.length), ...body]),
]);

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is not available (the caller uses JS). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled =
        typeof WebAssembly === "object" && WebAssembly.validate(BYTES)
          ? new WebAssembly.Module(BYTES)
          : null;
    } catch {
      compiled = null;
    }
  }
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
  if (rows < 1 || dim < 16 || dim % 16 !== 0 || rows * (dim + 1) * 4 > 2 ** 31)
    return null;
  const mod = kernelModule();
  if (!mod) return null;
  const mBytes = rows * dim * 4;
  const qAt = mBytes;
  const outAt = qAt + dim * 4;
  const memory = new WebAssembly.Memory({
    initial: Math.ceil((outAt + rows * 4) / 65536),
  });
  const run = new WebAssembly.Instance(mod, { e: { m: memory } }).exports.v as (
    m: number,
    rows: number,
    dim: number,
    q: number,
    out: number,
  ) => void;
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
