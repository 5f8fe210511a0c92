/**
 * Quick dev evaluation for iterating on the recipe: scores the three dev trial lists
 * (../shared/data/*-dev.trials.txt) with a model folder, through the same inference pipeline the
 * CLI uses (decode -> Embedder.embedSamples), enrollment = mean of the enroll embeddings, cosine.
 *   npx tsx scripts/eval-dev.ts [MODEL_DIR=models/default] [--data ../shared/data] [--json]
 * (The user-facing command is `voxprint eval`; this script exists to iterate without the CLI.)
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initBackend } from '../src/backend';
import { decodeAudioFile } from '../src/audio/decode';
import { computeEer, computeMinDcf } from '../src/eval/metrics';
import { loadModel, type Embedder } from '../src/model';

export const DEV_LISTS = ['dsp-dev', 'libri-dev', 'arabic-dev'] as const;

export interface DevResult {
  list: string;
  eer: number;
  minDcf: number;
  eerThreshold: number;
  trials: number;
  targets: number;
  nontargets: number;
}

const audioCache = new Map<string, Float32Array>();

/** Scores the dev lists with `embedder` (audio decoding is memoised across calls in one process). */
export async function evalDev(embedder: Embedder, data = '../shared/data', lists: readonly string[] = DEV_LISTS): Promise<DevResult[]> {
  const out: DevResult[] = [];
  for (const list of lists) {
    const lines = readFileSync(join(data, `${list}.trials.txt`), 'utf8').trim().split('\n');
    const trials = lines.map((l) => {
      const [label, enroll, test] = l.trim().split(/\s+/);
      return { target: label === '1', enroll: enroll.split('+'), test };
    });
    const files = [...new Set(trials.flatMap((t) => [...t.enroll, t.test]))];
    const emb = new Map<string, Float32Array>();
    for (const f of files) {
      let x = audioCache.get(f);
      if (!x) audioCache.set(f, (x = (await decodeAudioFile(join(data, f))).samples));
      emb.set(f, embedder.embedSamples(x));
    }
    const tar: number[] = [];
    const non: number[] = [];
    for (const t of trials) {
      const d = embedder.dim;
      const c = new Float32Array(d);
      for (const f of t.enroll) emb.get(f)!.forEach((v, k) => (c[k] += v));
      const e = emb.get(t.test)!;
      let n = 0;
      let dot = 0;
      for (let k = 0; k < d; k++) {
        n += c[k] * c[k];
        dot += c[k] * e[k];
      }
      (t.target ? tar : non).push(dot / (Math.sqrt(n) || 1));
    }
    const e = computeEer(tar, non);
    out.push({ list, eer: e.eer, eerThreshold: e.threshold, minDcf: computeMinDcf(tar, non, { pTarget: 0.01 }).minDcf, trials: trials.length, targets: tar.length, nontargets: non.length });
  }
  return out;
}

export function formatDev(rs: DevResult[]): string {
  return rs.map((r) => `${r.list}: EER ${(100 * r.eer).toFixed(2)}%  minDCF ${r.minDcf.toFixed(3)}  thr ${r.eerThreshold.toFixed(3)}  (${r.trials} trials)`).join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dataIdx = args.indexOf('--data');
  const data = dataIdx >= 0 ? args[dataIdx + 1] : '../shared/data';
  const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--data') ?? 'models/default';
  await initBackend();
  const e = await loadModel(dir);
  const rs = await evalDev(e, data);
  console.log(args.includes('--json') ? JSON.stringify(rs) : formatDev(rs));
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) void main();
