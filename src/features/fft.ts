/**
 * Power spectrum of a real frame of n points (n a power of two >= 4) through a complex FFT of
 * n/2 points: even samples in the real parts, odd samples in the imaginary parts, then one
 * O(n) pass that separates the two half-length spectra and combines them into bins 0..n/2-1.
 * Half the work of a complex FFT of n, with precomputed twiddles per stage and no allocation
 * per call; the caller writes its input straight into `re`/`im` at the bit-reversed positions
 * `slot[j]`, so the FFT needs no reordering pass. Used by ./mfcc.
 */
export class RealFft {
  readonly n: number;
  /** n/2 complex points, written by the caller at `slot[j]` for point j, transformed in place. */
  readonly re: Float64Array;
  readonly im: Float64Array;
  /** Bit-reversed position of complex point j. */
  readonly slot: Int32Array;
  /** Per radix-2x2 pass (s = 4, 16, ...) and j < s: e^(-2 pi i j / 2s) and e^(-2 pi i j / 4s), interleaved. (./mfcc hands them to ./mfcc-wasm.) */
  readonly twiddles: Float64Array;
  /** cos and sin of 2 pi k / n, k < n/2, interleaved, for the final split. */
  readonly split: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 4 || (n & (n - 1)) !== 0) throw new RangeError(`FFT size must be a power of two >= 4, got ${n}`);
    this.n = n;
    const m = n >> 1;
    this.re = new Float64Array(m);
    this.im = new Float64Array(m);
    this.slot = new Int32Array(m);
    const bits = Math.log2(m);
    for (let j = 0; j < m; j++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((j >> b) & 1) << (bits - 1 - b);
      this.slot[j] = r;
    }
    const tw: number[] = [];
    for (let s = 4; s * 2 <= m; s *= 4) {
      for (let j = 0; j < s; j++) {
        const a2 = (-2 * Math.PI * j) / (2 * s);
        const a4 = (-2 * Math.PI * j) / (4 * s);
        tw.push(Math.cos(a2), Math.sin(a2), Math.cos(a4), Math.sin(a4));
      }
    }
    this.twiddles = Float64Array.from(tw);
    this.split = new Float64Array(2 * m);
    for (let k = 0; k < m; k++) {
      this.split[2 * k] = Math.cos((2 * Math.PI * k) / n);
      this.split[2 * k + 1] = Math.sin((2 * Math.PI * k) / n);
    }
  }

  /** Transforms re/im in place and writes |X[k]|^2 of the real frame, k < n/2, into `out`. */
  powerSpectrum(out: Float64Array): void {
    complexFft(this.re, this.im, this.twiddles);
    splitPower(this.re, this.im, this.split, out);
  }
}

/**
 * X[k] = E[k] + e^(-2 pi i k / n) O[k], with E = (Z[k] + conj Z[m-k]) / 2 the spectrum of the
 * even samples and O = (Z[k] - conj Z[m-k]) / 2i that of the odd ones; out[k] = |X[k]|^2.
 */
function splitPower(re: Float64Array, im: Float64Array, cs: Float64Array, out: Float64Array): void {
  const m = re.length;
  out[0] = (re[0] + im[0]) * (re[0] + im[0]);
  for (let k = 1; k < m; k++) {
    const ar = re[k];
    const ai = im[k];
    const br = re[m - k];
    const bi = im[m - k];
    const er = ar + br;
    const ei = ai - bi;
    const or = ai + bi;
    const oi = br - ar;
    const c = cs[2 * k];
    const s = cs[2 * k + 1];
    const xr = er + c * or + s * oi;
    const xi = ei + c * oi - s * or;
    out[k] = 0.25 * (xr * xr + xi * xi);
  }
}

/**
 * In-place complex FFT of bit-reversed input (decimation in time): one pass of 4-point DFTs
 * (no multiplies), then radix-2x2 passes that do two radix-2 stages per sweep (3 complex
 * multiplies per 4 points instead of 4), and a last radix-2 stage when log2(m) is odd.
 */
