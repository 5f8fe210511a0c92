import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWav } from '../../src/audio/wav';

/** Synthetic "voices": harmonic series at a speaker-specific f0 and spectral tilt, word-like envelopes. */
export function synthVoice(seconds: number, f0: number, tilt: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
  const n = Math.round(seconds * 16000);
  const x = new Float32Array(n);
  const rate = 2 + 3 * r();
  const jitter = 1 + 0.03 * (r() - 0.5);
  for (let i = 0; i < n; i++) {
    const t = i / 16000;
    const env = Math.max(0, Math.sin(Math.PI * rate * t)) ** 2;
    let v = 0;
    for (let h = 1; h <= 10; h++) v += Math.sin(2 * Math.PI * f0 * jitter * h * t + h) / h ** tilt;
    x[i] = 0.2 * env * v + 0.002 * (r() - 0.5);
  }
  // 100 ms of near-silence on both sides, for the VAD to trim
  const out = new Float32Array(n + 3200);
  out.set(x, 1600);
  return out;
}

/** Writes DIR/SPEAKER/clipN.wav for `speakers` synthetic speakers; returns DIR. */
export function writeSyntheticData(dir: string, speakers: number, clips: number, seconds = 1): string {
  for (let s = 0; s < speakers; s++) {
    const d = join(dir, `spk${s}`);
    mkdirSync(d, { recursive: true });
    for (let c = 0; c < clips; c++) {
      writeFileSync(join(d, `clip${c}.wav`), encodeWav(synthVoice(seconds, 90 + 35 * s, 0.6 + 0.25 * (s % 3), 1000 * s + c)));
    }
  }
  return dir;
}
