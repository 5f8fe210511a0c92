/**
 * Audio sources for live scoring in Node: a file (decoded, then handed over in chunks) or a byte
 * stream such as stdin (a 16 kHz mono 16-bit WAV or raw 16-bit little-endian PCM at 16 kHz mono is
 * converted as it arrives; any other format is read to the end and decoded first). Chunks are
 * CHUNK_SEC long; `realtime` paces them at the speed they were spoken.
 */
import type { Readable } from 'node:stream';
import { decodeAudioBytes, decodeAudioFile, sniffFormat, TARGET_SAMPLE_RATE } from '../audio/decode';
import { AudioDecodeError, CancelledError } from '../errors';

export const CHUNK_SEC = 0.1;
const CHUNK = Math.round(CHUNK_SEC * TARGET_SAMPLE_RATE);

export type LiveSource = { path: string } | { stream: Readable; name: string };

export interface ChunkOptions {
  realtime?: boolean;
  signal?: AbortSignal;
}

/** 16 kHz mono chunks of the source, in order. */
export async function* audioChunks(src: LiveSource, opts: ChunkOptions = {}): AsyncGenerator<Float32Array> {
  const t0 = performance.now();
  let sent = 0;
  const pace = async (n: number) => {
    if (opts.signal?.aborted) throw new CancelledError('Live scoring');
    sent += n;
    if (!opts.realtime) return;
    const due = t0 + (sent / TARGET_SAMPLE_RATE) * 1000 - performance.now();
    if (due > 0) await new Promise((r) => setTimeout(r, due));
  };
  const raw = 'path' in src ? null : src.stream;
  if (!raw) {
    const audio = await decodeAudioFile((src as { path: string }).path);
    for (let i = 0; i < audio.samples.length; i += CHUNK) {
      const c = audio.samples.subarray(i, i + CHUNK);
      await pace(c.length);
      yield c;
    }
    return;
  }
  const name = (src as { name: string }).name;
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer, undefined>;
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  while (head.length < 64 && !done) {
    const r = await it.next();
    if (r.done) done = true;
    else head = Buffer.concat([head, r.value]);
  }
  if (head.length === 0) throw new AudioDecodeError('EMPTY_AUDIO', `${name}: no audio arrived on standard input. Pipe a WAV file or raw 16-bit PCM into it.`, { subject: name });
  const format = sniffFormat(head);
  let pcm: Buffer;
  if (format === undefined) pcm = head;
  else {
    const dataAt = format === 'wav' ? streamableWavData(head) : -1;
    if (dataAt < 0) {
      // Not 16 kHz mono 16-bit PCM: read it all, decode it as a file, then hand it over in chunks.
      const parts: Buffer[] = [head];
      for (let r = done ? { done: true as const, value: undefined } : await it.next(); !r.done; r = await it.next()) parts.push(r.value);
      const audio = await decodeAudioBytes(new Uint8Array(Buffer.concat(parts)), { name });
      for (let i = 0; i < audio.samples.length; i += CHUNK) {
        const c = audio.samples.subarray(i, i + CHUNK);
        await pace(c.length);
        yield c;
      }
      return;
    }
    pcm = head.subarray(dataAt);
  }
  // 16-bit little-endian PCM: convert whole samples as they arrive, keep an odd byte for later.
  let carry: Buffer = Buffer.alloc(0);
  const convert = (b: Buffer): Float32Array => {
    const all: Buffer = carry.length ? Buffer.concat([carry, b]) : b;
    const n = all.length >> 1;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = all.readInt16LE(2 * i) / 32768;
    carry = all.subarray(2 * n);
    return out;
  };
  let pending: Float32Array = convert(pcm);
  for (;;) {
    while (pending.length >= CHUNK) {
      const c = pending.subarray(0, CHUNK);
      pending = pending.subarray(CHUNK);
      await pace(c.length);
      yield c;
    }
    if (done) break;
    const r = await it.next();
    if (r.done) done = true;
    else {
      const next = convert(r.value);
      const merged = new Float32Array(pending.length + next.length);
      merged.set(pending);
      merged.set(next, pending.length);
      pending = merged;
    }
  }
  if (pending.length) {
    await pace(pending.length);
    yield pending;
  }
}

/**
 * Offset of the audio data when `head` starts a 16 kHz mono 16-bit PCM WAV whose header is all in
 * `head`; -1 otherwise (the caller then decodes the whole input). The data size is not trusted: a
 * WAV written to a pipe often cannot say it in advance.
 */
function streamableWavData(head: Buffer): number {
  if (head.length < 12 || head.toString('latin1', 8, 12) !== 'WAVE') return -1;
  let pos = 12;
  let ok = false;
  while (pos + 8 <= head.length) {
    const id = head.toString('latin1', pos, pos + 4);
    const size = head.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      if (pos + 24 > head.length) return -1;
      const format = head.readUInt16LE(pos + 8);
      ok = format === 1 && head.readUInt16LE(pos + 10) === 1 && head.readUInt32LE(pos + 12) === TARGET_SAMPLE_RATE && head.readUInt16LE(pos + 22) === 16;
    } else if (id === 'data') return ok ? pos + 8 : -1;
    pos += 8 + size + (size & 1);
  }
  return -1;
}
