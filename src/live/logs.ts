/**
 * Append-only logs addressed by absolute index whose oldest part can be dropped, so a stream of
 * any length holds only the recent samples and frames its next decisions need.
 */
import { SAMPLE_RATE } from '../features/front-end';

/** Grow and drop in blocks of one second of audio. */
const BLOCK = SAMPLE_RATE;

export class SampleLog {
  private buf = new Float32Array(BLOCK);
  private start = 0; // absolute index of buf[0]
  private len = 0;
  /** Absolute index one past the last sample. */
  get end(): number {
    return this.start + this.len;
  }
  /** Absolute index of the oldest sample kept. */
  get first(): number {
    return this.start;
  }
  push(x: Float32Array): void {
    if (this.len + x.length > this.buf.length) {
      const next = new Float32Array(Math.max(2 * this.buf.length, this.len + x.length));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(x, this.len);
    this.len += x.length;
  }
  /** A view of [from, to) (valid until the next push or drop). */
  view(from: number, to: number): Float32Array {
    if (from < this.start || to > this.end) throw new RangeError(`samples [${from}, ${to}) not held (have [${this.start}, ${this.end}))`);
    return this.buf.subarray(from - this.start, to - this.start);
  }
  slice(from: number, to: number): Float32Array {
    return this.view(from, to).slice();
  }
  /** Forgets samples before absolute index `from` (compacting in blocks, so the copy is amortised). */
  dropBefore(from: number): void {
    const k = Math.min(this.len, from - this.start);
    if (k < BLOCK) return;
    this.buf.copyWithin(0, k, this.len);
    this.len -= k;
    this.start += k;
  }
}

/** Per-frame numbers by absolute frame index. */
export class FrameLog {
  private values: number[] = [];
  private start = 0;
  get length(): number {
    return this.start + this.values.length;
  }
  push(v: number): void {
    this.values.push(v);
  }
  at(i: number): number {
    const v = this.values[i - this.start];
    if (v === undefined) throw new RangeError(`frame ${i} not held (have [${this.start}, ${this.length}))`);
    return v;
  }
  dropBefore(i: number): void {
    const k = i - this.start;
    if (k < 1000) return;
    this.values.splice(0, k);
    this.start += k;
  }
}
