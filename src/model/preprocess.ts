/**
 * Input preparation outside the graph: the per-utterance statistics, mean normalisation, the frame
 * splice (context frames concatenated once, so every frame layer is one matMul) and windowing.
 * Plain typed-array code: cheap next to the matMuls, and differentiable paths never need it.
 */
import { frameInputDim, statsInputDim, type ArchConfig } from './arch-config';

/** MFCC matrix, [numFrames, numCoeffs] row-major (the src/features contract). */
export interface FeatureMatrix {
  data: Float32Array;
  numFrames: number;
  numCoeffs: number;
}

/** Per-coefficient mean and std over frames [start, end) of a [frames, coeffs] matrix, into out[0..2C). */
export function utteranceStats(f: FeatureMatrix, start = 0, end = f.numFrames, out?: Float32Array): Float32Array {
  const c = f.numCoeffs;
  const res = out ?? new Float32Array(2 * c);
  const n = Math.max(1, end - start);
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let t = start; t < end; t++) {
    const row = t * c;
    for (let j = 0; j < c; j++) {
      const v = f.data[row + j];
      sum[j] += v;
      sq[j] += v * v;
    }
  }
  for (let j = 0; j < c; j++) {
    const m = sum[j] / n;
    res[j] = m;
    res[c + j] = Math.sqrt(Math.max(sq[j] / n - m * m, 0));
  }
  return res;
}

/** Number of spliced frames the model sees for `numFrames` input frames. */
export function splicedLength(numFrames: number, a: ArchConfig): number {
  return Math.ceil(numFrames / a.frameStride);
}

/**
 * Splices frames [start, end) of `f` into out (row-major [splicedLength, numCoeffs*splice.length]),
 * subtracting `mean` (per coefficient) when given. Context beyond the crop repeats the edge frame,
 * so the model sees the same thing for a crop at training time and for a window at inference.
 */
export function spliceInto(
  f: FeatureMatrix,
  start: number,
  end: number,
  a: ArchConfig,
  mean: Float32Array | null,
  out: Float32Array,
  outOffset = 0,
): void {
  const c = f.numCoeffs;
  const k = a.splice.length;
  const last = end - 1;
  let o = outOffset;
  for (let t = start; t < end; t += a.frameStride) {
    for (let s = 0; s < k; s++) {
      let src = t + a.splice[s];
      if (src < start) src = start;
      else if (src > last) src = last;
      const row = src * c;
      if (mean) for (let j = 0; j < c; j++) out[o++] = f.data[row + j] - mean[j];
      else for (let j = 0; j < c; j++) out[o++] = f.data[row + j];
    }
  }
}

export interface PreparedBatch {
  /** [batch, frames', frameDim] */
  frames: Float32Array;
  /** [batch, statsDim] */
  stats: Float32Array;
  batch: number;
  framesPerItem: number;
}

/**
 * Prepares equal-length crops [start, start+length) of several feature matrices as one model batch.
 * Statistics and mean normalisation are taken over the crop itself, as at inference over a window.
 */
export function prepareCrops(items: { f: FeatureMatrix; start: number }[], length: number, a: ArchConfig): PreparedBatch {
  const tOut = splicedLength(length, a);
  const fd = frameInputDim(a);
  const sd = statsInputDim(a);
  const frames = new Float32Array(items.length * tOut * fd);
  const stats = new Float32Array(items.length * sd);
  const c = a.numCoeffs;
  items.forEach(({ f, start }, i) => {
    if (f.numCoeffs !== c) throw new RangeError(`features have ${f.numCoeffs} coefficients, the model expects ${c}`);
    const end = start + length;
    if (start < 0 || end > f.numFrames) throw new RangeError(`crop [${start}, ${end}) outside ${f.numFrames} frames`);
    const st = stats.subarray(i * sd, (i + 1) * sd);
    utteranceStats(f, start, end, st);
    spliceInto(f, start, end, a, a.frameNorm === 'cmn' ? st.subarray(0, c) : null, frames, i * tOut * fd);
  });
  return { frames, stats, batch: items.length, framesPerItem: tOut };
}

/**
 * Window start offsets covering `numFrames` with windows of a.windowFrames hopping by a.windowHop;
 * the last window is aligned to the end so no audio is dropped. Inputs no longer than one window
 * give one window of their own length.
 */
export function windowStarts(numFrames: number, a: ArchConfig): { starts: number[]; length: number } {
  if (numFrames <= a.windowFrames) return { starts: [0], length: numFrames };
  const starts: number[] = [];
  for (let s = 0; s + a.windowFrames <= numFrames; s += a.windowHop) starts.push(s);
  const lastStart = numFrames - a.windowFrames;
  if (starts[starts.length - 1] !== lastStart) starts.push(lastStart);
  return { starts, length: a.windowFrames };
}
