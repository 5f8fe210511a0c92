/**
 * Probe: concatenating two trained models' embeddings (the second scaled by sqrt(w)), so the cosine
 * is (cos_a + w cos_b) / (1 + w). Scores the dev lists for several w; a diagnostic, it chooses nothing.
 *   npx tsx research/probe-ensemble.ts MODEL_A MODEL_B
 */
import { initBackend } from "../src/backend";
import { decodeAudioFile } from "../src/audio/decode";
import { loadModel } from "../src/model";
import { evalDevWith } from "../scripts/eval-dev";

async function main(): Promise<void> {
  await initBackend();
  const [a, b] = await Promise.all(
    process.argv.slice(2, 4).map((d) => loadModel(d)),
  );
  const cache = new Map<string, [Float32Array, Float32Array]>();
  const embs = async (f: string): Promise<[Float32Array, Float32Array]> => {
    let e = cache.get(f);
    if (!e) {
      const x = (await decodeAudioFile(f)).samples;
      cache.set(f, (e = [a.embedSamples(x), b.embedSamples(x)]));
    }
    return e;
  };
  for (const w of [0, 0.5, 1, 2, 1000]) {
    const r = await evalDevWith(async (f) => {
      const [ea, eb] = await embs(f);
      const out = new Float32Array(ea.length + eb.length);
      out.set(ea);
      for (let i = 0; i < eb.length; i++)
        out[ea.length + i] = Math.sqrt(w) * eb[i];
      return out;
    });
    console.log(
      `w ${w}: ${r.map((d) => `${d.list} ${(100 * d.eer).toFixed(2)}%`).join("  ")}`,
    );
  }
}
void main();
