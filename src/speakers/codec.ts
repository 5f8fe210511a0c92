/** Small encodings used by the store's JSON files: packed float vectors and checksums. */
import { createHash } from 'node:crypto';

/** Float32 vector -> base64 of its little-endian bytes (exact, ~3x smaller than a JSON array). */
export function f32ToBase64(v: Float32Array): string {
  const buf = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i], i * 4);
  return buf.toString('base64');
}

/** Inverse of f32ToBase64; returns undefined when the text is not a whole number of floats. */
export function base64ToF32(s: string): Float32Array | undefined {
  const buf = Buffer.from(s, 'base64');
  if (buf.length % 4 !== 0) return undefined;
  const out = new Float32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Mean of L2-normalised vectors, re-normalised: the speaker's centroid. Throws on no input. */
export function centroidOf(vectors: Float32Array[]): Float32Array {
  if (vectors.length === 0) throw new RangeError('centroid of no vectors');
  const d = vectors[0].length;
  const acc = new Float64Array(d);
  for (const v of vectors) {
    if (v.length !== d) throw new RangeError(`vector length ${v.length} != ${d}`);
    for (let i = 0; i < d; i++) acc[i] += v[i];
  }
  let n = 0;
  for (let i = 0; i < d; i++) n += acc[i] * acc[i];
  const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
  const out = new Float32Array(d);
  for (let i = 0; i < d; i++) out[i] = acc[i] * inv;
  return out;
}
