/**
 * Probe: does the way long LibriSpeech train utterances are cut before fitting the `lda` baseline
 * change its dev EER? Fits LDA-30 with 3 s, 6 s, 12 s chunks and whole utterances; prints dev EERs.
 *   npx tsx research/probe-lda-chunks.ts
 */
import path from "node:path";
import { decodeAudioFile } from "../src/audio/decode";
import { readSplits, splitFiles } from "../src/eval/data";
import { fitLda, ldaProject } from "../src/eval/lda";
import { chunkStats, mfccStats, speechMfcc } from "../src/eval/stats";
import { evalDevWith } from "../scripts/eval-dev";
import { ldaInputOfFile } from "../src/eval/baselines";
const root = "../shared/data";
const speakers = splitFiles(
  readSplits(path.join(root, "splits.json")),
  "train",
  root,
);
const feats: {
  key: string;
  single: boolean;
  f: ReturnType<typeof speechMfcc>;
}[] = [];
for (const s of speakers)
  for (const f of s.files)
    feats.push({
      key: s.key,
      single: s.files.length === 1,
      f: speechMfcc((await decodeAudioFile(f)).samples),
    });
console.log("decoded", feats.length);
const devIn = new Map<string, Float32Array>();
const inp = async (f: string) => {
  let x = devIn.get(f);
  if (!x) devIn.set(f, (x = await ldaInputOfFile(f)));
  return x;
};
for (const sec of [3, 6, 12, 10000]) {
  const cf = Math.round(sec * 100);
  const x: Float32Array[] = [];
  const labels: string[] = [];
  for (const it of feats) {
    const rows = it.single ? chunkStats(it.f, cf) : [mfccStats(it.f)];
    for (const r of rows) {
      x.push(r);
      labels.push(it.key);
    }
  }
  for (const dims of [30]) {
    const m = fitLda(x, labels, { dims, reg: 0.01 });
    const r = await evalDevWith(async (f) => ldaProject(m, await inp(f)), root);
    console.log(
      `chunk ${sec}s dims ${dims} rows ${x.length}:`,
      r.map((d) => `${d.list} ${(100 * d.eer).toFixed(2)}`).join("  "),
    );
  }
}
