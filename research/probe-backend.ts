/**
 * Probe: does a linear back end on the model's embeddings (LDA / WCCN, fitted on the train
 * speakers the model learned from, with clean and simulated-telephone copies as within-speaker
 * variation) lower the error on held-out train speakers (validation) and the dev lists?
 *   npx tsx research/probe-backend.ts [MODEL_DIR]
 * Embeddings are cached in .cache/probe-backend/ (keyed by model id).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeAudioFile } from "../src/audio/decode";
import { initBackend } from "../src/backend";
import { fitLda, ldaProject } from "../src/eval/lda";
import { computeEer } from "../src/eval/metrics";
import { loadTrials } from "../src/eval/evaluate";
import { loadModel, readModelCard } from "../src/model";
import { l2normalize, cosine } from "../src/speakers/scoring";
import { telephone } from "../src/train/augment";
import { listTrainingData, type Utterance } from "../src/train/data";
import { TrainOptionsSchema } from "../src/train/options";
import { makeRng, pickDistinct } from "../src/util/rng";
import { splitValidation } from "../src/train/trainer";

const DIR = process.argv[2] ?? "models/default";
const DATA = "../shared/data";
type Cond = "clean" | "telephone";

async function main() {
  await initBackend();
  const card = await readModelCard(DIR);
  const model = await loadModel(DIR);
  const cacheFile = join(".cache/probe-backend", `${card.id}.json`);
  mkdirSync(".cache/probe-backend", { recursive: true });
  const cache: Record<string, { e: number[]; s: number }> = existsSync(
    cacheFile,
  )
    ? JSON.parse(readFileSync(cacheFile, "utf8"))
    : {};
  let fresh = 0;
  const save = () => writeFileSync(cacheFile, JSON.stringify(cache));
  const embedKey = async (key: string, make: () => Promise<Float32Array>) => {
    let c = cache[key];
    if (!c) {
      const r = model.embedWithSpeech(await make());
      c = cache[key] = {
        e: Array.from(r.embedding, (v) => Math.round(v * 1e5) / 1e5),
        s: r.speechSec,
      };
      if (++fresh % 500 === 0) {
        console.log(`embedded ${fresh}`);
        save();
      }
    }
    return { e: Float32Array.from(c.e), s: c.s };
  };
  const embed = (path: string, cond: Cond) =>
    embedKey(`${path}|${cond}`, async () => {
      const x = (await decodeAudioFile(path)).samples;
      return cond === "telephone" ? telephone(x) : x;
    });

  const splits = join(DATA, "splits.json");
  const utts = listTrainingData(DATA, splits);
  const opts = TrainOptionsSchema.parse({
    ...(card.training.options ?? {}),
    data: DATA,
    splits,
  });
  const { train, val } = splitValidation(utts, opts);
  const rng = makeRng(7);
  const by = (us: Utterance[]) => {
    const m = new Map<string, Utterance[]>();
    for (const u of us) m.set(u.speaker, [...(m.get(u.speaker) ?? []), u]);
    return m;
  };
  // Fit set: up to 8 files per train speaker; single-file speakers give up to 4 chunks of 4 s.
  const X: Float32Array[] = [];
  const Y: string[] = [];
  const YC: string[] = [];
  for (const [spk, us] of by(train)) {
    for (const cond of ["clean", "telephone"] as Cond[]) {
      if (us.length === 1) {
        const x = (await decodeAudioFile(us[0].path)).samples;
        const L = 4 * 16000;
        for (let c = 0; c < 4 && (c + 1) * L <= x.length; c++) {
          const r = await embedKey(`${us[0].path}#${c}|${cond}`, async () => {
            const seg = x.slice(c * L, (c + 1) * L);
            return cond === "telephone" ? telephone(seg) : seg;
          });
          X.push(r.e);
          Y.push(spk);
          YC.push(`${spk}|${cond}`);
        }
      } else {
        for (const i of pickDistinct(us.length, Math.min(8, us.length), rng)) {
          const r = await embed(us[i].path, cond);
          X.push(r.e);
          Y.push(spk);
          YC.push(`${spk}|${cond}`);
        }
      }
    }
  }
  save();
  console.log(`fit set: ${X.length} embeddings of ${new Set(Y).size} speakers`);

  // Validation trials: held-out train speakers, enroll 3 test 1, clean and telephone.
  interface T {
    enroll: Float32Array[];
    test: Float32Array;
    target: boolean;
    group: string;
  }
  const vt: T[] = [];
  const vspk = [...by(val).values()].filter((u) => u.length >= 4);
  for (const cond of ["clean", "telephone"] as Cond[]) {
    for (const corpus of [...new Set(vspk.map((u) => u[0].corpus))].sort()) {
      const spks = vspk.filter((u) => u[0].corpus === corpus);
      for (const us of spks) {
        for (let t = 0; t < Math.max(8, Math.ceil(200 / spks.length)); t++) {
          const pick = pickDistinct(us.length, 4, rng).map((i) => us[i]);
          const enroll = await Promise.all(
            pick.slice(0, 3).map(async (u) => (await embed(u.path, cond)).e),
          );
          vt.push({
            enroll,
            test: (await embed(pick[3].path, cond)).e,
            target: true,
            group: `${corpus}/${cond}`,
          });
          const others = spks.filter((o) => o !== us);
          const o = others[rng.int(others.length)];
          vt.push({
            enroll,
            test: (await embed(o[rng.int(o.length)].path, cond)).e,
            target: false,
            group: `${corpus}/${cond}`,
          });
        }
      }
    }
  }
  save();
  // Dev lists (report only).
  const dev: Record<string, T[]> = {};
  for (const l of ["dsp", "libri", "arabic", "sc", "so"]) {
    for (const cond of ["clean", "telephone"] as Cond[]) {
      const trials = loadTrials({
        trialsFile: join(DATA, `${l}-dev.trials.txt`),
      });
      const ts: T[] = [];
      for (const t of trials) {
        ts.push({
          enroll: await Promise.all(
            t.enroll.map(async (p) => (await embed(p, cond)).e),
          ),
          test: (await embed(t.test, cond)).e,
          target: t.label === 1,
          group: l,
        });
      }
      dev[`${l}${cond === "telephone" ? "-tel" : ""}`] = ts;
    }
  }
  save();
  console.log(
    `validation trials ${vt.length}; dev lists ${Object.keys(dev).join(" ")}; fresh embeddings ${fresh}`,
  );

  const eerOf = (ts: T[], f: (v: Float32Array) => Float32Array) => {
    const tar: number[] = [];
    const non: number[] = [];
    for (const t of ts) {
      const acc = new Float32Array(f(t.test).length);
      for (const e of t.enroll) {
        const p = f(e);
        for (let i = 0; i < acc.length; i++) acc[i] += p[i];
      }
      const s = cosine(l2normalize(acc), f(t.test));
      (t.target ? tar : non).push(s);
    }
    return computeEer(tar, non).eer;
  };
  const groups = [...new Set(vt.map((t) => t.group))].sort();
  const report = (name: string, f: (v: Float32Array) => Float32Array) => {
    const vg = groups.map((g) =>
      eerOf(
        vt.filter((t) => t.group === g),
        f,
      ),
    );
    const vmean = vg.reduce((a, b) => a + b, 0) / vg.length;
    const d = Object.entries(dev).map(
      ([k, ts]) => `${k} ${(100 * eerOf(ts, f)).toFixed(2)}`,
    );
    console.log(
      `${name.padEnd(28)} val mean ${(100 * vmean).toFixed(2)} [${vg.map((x) => (100 * x).toFixed(1)).join(" ")}] | ${d.join(" ")}`,
    );
  };
  report("cosine", (v) => v);
  for (const reg of [0.01, 0.1]) {
    for (const dims of [32, 64, 100, 127]) {
      for (const lab of ["spk", "spk|cond"] as const) {
        const lda = fitLda(X, lab === "spk" ? Y : YC, { dims, reg });
        report(`lda${dims} reg${reg} ${lab}`, (v) =>
          l2normalize(ldaProject(lda, v)),
        );
      }
    }
  }
  model.dispose();
}
void main();
