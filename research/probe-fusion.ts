/**
 * Probe: does fusing the model's cosine with the MFCC-statistics LDA cosine (the `lda` eval
 * baseline's scorer, fitted here on the train speakers the model learned from, never the
 * validation or dev ones) in the logistic-regression calibration lower the error?
 * The fusion is fitted on validation trials (held-out train speakers); the dev lists only report.
 *   npx tsx research/probe-fusion.ts [MODEL_DIR]   (after research/probe-backend.ts filled the embedding cache)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeAudioFile } from "../src/audio/decode";
import { initBackend } from "../src/backend";
import { fitLda, ldaProject } from "../src/eval/lda";
import { computeEer } from "../src/eval/metrics";
import { loadTrials } from "../src/eval/evaluate";
import { mfccStats, chunkStats, speechMfcc } from "../src/eval/stats";
import { fitLogRegWeighted } from "../src/calibration/logreg";
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
  mkdirSync(".cache/probe-backend", { recursive: true });
  const embFile = join(".cache/probe-backend", `${card.id}.json`);
  const statFile = join(".cache/probe-backend", `stats.json`);
  const emb: Record<string, { e: number[]; s: number }> = existsSync(embFile)
    ? JSON.parse(readFileSync(embFile, "utf8"))
    : {};
  const stats: Record<string, number[][]> = existsSync(statFile)
    ? JSON.parse(readFileSync(statFile, "utf8"))
    : {};
  let fresh = 0;
  const audio = async (path: string, cond: Cond) => {
    const x = (await decodeAudioFile(path)).samples;
    return cond === "telephone" ? telephone(x) : x;
  };
  const net = async (path: string, cond: Cond) => {
    const k = `${path}|${cond}`;
    if (!emb[k]) {
      const r = model.embedWithSpeech(await audio(path, cond));
      emb[k] = { e: Array.from(r.embedding), s: r.speechSec };
      fresh++;
    }
    return { e: Float32Array.from(emb[k].e), s: emb[k].s };
  };
  /** MFCC statistics of the file; `chunks` cuts single long recordings into 3 s chunks. */
  const stat = async (path: string, cond: Cond, chunks = false) => {
    const k = `${path}|${cond}|${chunks ? "c" : "w"}`;
    if (!stats[k]) {
      const f = speechMfcc(await audio(path, cond));
      stats[k] = (chunks ? chunkStats(f, 300) : [mfccStats(f)]).map((r) =>
        Array.from(r),
      );
      if (++fresh % 500 === 0) console.log(`computed ${fresh}`);
    }
    return stats[k].map((r) => Float32Array.from(r));
  };

  const splits = join(DATA, "splits.json");
  const utts = listTrainingData(DATA, splits);
  const opts = TrainOptionsSchema.parse({
    ...(card.training.options ?? {}),
    data: DATA,
    splits,
  });
  const { train, val } = splitValidation(utts, opts);
  const by = (us: Utterance[]) => {
    const m = new Map<string, Utterance[]>();
    for (const u of us) m.set(u.speaker, [...(m.get(u.speaker) ?? []), u]);
    return m;
  };
  const fit: Record<"clean" | "both", { x: Float32Array[]; y: string[] }> = {
    clean: { x: [], y: [] },
    both: { x: [], y: [] },
  };
  for (const [spk, us] of by(train)) {
    for (const cond of ["clean", "telephone"] as Cond[]) {
      for (const u of us) {
        for (const r of await stat(u.path, cond, us.length === 1)) {
          if (cond === "clean") {
            fit.clean.x.push(r);
            fit.clean.y.push(spk);
          }
          fit.both.x.push(r);
          fit.both.y.push(spk);
        }
      }
    }
  }
  writeFileSync(statFile, JSON.stringify(stats));
  console.log(
    `LDA fit rows: clean ${fit.clean.x.length}, clean+telephone ${fit.both.x.length}`,
  );

  interface Side {
    e: Float32Array;
    s: number;
    st: Float32Array;
  }
  interface T {
    enroll: Side[];
    test: Side;
    target: boolean;
    group: string;
  }
  const side = async (p: string, cond: Cond): Promise<Side> => ({
    ...(await net(p, cond)),
    st: (await stat(p, cond))[0],
  });
  const rng = makeRng(7);
  const vt: T[] = [];
  const vspk = [...by(val).values()].filter((u) => u.length >= 4);
  for (const cond of ["clean", "telephone"] as Cond[]) {
    for (const corpus of [...new Set(vspk.map((u) => u[0].corpus))].sort()) {
      const spks = vspk.filter((u) => u[0].corpus === corpus);
      for (const us of spks) {
        for (let t = 0; t < Math.max(8, Math.ceil(200 / spks.length)); t++) {
          const pick = pickDistinct(us.length, 4, rng).map((i) => us[i]);
          const enroll = await Promise.all(
            pick.slice(0, 3).map((u) => side(u.path, cond)),
          );
          vt.push({
            enroll,
            test: await side(pick[3].path, cond),
            target: true,
            group: `${corpus}/${cond}`,
          });
          const others = spks.filter((o) => o !== us);
          const o = others[rng.int(others.length)];
          vt.push({
            enroll,
            test: await side(o[rng.int(o.length)].path, cond),
            target: false,
            group: `${corpus}/${cond}`,
          });
        }
      }
    }
  }
  const dev: Record<string, T[]> = {};
  for (const l of ["dsp", "libri", "arabic", "sc", "so"]) {
    for (const cond of ["clean", "telephone"] as Cond[]) {
      const ts: T[] = [];
      for (const t of loadTrials({
        trialsFile: join(DATA, `${l}-dev.trials.txt`),
      }))
        ts.push({
          enroll: await Promise.all(t.enroll.map((p) => side(p, cond))),
          test: await side(t.test, cond),
          target: t.label === 1,
          group: l,
        });
      dev[`${l}${cond === "telephone" ? "-tel" : ""}`] = ts;
    }
  }
  writeFileSync(statFile, JSON.stringify(stats));
  writeFileSync(embFile, JSON.stringify(emb));
  console.log(`fresh ${fresh}`);

  for (const [name, f] of Object.entries(fit)) {
    for (const dims of [30, 50]) {
      const lda = fitLda(f.x, f.y, { dims, reg: 0.01 });
      const proj = new Map<Float32Array, Float32Array>();
      const P = (v: Float32Array) =>
        proj.get(v) ??
        (proj.set(v, l2normalize(ldaProject(lda, v))), proj.get(v)!);
      const measures = (t: T) => {
        const c = new Float32Array(t.test.e.length);
        const cl = new Float32Array(lda.outDim);
        for (const s of t.enroll) {
          for (let i = 0; i < c.length; i++) c[i] += s.e[i];
          const p = P(s.st);
          for (let i = 0; i < cl.length; i++) cl[i] += p[i];
        }
        const cn = cosine(l2normalize(c), t.test.e);
        const cd = cosine(l2normalize(cl), P(t.test.st));
        const le = Math.log(
          Math.max(
            0.3,
            t.enroll.reduce((a, s) => a + s.s, 0),
          ),
        );
        const lt = Math.log(Math.max(0.3, t.test.s));
        const lm = Math.min(le, lt);
        return { cn, cd, le, lt, lm };
      };
      const sets: Record<string, (m: ReturnType<typeof measures>) => number[]> =
        {
          "net+dur": (m) => [m.cn, m.le, m.lt, m.cn * m.lm],
          "lda+dur": (m) => [m.cd, m.le, m.lt, m.cd * m.lm],
          "net+lda+dur": (m) => [
            m.cn,
            m.cd,
            m.le,
            m.lt,
            m.cn * m.lm,
            m.cd * m.lm,
          ],
          "net+lda": (m) => [m.cn, m.cd],
        };
      const vm = vt.map(measures);
      const count = new Map<string, number>();
      vt.forEach((t) =>
        count.set(
          `${t.group}|${t.target}`,
          (count.get(`${t.group}|${t.target}`) ?? 0) + 1,
        ),
      );
      for (const [sn, feat] of Object.entries(sets)) {
        const w = fitLogRegWeighted(
          vt.map((t, i) => ({
            x: feat(vm[i]),
            target: t.target,
            weight: 1 / count.get(`${t.group}|${t.target}`)!,
          })),
          { ridge: 1e-3 },
        );
        const llr = (m: ReturnType<typeof measures>) =>
          feat(m).reduce((a, x, i) => a + x * w.weights[i], w.bias);
        const eer = (ts: T[]) => {
          const ms = ts.map(measures);
          const tar = ms.filter((_, i) => ts[i].target).map(llr);
          const non = ms.filter((_, i) => !ts[i].target).map(llr);
          return computeEer(tar, non).eer;
        };
        const groups = [...new Set(vt.map((t) => t.group))].sort();
        const vg = groups.map((g) => eer(vt.filter((t) => t.group === g)));
        console.log(
          `lda-${name}-${dims} ${sn.padEnd(12)} val(in-sample) ${((100 * vg.reduce((a, b) => a + b, 0)) / vg.length).toFixed(2)} | ` +
            Object.entries(dev)
              .map(([k, ts]) => `${k} ${(100 * eer(ts)).toFixed(2)}`)
              .join(" ") +
            ` | w ${w.weights.map((x) => x.toFixed(2)).join(" ")}`,
        );
      }
    }
  }
  model.dispose();
}
void main();
