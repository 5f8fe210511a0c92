/**
 * Probe: does fusing the model's cosine with the MFCC-statistics LDA cosine (the `lda` eval
 * baseline's scorer, fitted here on the train speakers the model learned from, never the
 * validation or dev ones) in the logistic-regression calibration lower the error?
 * The fusion is fitted on validation trials (held-out train speakers); the dev lists only report.
 *   npx tsx research/probe-fusion.ts [MODEL_DIR]   (after research/probe-backend.ts filled the embedding cache)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioFile } from '../src/audio/decode';
import { initBackend } from '../src/backend';
import { fitLda, ldaProject } from '../src/eval/lda';
import { computeEer } from '../src/eval/metrics';
import { mfccStats, chunkStats, speechMfcc } from '../src/eval/stats';
import { fitLogRegWeighted } from '../src/calibration/logreg';
import { loadModel, readModelCard } from '../src/model';
import { l2normalize, cosine } from '../src/speakers/scoring';
import { telephone } from '../src/train/augment';
import { makeRng } from '../src/util/rng';
import { bySpeaker, CONDS, devTrials, modelSplit, validationTrials, type Cond, type Trial } from './heldout';

const DIR = process.argv[2] ?? 'models/default';

async function main() {
  await initBackend();
  const card = await readModelCard(DIR);
  const model = await loadModel(DIR);
  mkdirSync('.cache/probe-backend', { recursive: true });
  const embFile = join('.cache/probe-backend', `${card.id}.json`);
  const statFile = join('.cache/probe-backend', `stats.json`);
  const emb: Record<string, { e: number[]; s: number }> = existsSync(embFile)
    ? JSON.parse(readFileSync(embFile, 'utf8'))
    : {};
  const stats: Record<string, number[][]> = existsSync(statFile)
    ? JSON.parse(readFileSync(statFile, 'utf8'))
    : {};
  let fresh = 0;
  const audio = async (path: string, cond: Cond) => {
    const x = (await decodeAudioFile(path)).samples;
    return cond === 'telephone' ? telephone(x) : x;
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
    const k = `${path}|${cond}|${chunks ? 'c' : 'w'}`;
    if (!stats[k]) {
      const f = speechMfcc(await audio(path, cond));
      stats[k] = (chunks ? chunkStats(f, 300) : [mfccStats(f)]).map((r) =>
        Array.from(r),
      );
      if (++fresh % 500 === 0) console.log(`computed ${fresh}`);
    }
    return stats[k].map((r) => Float32Array.from(r));
  };

  const { train, val } = modelSplit(card);
  const fit: Record<'clean' | 'both', { x: Float32Array[]; y: string[] }> = {
    clean: { x: [], y: [] },
    both: { x: [], y: [] },
  };
  for (const [spk, us] of bySpeaker(train)) {
    for (const cond of CONDS) {
      for (const u of us) {
        for (const r of await stat(u.path, cond, us.length === 1)) {
          if (cond === 'clean') {
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
  type T = Trial<Side>;
  const side = async (p: string, cond: Cond): Promise<Side> => ({
    ...(await net(p, cond)),
    st: (await stat(p, cond))[0],
  });
  const rng = makeRng(7);
  const vt = await validationTrials(val, side, rng);
  const dev = await devTrials(side);
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
          'net+dur': (m) => [m.cn, m.le, m.lt, m.cn * m.lm],
          'lda+dur': (m) => [m.cd, m.le, m.lt, m.cd * m.lm],
          'net+lda+dur': (m) => [
            m.cn,
            m.cd,
            m.le,
            m.lt,
            m.cn * m.lm,
            m.cd * m.lm,
          ],
          'net+lda': (m) => [m.cn, m.cd],
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
              .join(' ') +
            ` | w ${w.weights.map((x) => x.toFixed(2)).join(' ')}`,
        );
      }
    }
  }
  model.dispose();
}
void main();
