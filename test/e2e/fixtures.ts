/** Audio for the e2e run, made from the shared dev clips (read-only) into a temp folder. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioFile } from '../../src/audio/decode';
import { resample } from '../../src/audio/resample';
import { encodeWav } from '../../src/audio/wav';

export const DATA = join(import.meta.dirname, '../../../shared/data');

/** Concatenates clips (with 0.3 s gaps) into one WAV at `rate`, for Chromium's fake microphone. */
export async function concatToWav(files: string[], out: string, rate = 48000): Promise<{ path: string; seconds: number }> {
  const parts: Float32Array[] = [];
  const gap = new Float32Array(Math.round(0.3 * 16000));
  for (const f of files) {
    parts.push((await decodeAudioFile(f)).samples, gap);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const samples = rate === 16000 ? all : resample(all, 16000, rate);
  writeFileSync(out, encodeWav(samples, rate));
  return { path: out, seconds: total / 16000 };
}
