/**
 * Times the whole inference pipeline (speech detection, MFCC, windows, model) of a randomly
 * initialised embedder on synthetic voiced audio of 1 s, 3 s and 60 s:
 *   npx tsx research/bench-embed.ts
 * Timing is per call, median of 5 (the architecture, not the weights, sets the cost).
 */
import { initBackend } from "../src/backend";
import { createEmbedder } from "../src/model";

function voiced(seconds: number): Float32Array {
  const n = Math.round(seconds * 16000);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / 16000;
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(2 * Math.PI * 140 * h * t) / h;
    x[i] = 0.1 * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t)) * v;
  }
  return x;
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const e = createEmbedder();
  const res: Record<string, number> = {};
  for (const sec of [1, 3, 60]) {
    const x = voiced(sec);
    e.embedSamples(x);
    const ts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      e.embedSamples(x);
      ts.push(performance.now() - t0);
    }
    res[`${sec}s`] = +ts.sort((a, b) => a - b)[2].toFixed(1);
  }
  console.log(
    JSON.stringify({ backend, params: e.model.countParams(), medianMs: res }),
  );
  e.dispose();
}
void main();
