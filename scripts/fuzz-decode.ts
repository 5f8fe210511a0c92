/**
 * Mutation fuzz of the decoders: flips bytes (mostly in the body, some in the first 128 bytes)
 * and sometimes cuts the file, for a 16-bit WAV and the FLAC, MP3, Ogg Vorbis and Ogg Opus
 * fixtures, and checks that every failure is an AudioDecodeError. Prints the outcome counts
 * and the slowest case. `npx tsx scripts/fuzz-decode.ts [trials=1500] [seed=1]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioBytes } from '../src/audio/decode';
import { encodeWav } from '../src/audio/wav';
import { AudioDecodeError } from '../src/errors';

const trials = Number(process.argv[2] ?? 1500);
let state = Number(process.argv[3] ?? 1) >>> 0;
const rand = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures', 'audio');
const seeds: [string, Uint8Array][] = [
  ['wav', encodeWav(Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i / 9) * 0.3))],
  ...['speech-16k-mono.flac', 'speech-44k-stereo.mp3', 'speech-44k-stereo.ogg', 'speech-16k-mono.opus'].map(
    (f) => [f.split('.').pop()!, new Uint8Array(readFileSync(join(fixtures, f)))] as [string, Uint8Array],
  ),
];
const counts: Record<string, number> = {};
let slowest = 0;
const t0 = performance.now();
for (let t = 0; t < trials; t++) {
  const [kind, seed] = seeds[t % seeds.length];
  const b = Uint8Array.from(seed);
  const flips = 1 + Math.floor(rand() * 8);
  for (let k = 0; k < flips; k++) b[rand() < 0.2 ? Math.floor(rand() * 128) : Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
  const input = rand() < 0.2 ? b.subarray(0, Math.floor(rand() * b.length)) : b;
  const start = performance.now();
  let outcome = 'decoded';
  try {
    await decodeAudioBytes(input, { name: `fuzz-${t}.${kind}`, timeoutMs: 5000 });
  } catch (e) {
    if (!(e instanceof AudioDecodeError)) {
      console.error(`trial ${t} (${kind}): untyped error`, e);
      process.exit(1);
    }
    outcome = e.code;
  }
  slowest = Math.max(slowest, performance.now() - start);
  counts[`${kind} ${outcome}`] = (counts[`${kind} ${outcome}`] ?? 0) + 1;
}
console.log(JSON.stringify({ trials, counts, slowestMs: Math.round(slowest), totalSec: Math.round((performance.now() - t0) / 100) / 10 }, null, 1));
