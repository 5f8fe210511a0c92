/**
 * Quick dev evaluation for iterating on the recipe: scores the five dev trial lists
 * (../shared/data/*-dev.trials.txt) with a model folder, through the same inference pipeline the
 * CLI uses (decode -> Embedder.embedSamples), enrollment = mean of the enroll embeddings, cosine.
 *   npx tsx scripts/eval-dev.ts [MODEL_DIR=models/default] [--data ../shared/data] [--json] [--baselines]
 * (The user-facing command is `voxprint eval`; this script exists to iterate without the CLI.)
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initBackend } from '../src/backend';
import { decodeAudioFile } from '../src/audio/decode';
import { ldaBaseline, ldaEmbed, mfccStatsOfFile } from '../src/eval/baselines';
import { runTrials, type EmbedFn, type EvalReport } from '../src/eval/runner';
import { readTrialsFile } from '../src/eval/trials';
import { loadModel, type Embedder, type EvalResult } from '../src/model';
import type { ValResult } from '../src/train/validation';

export const DEV_LISTS = ['dsp-dev', 'libri-dev', 'arabic-dev', 'sc-dev', 'so-dev'] as const;

export interface DevResult extends Pick<EvalReport, 'eer' | 'minDcf' | 'eerThreshold' | 'trials' | 'targets' | 'nontargets'> {
  list: string;
}

const audioCache = new Map<string, Float32Array>();

/** Scores the dev lists with an embedding function through src/eval's runner (cosine, mean enrollment). */
export async function evalDevWith(embed: EmbedFn, data = '../shared/data', lists: readonly string[] = DEV_LISTS): Promise<DevResult[]> {
  const out: DevResult[] = [];
  for (const list of lists) {
    const r = await runTrials(readTrialsFile(join(data, `${list}.trials.txt`)), { embed });
    out.push({ list, eer: r.eer, minDcf: r.minDcf, eerThreshold: r.eerThreshold, trials: r.trials, targets: r.targets, nontargets: r.nontargets });
  }
  return out;
}

/** Scores the dev lists with `embedder` (decoded audio is memoised across calls in one process). */
export function evalDev(embedder: Embedder, data = '../shared/data', lists: readonly string[] = DEV_LISTS): Promise<DevResult[]> {
  return evalDevWith(async (file) => {
    let x = audioCache.get(file);
    if (!x) audioCache.set(file, (x = (await decodeAudioFile(file)).samples));
    return embedder.embedSamples(x);
  }, data, lists);
}

/** The two classic baselines on the dev lists: mfcc-stats and LDA-30 fitted on the train speakers. */
export async function evalBaselines(data = '../shared/data'): Promise<Record<'mfcc-stats' | 'lda', DevResult[]>> {
  const { model } = await ldaBaseline({ splitsFile: join(data, 'splits.json'), cacheDir: '.cache' });
  return { 'mfcc-stats': await evalDevWith(mfccStatsOfFile, data), lda: await evalDevWith(ldaEmbed(model), data) };
}

/** Model-card evaluation records: the validation EERs per corpus (held-out train speakers), then each dev list with both baselines beside it. */
export function evaluationRecords(dev: DevResult[], baselines: Record<string, DevResult[]>, val?: ValResult): Record<string, EvalResult> {
  const out: Record<string, EvalResult> = {};
  for (const [c, v] of Object.entries(val?.byCorpus ?? {})) {
    out[`validation/${c}`] = { trials: `validation trials, held-out train speakers of ${c}`, eer: v.eer, minDcf: v.minDcf, eerThreshold: v.threshold };
  }
  for (const d of dev) {
    out[d.list] = {
      trials: `${d.list}.trials.txt`,
      eer: d.eer,
      minDcf: d.minDcf,
      eerThreshold: d.eerThreshold,
      baselines: Object.fromEntries(Object.entries(baselines).map(([n, rs]) => [`${n} EER`, rs.find((x) => x.list === d.list)!.eer])),
    };
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
  if (args.includes('--baselines')) {
    const b = await evalBaselines(data);
    for (const [name, r] of Object.entries(b)) console.log(`baseline ${name}:\n${formatDev(r)}`);
  }
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) void main();
