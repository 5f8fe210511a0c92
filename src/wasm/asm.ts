/**
 * A few WebAssembly instructions as bytes, for the small SIMD kernels of voxprint
 * (src/speakers/matvec-wasm.ts, src/features/mfcc-wasm.ts). The project has no wasm toolchain,
 * and the kernels are a few hundred bytes each, so they are written here as instruction lists.
 * Only what the kernels use; opcodes from the WebAssembly 2.0 spec (SIMD: prefix 0xfd).
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Signed LEB128 (i32.const takes this: 64 is two bytes, not one). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const simd = (code: number, ...rest: number[]) => [0xfd, ...uleb(code), ...rest];
/** memarg: alignment (log2 bytes) and a constant byte offset. */
const mem = (align: number, offset: number) => [align, ...uleb(offset)];

export const I32 = 0x7f;
export const V128 = 0x7b;

export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  loop: [0x03, 0x40],
  block: [0x02, 0x40],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  end: [0x0b],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32DivU: [0x6e],
  i32RemU: [0x70],
  i32Shl: [0x74],
  i32LtU: [0x49],
  i32GeU: [0x4f],
  i32Load: (offset = 0) => [0x28, ...mem(2, offset)],
  f32Add: [0x92],
  f32Store: (offset = 0) => [0x38, ...mem(2, offset)],
  f32DemoteF64: [0xb6],
  v128Load: (offset = 0) => simd(0x00, ...mem(4, offset)),
  v128Store: (offset = 0) => simd(0x0b, ...mem(4, offset)),
  v128Const: (bytes: number[]) => simd(0x0c, ...bytes),
  /** Lane 0 from memory, lane 1 zero. */
  v128Load64Zero: (offset = 0) => simd(0x5d, ...mem(3, offset)),
  /** Replaces 64-bit lane `lane` of the vector on the stack with the value at the address below it. */
  v128Load64Lane: (lane: number, offset = 0) => simd(0x57, ...mem(3, offset), lane),
  v128And: simd(0x4e),
  v128Or: simd(0x50),
  v128Bitselect: simd(0x52),
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  f32x4ExtractLane: (lane: number) => simd(0x1f, lane),
  f64x2Splat: simd(0x14),
  f64x2ExtractLane: (lane: number) => simd(0x21, lane),
  f64x2Gt: simd(0x4a),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  f64x2Div: simd(0xf3),
  i64x2ShrU: simd(0xcd),
};

/** A v128 constant of two equal f64 lanes. */
export function f64x2Const(v: number): number[] {
  const b = new Uint8Array(new Float64Array([v, v]).buffer);
  return op.v128Const([...b]);
}

/** A v128 constant of two equal 64-bit integer lanes (given as a bigint). */
export function i64x2Const(v: bigint): number[] {
  const b = new Uint8Array(new BigInt64Array([v, v]).buffer);
  return op.v128Const([...b]);
}

export interface WasmFunction {
  /** Parameter count (all i32). */
  params: number;
  /** Extra locals, in declaration order: [count, type]. */
  locals: Array<[number, number]>;
  /** Instructions, without the final `end`. */
  code: number[];
  /** Exported under this name. */
  name: string;
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [s.length, ...[...s].map((c) => c.charCodeAt(0))];

/**
 * A module importing its memory as `e.m` and exporting `fns`, each `(i32 x params) -> ()`.
 * Returns the compiled module, or null where WebAssembly SIMD is unavailable (callers keep a
 * JS path for that).
 */
export function compileKernel(fns: WasmFunction[]): WebAssembly.Module | null {
  const types = fns.flatMap((f) => [0x60, f.params, ...new Array<number>(f.params).fill(I32), 0]);
  const bodies = fns.flatMap((f) => {
    const body = [f.locals.length, ...f.locals.flatMap(([n, t]) => [...uleb(n), t]), ...f.code, ...op.end];
    return [...uleb(body.length), ...body];
  });
  const bytes = new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [fns.length, ...types]),
    ...section(2, [1, ...name('e'), ...name('m'), 0x02, 0x00, 1]),
    ...section(3, [fns.length, ...fns.map((_, i) => i)]),
    ...section(7, [fns.length, ...fns.flatMap((f, i) => [...name(f.name), 0x00, i])]),
    ...section(10, [fns.length, ...bodies]),
  ]);
  try {
    // Compiling validates (a CompileError where SIMD is missing); a separate validate() costs ~1 ms more per kernel in a cold process.
    return typeof WebAssembly === 'object' ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}
