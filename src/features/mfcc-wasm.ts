/**
 * The MFCC arithmetic of ./mfcc in WebAssembly SIMD, two frames at a time: lane 0 of every f64x2
 * is frame t and lane 1 frame t+1, so the code is the scalar algorithm of ./mfcc and ./fft with
 * each float64 operation done for both frames at once (no shuffles). Per pair: window into the
 * FFT's bit-reversed input, complex FFT of fftSize/2 points (4-point DFTs, then radix-2x2
 * passes), the real-spectrum split into power, sparse mel sums with their logs (log computed
 * here: exponent and mantissa from the bits, then an atanh series, |error| < 1e-14), and the DCT.
 * All in float64 like the JS path, which stays for configs this kernel does not cover and where
 * WebAssembly SIMD is missing. Besides the speed, it is fast from the first call: a cold process
 * (the CLI) runs JS interpreted for its first thousands of frames, wasm is compiled up front.
 */
import { compileKernel, f64x2Const, i64x2Const, I32, op, V128 } from '../wasm/asm';

/** What the kernel needs from ./mfcc's plan. */
export interface KernelSpec {
  fftSize: number;
  frameLength: number;
  numCoeffs: number;
  preEmphasis: number;
  removeDc: boolean;
  /** Meyda's hamming(frameLength) times inputScale. */
  window: Float64Array;
  /** Per band: first bin, bin count, offset of its first weight in `melWeights`. */
  melStart: Int32Array;
  melLen: Int32Array;
  melOffset: Int32Array;
  melWeights: Float64Array;
}

export interface MfccKernel {
  /**
   * MFCCs of `samples` (at least one frame) into `data` (`[frames, numCoeffs]`), as ./mfcc's JS
   * path defines them, with `hop` samples between frames.
   */
  run(samples: Float32Array, frames: number, hop: number, data: Float32Array): void;
}

/** Frames per call of the kernel's loop: 10 s at the default hop, ~1.5 MB of memory. */
const CHUNK_FRAMES = 1000;

const { get, set } = op;
type Code = number[];
const L = (i: number): Code => get(i);
const add = (a: Code, b: Code): Code => [...a, ...b, ...op.f64x2Add];
const sub = (a: Code, b: Code): Code => [...a, ...b, ...op.f64x2Sub];
const mul = (a: Code, b: Code): Code => [...a, ...b, ...op.f64x2Mul];
const ld = (addr: Code, offset: number): Code => [...addr, ...op.v128Load(offset)];
const st = (addr: Code, offset: number, value: Code): Code => [...addr, ...value, ...op.v128Store(offset)];
const i32 = (v: number): Code => op.i32(v);
const inc = (local: number, by: number): Code => [...get(local), ...i32(by), ...op.i32Add, ...set(local)];
const ZERO = op.v128Const(new Array<number>(16).fill(0));

/** Byte offsets of the fixed regions; samples and output follow `end`. */
interface Layout {
  win: number;
  slot: number;
  tw: number;
  cs: number;
  re: number;
  im: number;
  pow: number;
  melw: number;
  melt: number;
  log: number;
  dct: number;
  k: number;
  end: number;
}

function layout(m: number, frameLength: number, twiddles: number, weights: number, bands: number, coeffs: number): Layout {
  let at = 0;
  const take = (bytes: number) => {
    const here = at;
    at += Math.ceil(bytes / 16) * 16;
    return here;
  };
  return {
    win: take(16 * frameLength),
    slot: take(4 * m),
    tw: take(16 * twiddles),
    cs: take(32 * m),
    re: take(16 * m),
    im: take(16 * m),
    pow: take(16 * m),
    melw: take(16 * weights),
    melt: take(12 * bands),
    log: take(16 * bands),
    dct: take(16 * bands * coeffs),
    k: take(48),
    end: at,
  };
}

