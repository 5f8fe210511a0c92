/**
 * Probe: does a linear back end on the model's embeddings (LDA / WCCN, fitted on the train
 * speakers the model learned from, with clean and simulated-telephone copies as within-speaker
 * variation) lower the error on held-out train speakers (validation) and the dev lists?
 *   npx tsx research/probe-backend.ts [MODEL_DIR]
 * Embeddings are cached in .cache/probe-backend/ (keyed by model id). Answer (voxprint-default-v4):
 * no, every variant raised the validation EER (docs/results/recipe.md).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioFile } from '../src/audio/decode';
import { initBackend } from '../src/backend';
import { fitLda, ldaProject } from '../src/eval/lda';
import { computeEer } from '../src/eval/metrics';
import { loadModel, readModelCard } from '../src/model';
import { cosine, l2normalize } from '../src/speakers/scoring';
import { telephone } from '../src/train/augment';
import { makeRng, pickDistinct } from '../src/util/rng';
import { bySpeaker, CONDS, devTrials, modelSplit, validationTrials, type Cond, type Trial } from './heldout';

const DIR = process.argv[2] ?? 'models/default';

async function main() {
  await initBackend();
  const card = await readModelCard(DIR);
  const model = await loadModel(DIR);
  const cacheFile = join('.cache/probe-backend', `${card.id}.json`);
  mkdirSync('.cache/probe-backend', { recursive: true });
  const cache: Record<string, { e: number[]; s: number }> = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
  let fresh = 0;
  const save = () => writeFileSync(cacheFile, JSON.stringify(cache));
  const embedKey = async (key: string, make: () => Promise<Float32Array>) => {
    let c = cache[key];
    if (!c) {
      const r = model.embedWithSpeech(await make());
      c = cache[key] = { e: Array.from(r.embedding, (v) => Math.round(v * 1e5) / 1e5), s: r.speechSec };
      if (++fresh % 500 === 0) {
        console.log(`embedded ${fresh}`);
        save();
      }
    }
    return Float32Array.from(c.e);
  };
  const embed = (path: string, cond: Cond) =>
    embedKey(`${path}|${cond}`, async () => {
      const x = (await decodeAudioFile(path)).samples;
      return cond === 'telephone' ? telephone(x) : x;
    });

  const { train, val } = modelSplit(card);
  const rng = makeRng(7);
  // Fit set: up to 8 files per train speaker; single-file speakers give up to 4 chunks of 4 s.
  const X: Float32Array[] = [];
  const Y: string[] = [];
  const YC: string[] = [];
  const add = (e: Float32Array, spk: string, cond: Cond) => {
    X.push(e);
    Y.push(spk);
    YC.push(`${spk}|${cond}`);
  };
  for (const [spk, us] of bySpeaker(train)) {
    for (const cond of CONDS) {
      if (us.length === 1) {
        const x = (await decodeAudioFile(us[0].path)).samples;
        const L = 4 * 16000;
        for (let c = 0; c < 4 && (c + 1) * L <= x.length; c++) {
          const seg = () => x.slice(c * L, (c + 1) * L);
          add(await embedKey(`${us[0].path}#${c}|${cond}`, async () => (cond === 'telephone' ? telephone(seg()) : seg())), spk, cond);
        }
      } else {
        for (const i of pickDistinct(us.length, Math.min(8, us.length), rng)) add(await embed(us[i].path, cond), spk, cond);
      }
    }
  }
  save();
  console.log(`fit set: ${X.length} embeddings of ${new Set(Y).size} speakers`);
  const vt = await validationTrials(val, embed, rng);
  const dev = await devTrials(embed);
  save();
  console.log(`validation trials ${vt.length}; dev lists ${Object.keys(dev).join(' ')}; fresh embeddings ${fresh}`);

  const eerOf = (ts: Trial<Float32Array>[], f: (v: Float32Array) => Float32Array) => {
    const tar: number[] = [];
    const non: number[] = [];
    for (const t of ts) {
      const acc = new Float32Array(f(t.test).length);
      for (const e of t.enroll) {
        const p = f(e);
        for (let i = 0; i < acc.length; i++) acc[i] += p[i];
      }
      (t.target ? tar : non).push(cosine(l2normalize(acc), f(t.test)));
    }
    return computeEer(tar, non).eer;
  };
  const groups = [...new Set(vt.map((t) => t.group))].sort();
  const report = (name: string, f: (v: Float32Array) => Float32Array) => {
    const vg = groups.map((g) => eerOf(vt.filter((t) => t.group === g), f));
    const vmean = vg.reduce((a, b) => a + b, 0) / vg.length;
    const d = Object.entries(dev).map(([k, ts]) => `${k} ${(100 * eerOf(ts, f)).toFixed(2)}`);
    console.log(`${name.padEnd(28)} val mean ${(100 * vmean).toFixed(2)} [${vg.map((x) => (100 * x).toFixed(1)).join(' ')}] | ${d.join(' ')}`);
  };
  report('cosine', (v) => v);
  for (const reg of [0.01, 0.1]) {
    for (const dims of [32, 64, 100, 127]) {
      for (const lab of ['spk', 'spk|cond'] as const) {
        const lda = fitLda(X, lab === 'spk' ? Y : YC, { dims, reg });
        report(`lda${dims} reg${reg} ${lab}`, (v) => l2normalize(ldaProject(lda, v)));
      }
    }
  }
  model.dispose();
}
void main();
