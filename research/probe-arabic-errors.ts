/**
 * Probe: which speakers make a model's arabic-dev errors? Prints the lowest-scoring target trials,
 * the highest-scoring non-target trials, and counts by speaker among the 40 worst of each.
 *   npx tsx research/probe-arabic-errors.ts [MODEL_DIR=models/default] [--list arabic-dev]
 */
import { basename } from "node:path";
import { initBackend } from "../src/backend";
import { decodeAudioFile } from "../src/audio/decode";
import { loadModel } from "../src/model";
import { readTrialsFile } from "../src/eval/trials";

async function main(): Promise<void> {
  await initBackend();
  const li = process.argv.indexOf("--list");
  const list = li >= 0 ? process.argv[li + 1] : "arabic-dev";
  const m = await loadModel(
    process.argv[2] && !process.argv[2].startsWith("--")
      ? process.argv[2]
      : "models/default",
  );
  const cache = new Map<string, Float32Array>();
  const emb = async (f: string) => {
    let e = cache.get(f);
    if (!e)
      cache.set(f, (e = m.embedSamples((await decodeAudioFile(f)).samples)));
    return e;
  };
  const rows: { label: number; score: number; enroll: string; test: string }[] =
    [];
  for (const t of readTrialsFile(`../shared/data/${list}.trials.txt`)) {
    const es = await Promise.all(t.enroll.map(emb));
    const c = new Float32Array(es[0].length);
    for (const e of es) for (let i = 0; i < c.length; i++) c[i] += e[i];
    const n = Math.hypot(...c);
    const x = await emb(t.test);
    let s = 0;
    for (let i = 0; i < c.length; i++) s += (c[i] * x[i]) / n;
    rows.push({
      label: t.label,
      score: s,
      enroll: t.enroll.map((p) => basename(p)).join("+"),
      test: basename(t.test),
    });
  }
  rows.sort((a, b) => a.score - b.score);
  const targets = rows.filter((r) => r.label === 1).slice(0, 40);
  const nontargets = rows.filter((r) => r.label === 0).slice(-40);
  const spk = (file: string) => file.split("-")[0];
  const count = (keys: string[]) =>
    Object.fromEntries(
      [...new Set(keys)].map((k) => [k, keys.filter((x) => x === k).length]),
    );
  console.log("lowest target trials:");
  for (const r of targets.slice(0, 15))
    console.log(`  ${r.score.toFixed(3)}  ${r.enroll} -> ${r.test}`);
  console.log("highest non-target trials:");
  for (const r of nontargets.slice(-15))
    console.log(`  ${r.score.toFixed(3)}  ${r.enroll} -> ${r.test}`);
  console.log(
    "test speakers of the 40 lowest target trials:",
    count(targets.map((r) => spk(r.test))),
  );
  console.log(
    "enroll/test speakers of the 40 highest non-target trials:",
    count(nontargets.map((r) => `${spk(r.enroll)}/${spk(r.test)}`)),
  );
}
void main();
