/**
 * Speech selection for embedding. Temporary local stand-in until src/audio's `detectSpeech` lands
 * (docs/architecture.md): an energy gate that drops 10 ms frames more than 40 dB below the loudest
 * frames (the 95th percentile), keeping a short hangover around speech. Training and inference both
 * go through `selectSpeech`, so the model sees the same kind of input in both.
 */
const FRAME = 160;

export function selectSpeech(samples: Float32Array): Float32Array {
  const n = Math.floor(samples.length / FRAME);
  if (n < 3) return samples;
  const db = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let e = 0;
    for (let j = i * FRAME; j < (i + 1) * FRAME; j++) e += samples[j] * samples[j];
    db[i] = 10 * Math.log10(e / FRAME + 1e-12);
  }
  const sorted = Float32Array.from(db).sort();
  const ref = sorted[Math.floor(0.95 * (n - 1))];
  const gate = Math.max(ref - 40, -75);
  const keep = new Uint8Array(n);
  const hang = 10;
  for (let i = 0; i < n; i++) {
    if (db[i] > gate) for (let k = Math.max(0, i - hang); k <= Math.min(n - 1, i + hang); k++) keep[k] = 1;
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += keep[i];
  if (count < 10) return samples;
  const out = new Float32Array(count * FRAME);
  let o = 0;
  for (let i = 0; i < n; i++) if (keep[i]) out.set(samples.subarray(i * FRAME, (i + 1) * FRAME), o++ * FRAME);
  return out;
}