/** x (f64x2, every lane >= 1) -> ln x into local `out`; uses locals t..t+3. */
function log(x: Code, out: number, t: number): Code {
  const [bits, e, m, mask] = [t, t + 1, t + 2, t + 3];
  const series = [2 / 15, 2 / 13, 2 / 11, 2 / 9, 2 / 7, 2 / 5, 2 / 3, 2];
  // s = (m - 1) / (m + 1), z = s^2; ln m = s * (2 + z (2/3 + z (2/5 + ...))).
  let poly: Code = f64x2Const(series[0]);
  for (const c of series.slice(1)) poly = add(mul(poly, L(out)), f64x2Const(c));
  // prettier-ignore
  return [
    ...x, ...set(bits),
    // Exponent: the 11 bits under 2^52's pattern make 2^52 + (e + 1023) exactly.
    ...L(bits), ...i32(52), ...op.i64x2ShrU, ...i64x2Const(0x4330000000000000n), ...op.v128Or, ...f64x2Const(2 ** 52 + 1023), ...op.f64x2Sub, ...set(e),
    ...L(bits), ...i64x2Const(0x000fffffffffffffn), ...op.v128And, ...i64x2Const(0x3ff0000000000000n), ...op.v128Or, ...set(m),
    // m in [1, 2) -> [sqrt(1/2), sqrt(2)), so |s| < 0.172.
    ...L(m), ...f64x2Const(Math.SQRT2), ...op.f64x2Gt, ...set(mask),
    ...mul(L(m), f64x2Const(0.5)), ...L(m), ...L(mask), ...op.v128Bitselect, ...set(m),
    ...add(L(e), [...L(mask), ...f64x2Const(1), ...op.v128And]), ...set(e),
    ...sub(L(m), f64x2Const(1)), ...add(L(m), f64x2Const(1)), ...op.f64x2Div, ...set(m), // m := s
    ...mul(L(m), L(m)), ...set(out), // out := z
    ...add(mul(L(e), f64x2Const(Math.LN2)), mul(L(m), poly)), ...set(out),
  ];
}

