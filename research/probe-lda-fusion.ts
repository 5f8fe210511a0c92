/**
 * Probe: does concatenating the learned embedding with the LDA-30 baseline's embedding (each
 * L2-normalised, the LDA part scaled by sqrt(w), so cosine = (cos_model + w cos_lda) / (1 + w))
 * help on the dev lists? A diagnostic for the next recipe step, NOT a way to choose w: a shipped
 * fusion weight must be chosen on validation trials from train speakers (docs/results/lda-fusion.md).
 *   npx tsx research/probe-lda-fusion.ts [MODEL_DIR=models/default]
 */
import { join } from "node:path";
import { initBackend } from "../src/backend";
import { decodeAudioFile } from "../src/audio/decode";
import { ldaBaseline, ldaEmbed } from "../src/eval/baselines";
import { loadModel } from "../src/model";
import { evalDevWith, formatDev } from "../scripts/eval-dev";

await initBackend();
const dir = process.argv[2] ?? "models/default";
const model = await loadModel(dir);
const { model: lda } = await ldaBaseline({
  splitsFile: join("../shared/data", "splits.json"),
  cacheDir: ".cache",
});
const ldaE = ldaEmbed(lda);
const norm = (v: Float32Array) => {
  let s = 0;
  for (const x of v) s += x * x;
  s = Math.sqrt(s) || 1;
  return v.map((x) => x / s);
};
const cache = new Map<string, [Float32Array, Float32Array]>();
const both = async (f: string) => {
  let c = cache.get(f);
  if (!c) {
    const x = (await decodeAudioFile(f)).samples;
    c = [norm(model.embedSamples(x)), norm(await ldaE(f))];
    cache.set(f, c);
  }
  return c;
};
for (const w of [0, 0.5, 1, 2]) {
  const rs = await evalDevWith(async (f) => {
    const [a, b] = await both(f);
    const o = new Float32Array(a.length + b.length);
    o.set(a);
    for (let i = 0; i < b.length; i++) o[a.length + i] = Math.sqrt(w) * b[i];
    return o;
  });
  console.log(`lda weight ${w}\n${formatDev(rs)}`);
}