function complexFft(re: Float64Array, im: Float64Array, tw: Float64Array): void {
  const m = re.length;
  if (m === 2) {
    const r = re[0] - re[1];
    const i = im[0] - im[1];
    re[0] += re[1];
    im[0] += im[1];
    re[1] = r;
    im[1] = i;
    return;
  }
  for (let p = 0; p < m; p += 4) {
    const ar = re[p];
    const ai = im[p];
    const br = re[p + 1];
    const bi = im[p + 1];
    const cr = re[p + 2];
    const ci = im[p + 2];
    const dr = re[p + 3];
    const di = im[p + 3];
    const s0r = ar + br;
    const s0i = ai + bi;
    const d0r = ar - br;
    const d0i = ai - bi;
    const s1r = cr + dr;
    const s1i = ci + di;
    const d1r = cr - dr;
    const d1i = ci - di;
    re[p] = s0r + s1r;
    im[p] = s0i + s1i;
    re[p + 2] = s0r - s1r;
    im[p + 2] = s0i - s1i;
    re[p + 1] = d0r + d1i;
    im[p + 1] = d0i - d1r;
    re[p + 3] = d0r - d1i;
    im[p + 3] = d0i + d1r;
  }
  let o = 0;
  let s = 4;
  for (; s * 4 <= m; s *= 4) {
    const step = 4 * s;
    for (let j = 0; j < s; j++) {
      const t = o + 4 * j;
      const w2r = tw[t];
      const w2i = tw[t + 1];
      const w4r = tw[t + 2];
      const w4i = tw[t + 3];
      for (let b = j; b < m; b += step) {
        const i1 = b + s;
        const i2 = i1 + s;
        const i3 = i2 + s;
        // Stage of size 2s on (b, i1) and (i2, i3), twiddle w2; then size 4s on (b, i2) with w4
        // and (i1, i3) with w4 * -i.
        let xr = re[i1];
        let xi = im[i1];
        const t1r = xr * w2r - xi * w2i;
        const t1i = xr * w2i + xi * w2r;
        xr = re[i3];
        xi = im[i3];
        const t3r = xr * w2r - xi * w2i;
        const t3i = xr * w2i + xi * w2r;
        const x0r = re[b];
        const x0i = im[b];
        const x2r = re[i2];
        const x2i = im[i2];
        const y0r = x0r + t1r;
        const y0i = x0i + t1i;
        const y1r = x0r - t1r;
        const y1i = x0i - t1i;
        const y2r = x2r + t3r;
        const y2i = x2i + t3i;
        const y3r = x2r - t3r;
        const y3i = x2i - t3i;
        const ur = y2r * w4r - y2i * w4i;
        const ui = y2r * w4i + y2i * w4r;
        const vr = y3r * w4i + y3i * w4r;
        const vi = y3i * w4i - y3r * w4r;
        re[b] = y0r + ur;
        im[b] = y0i + ui;
        re[i2] = y0r - ur;
        im[i2] = y0i - ui;
        re[i1] = y1r + vr;
        im[i1] = y1i + vi;
        re[i3] = y1r - vr;
        im[i3] = y1i - vi;
      }
    }
    o += 4 * s;
  }
  if (s < m) {
    // log2(m) odd: one radix-2 stage of size m, twiddle e^(-2 pi i j / m) = the w2 of a pass with this s.
    for (let j = 0; j < s; j++) {
      const t = o + 4 * j;
      const wr = tw[t];
      const wi = tw[t + 1];
      const q = j + s;
      const qr = re[q];
      const qi = im[q];
      const tr = qr * wr - qi * wi;
      const ti = qr * wi + qi * wr;
      const pr = re[j];
      const pi = im[j];
      re[q] = pr - tr;
      im[q] = pi - ti;
      re[j] = pr + tr;
      im[j] = pi + ti;
    }
  }
}