/** Returns null when the config is outside what the kernel covers, or SIMD is unavailable. */
export function createMfccKernel(spec: KernelSpec, fftTwiddles: Float64Array, splitTable: Float64Array, slot: Int32Array): MfccKernel | null {
  const { fftSize, frameLength, numCoeffs } = spec;
  const m = fftSize / 2;
  const bands = spec.melStart.length;
  // Even frame lengths (the window fills whole complex points) and 4^k points (radix-2x2 only).
  if (frameLength % 2 !== 0 || m < 16 || Math.log2(m) % 2 !== 0) return null;
  const lay = layout(m, frameLength, fftTwiddles.length, spec.melWeights.length, bands, numCoeffs);
  const filled = frameLength / 2;

  // win(xA, xB): the frame means (both frames, one f64x2 sum), then complex point j = (sample 2j,
  // sample 2j+1), each pre-emphasised, minus the DC term, times the window, at slot[j]; point 0's
  // real part is (1 - a)(x - mean) w[0] (nothing before it to pre-emphasise against).
  // Params 0 xA, 1 xB (byte addresses of the frames' float64 samples, advancing); locals 2 window
  // cursor, 3 slot cursor, 4 end, 5 slot, 6 sum cursor; v128 7 c, 8 prev, 9 x0, 10 x1, 11 mean, 12 point 0.
  const pairAt = (offset: number): Code => [...L(1), ...L(0), ...op.v128Load64Zero(offset), ...op.v128Load64Lane(1, offset)];
  const K = (i: number) => ld(i32(0), lay.k + 16 * i); // 0 a, 1 (1 - a), 2 1/frameLength or 0 (no DC removal)
  // prettier-ignore
  const win: Code = [
    ...ZERO, ...set(11), ...i32(0), ...set(6),
    ...op.loop,
    ...add(L(11), [...L(1), ...L(6), ...op.i32Add, ...L(0), ...L(6), ...op.i32Add, ...op.v128Load64Zero(0), ...op.v128Load64Lane(1, 0)]), ...set(11),
    ...inc(6, 8), ...L(6), ...i32(8 * frameLength), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...mul(L(11), K(2)), ...set(11),
    ...mul(K(1), L(11)), ...set(7),
    ...mul(mul(K(1), sub(pairAt(0), L(11))), ld(i32(0), lay.win)), ...set(12),
    ...pairAt(0), ...set(8),
    ...i32(lay.win), ...set(2), ...i32(lay.slot), ...set(3), ...i32(lay.slot + 4 * filled), ...set(4),
    ...op.loop,
    ...L(3), ...op.i32Load(), ...set(5),
    ...pairAt(0), ...set(9), ...pairAt(8), ...set(10),
    ...st(L(5), lay.re, mul(sub(sub(L(9), mul(K(0), L(8))), L(7)), ld(L(2), 0))),
    ...st(L(5), lay.im, mul(sub(sub(L(10), mul(K(0), L(9))), L(7)), ld(L(2), 16))),
    ...L(10), ...set(8),
    ...inc(0, 16), ...inc(1, 16), ...inc(2, 32), ...inc(3, 4),
    ...L(3), ...L(4), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...st(i32(0), lay.re, L(12)), // slot[0] = 0
    ...(filled < m
      ? [...i32(lay.slot + 4 * m), ...set(4),
         ...op.loop,
         ...L(3), ...op.i32Load(), ...set(5),
         ...L(5), ...ZERO, ...op.v128Store(lay.re), ...L(5), ...ZERO, ...op.v128Store(lay.im),
         ...inc(3, 4), ...L(3), ...L(4), ...op.i32LtU, ...op.brIf(0),
         ...op.end]
      : []),
  ];
  // fft(): locals 0 p, 1 j cursor, 2 twiddle cursor; v128 3.. as temporaries.
  const V = (i: number) => 3 + i;
  const re = (off: number): Code => ld(L(0), lay.re + off);
  const im = (off: number): Code => ld(L(0), lay.im + off);
  // prettier-ignore
  const first: Code = [
    ...i32(0), ...set(0),
    ...op.loop,
    ...add(re(0), re(16)), ...set(V(0)), ...add(im(0), im(16)), ...set(V(1)),
    ...sub(re(0), re(16)), ...set(V(2)), ...sub(im(0), im(16)), ...set(V(3)),
    ...add(re(32), re(48)), ...set(V(4)), ...add(im(32), im(48)), ...set(V(5)),
    ...sub(re(32), re(48)), ...set(V(6)), ...sub(im(32), im(48)), ...set(V(7)),
    ...st(L(0), lay.re, add(L(V(0)), L(V(4)))), ...st(L(0), lay.im, add(L(V(1)), L(V(5)))),
    ...st(L(0), lay.re + 32, sub(L(V(0)), L(V(4)))), ...st(L(0), lay.im + 32, sub(L(V(1)), L(V(5)))),
    ...st(L(0), lay.re + 16, add(L(V(2)), L(V(7)))), ...st(L(0), lay.im + 16, sub(L(V(3)), L(V(6)))),
    ...st(L(0), lay.re + 48, sub(L(V(2)), L(V(7)))), ...st(L(0), lay.im + 48, add(L(V(3)), L(V(6)))),
    ...inc(0, 64), ...L(0), ...i32(16 * m), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
  ];
  const passes: Code = [];
  for (let s = 4, o = 0; s * 4 <= m; o += 4 * s, s *= 4) {
    const [w2r, w2i, w4r, w4i, t1r, t1i, t3r, t3i, y0r, y0i, y1r, y1i, ur, ui, vr, vi] = Array.from({ length: 16 }, (_, i) => V(i));
    const d = 16 * s; // bytes between the four points of a butterfly
    const cmulR = (xr: Code, xi: Code, wr: number, wi: number) => sub(mul(xr, L(wr)), mul(xi, L(wi)));
    const cmulI = (xr: Code, xi: Code, wr: number, wi: number) => add(mul(xr, L(wi)), mul(xi, L(wr)));
    // prettier-ignore
    passes.push(
      ...i32(0), ...set(1), ...i32(lay.tw + 16 * o), ...set(2),
      ...op.loop, // j
      ...ld(L(2), 0), ...set(w2r), ...ld(L(2), 16), ...set(w2i), ...ld(L(2), 32), ...set(w4r), ...ld(L(2), 48), ...set(w4i),
      ...L(1), ...set(0),
      ...op.loop, // butterflies b = j, j + 4s, ...
      ...cmulR(re(d), im(d), w2r, w2i), ...set(t1r), ...cmulI(re(d), im(d), w2r, w2i), ...set(t1i),
      ...cmulR(re(3 * d), im(3 * d), w2r, w2i), ...set(t3r), ...cmulI(re(3 * d), im(3 * d), w2r, w2i), ...set(t3i),
      ...add(re(0), L(t1r)), ...set(y0r), ...add(im(0), L(t1i)), ...set(y0i),
      ...sub(re(0), L(t1r)), ...set(y1r), ...sub(im(0), L(t1i)), ...set(y1i),
      // y2 = x2 + t3, y3 = x2 - t3 (kept in t1 and t3's locals, free by now)
      ...add(re(2 * d), L(t3r)), ...set(t1r), ...add(im(2 * d), L(t3i)), ...set(t1i),
      ...sub(re(2 * d), L(t3r)), ...set(t3r), ...sub(im(2 * d), L(t3i)), ...set(t3i),
      ...cmulR(L(t1r), L(t1i), w4r, w4i), ...set(ur), ...cmulI(L(t1r), L(t1i), w4r, w4i), ...set(ui),
      // v = y3 * (w4 * -i)
      ...add(mul(L(t3r), L(w4i)), mul(L(t3i), L(w4r))), ...set(vr), ...sub(mul(L(t3i), L(w4i)), mul(L(t3r), L(w4r))), ...set(vi),
      ...st(L(0), lay.re, add(L(y0r), L(ur))), ...st(L(0), lay.im, add(L(y0i), L(ui))),
      ...st(L(0), lay.re + 2 * d, sub(L(y0r), L(ur))), ...st(L(0), lay.im + 2 * d, sub(L(y0i), L(ui))),
      ...st(L(0), lay.re + d, add(L(y1r), L(vr))), ...st(L(0), lay.im + d, add(L(y1i), L(vi))),
      ...st(L(0), lay.re + 3 * d, sub(L(y1r), L(vr))), ...st(L(0), lay.im + 3 * d, sub(L(y1i), L(vi))),
      ...inc(0, 4 * d), ...L(0), ...i32(16 * m), ...op.i32LtU, ...op.brIf(0),
      ...op.end,
      ...inc(1, 16), ...inc(2, 64), ...L(1), ...i32(d), ...op.i32LtU, ...op.brIf(0),
      ...op.end,
    );
  }

  // split(): out[k] = |E[k] + e^(-2 pi i k / n) O[k]|^2 as in ./fft. Locals 0 k, 1 m-k, 2 cs cursor; v128 3...
  const [er, ei, or, oi, xr, xi] = Array.from({ length: 6 }, (_, i) => V(i));
  const at = (local: number, region: number) => ld(L(local), region);
  // prettier-ignore
  const split: Code = [
    ...i32(0), ...set(0),
    ...st(L(0), lay.pow, [...mul(add(at(0, lay.re), at(0, lay.im)), add(at(0, lay.re), at(0, lay.im)))]),
    ...i32(16), ...set(0), ...i32(16 * (m - 1)), ...set(1), ...i32(lay.cs + 32), ...set(2),
    ...op.loop,
    ...add(at(0, lay.re), at(1, lay.re)), ...set(er), ...sub(at(0, lay.im), at(1, lay.im)), ...set(ei),
    ...add(at(0, lay.im), at(1, lay.im)), ...set(or), ...sub(at(1, lay.re), at(0, lay.re)), ...set(oi),
    ...add(add(L(er), mul(ld(L(2), 0), L(or))), mul(ld(L(2), 16), L(oi))), ...set(xr),
    ...sub(add(L(ei), mul(ld(L(2), 0), L(oi))), mul(ld(L(2), 16), L(or))), ...set(xi),
    ...st(L(0), lay.pow, mul(f64x2Const(0.25), add(mul(L(xr), L(xr)), mul(L(xi), L(xi))))),
    ...inc(0, 16), ...inc(1, -16), ...inc(2, 32),
    ...L(0), ...i32(16 * m), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
  ];

  // mel(): per band (table: first bin byte, end byte, first weight byte), sum, log. Locals 0 table
  // cursor, 1 bin cursor, 2 bin end, 3 weight cursor, 4 log cursor; v128 5 acc, 6 out, 7-10 log temporaries.
  // prettier-ignore
  const mel: Code = [
    ...i32(lay.melt), ...set(0), ...i32(lay.log), ...set(4),
    ...op.loop,
    ...L(0), ...op.i32Load(0), ...set(1), ...L(0), ...op.i32Load(4), ...set(2), ...L(0), ...op.i32Load(8), ...set(3),
    ...ZERO, ...set(5),
    ...op.block, ...op.loop,
    ...L(1), ...L(2), ...op.i32GeU, ...op.brIf(1),
    ...add(L(5), mul(ld(L(3), 0), ld(L(1), 0))), ...set(5),
    ...inc(1, 16), ...inc(3, 16), ...op.br(0),
    ...op.end, ...op.end,
    ...log(add(L(5), f64x2Const(1)), 6, 7),
    ...st(L(4), 0, L(6)),
    ...inc(0, 12), ...inc(4, 16),
    ...L(0), ...i32(lay.melt + 12 * bands), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
  ];

  // dct(outA, outB): c_k = sum_n dct[k, n] log[n], lane 0 to outA, lane 1 to outB (float32).
  // Locals 2 dct cursor, 3 log cursor, 4 k count; v128 5 acc.
  // prettier-ignore
  const dct: Code = [
    ...i32(lay.dct), ...set(2), ...i32(numCoeffs), ...set(4),
    ...op.loop,
    ...ZERO, ...set(5), ...i32(lay.log), ...set(3),
    ...op.loop,
    ...add(L(5), mul(ld(L(2), 0), ld(L(3), 0))), ...set(5),
    ...inc(2, 16), ...inc(3, 16),
    ...L(3), ...i32(lay.log + 16 * bands), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...L(0), ...L(5), ...op.f64x2ExtractLane(0), ...op.f32DemoteF64, ...op.f32Store(),
    ...L(1), ...L(5), ...op.f64x2ExtractLane(1), ...op.f32DemoteF64, ...op.f32Store(),
    ...inc(0, 4), ...inc(1, 4),
    ...L(4), ...i32(1), ...op.i32Sub, ...op.tee(4), ...op.brIf(0),
    ...op.end,
  ];

  const mod = compileKernel([
    { name: 'win', params: 2, locals: [[5, I32], [6, V128]], code: win },
    { name: 'fft', params: 0, locals: [[3, I32], [16, V128]], code: [...first, ...passes] },
    { name: 'split', params: 0, locals: [[3, I32], [6, V128]], code: split },
    { name: 'mel', params: 0, locals: [[5, I32], [6, V128]], code: mel },
    { name: 'dct', params: 2, locals: [[3, I32], [1, V128]], code: dct },
  ]);
  if (!mod) return null;

  const memory = new WebAssembly.Memory({ initial: Math.ceil(lay.end / 65536) + 1 });
  const ex = new WebAssembly.Instance(mod, { e: { m: memory } }).exports as Record<string, (...a: number[]) => void>;
  const { win: fWin, fft: fFft, split: fSplit, mel: fMel, dct: fDct } = ex;
  const fill = (at: number, values: ArrayLike<number>) => {
    const v = new Float64Array(memory.buffer, at, 2 * values.length);
    for (let i = 0; i < values.length; i++) v[2 * i] = v[2 * i + 1] = values[i];
  };
  fill(lay.win, spec.window);
  new Int32Array(memory.buffer, lay.slot, m).set(Array.from(slot, (s) => 16 * s));
  fill(lay.tw, fftTwiddles);
  fill(lay.cs, splitTable);
  fill(lay.melw, spec.melWeights);
  const table = new Int32Array(memory.buffer, lay.melt, 3 * bands);
  for (let b = 0; b < bands; b++) {
    table[3 * b] = lay.pow + 16 * spec.melStart[b];
    table[3 * b + 1] = lay.pow + 16 * (spec.melStart[b] + spec.melLen[b]);
    table[3 * b + 2] = lay.melw + 16 * spec.melOffset[b];
  }
  const basis = new Float64Array(numCoeffs * bands);
  for (let k = 0; k < numCoeffs; k++) for (let n = 0; n < bands; n++) basis[k * bands + n] = 2 * Math.cos((Math.PI / bands) * (n + 0.5) * k);
  fill(lay.dct, basis);

  const k = new Float64Array(memory.buffer, lay.k, 6);
  k.set([spec.preEmphasis, spec.preEmphasis, 1 - spec.preEmphasis, 1 - spec.preEmphasis]);
  k[4] = k[5] = spec.removeDc ? 1 / frameLength : 0;

  return {
    run(samples, frames, hop, data) {
      // Frames in chunks (an even count), so the memory stays the size of one chunk, whatever
      // the length of the input.
      const xAt = lay.end;
      const span = (CHUNK_FRAMES - 1) * hop + frameLength;
      const outAt = xAt + Math.ceil((8 * span) / 16) * 16;
      const need = outAt + 4 * CHUNK_FRAMES * numCoeffs;
      if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
      const row = 4 * numCoeffs;
      for (let t0 = 0; t0 < frames; t0 += CHUNK_FRAMES) {
        const count = Math.min(CHUNK_FRAMES, frames - t0);
        const from = t0 * hop;
        new Float64Array(memory.buffer, xAt, span).set(samples.subarray(from, Math.min(samples.length, from + (count - 1) * hop + frameLength)));
        for (let t = 0; t < count; t += 2) {
          const u = Math.min(t + 1, count - 1);
          fWin(xAt + 8 * t * hop, xAt + 8 * u * hop);
          fFft();
          fSplit();
          fMel();
          fDct(outAt + row * t, outAt + row * u);
        }
        data.set(new Float32Array(memory.buffer, outAt, count * numCoeffs), t0 * numCoeffs);
      }
    },
  };
}
