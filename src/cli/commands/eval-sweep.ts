/** `voxprint eval --sweep 0.5,1,2,3,5`: accuracy against the length of the test speech. */
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import type { Embedding } from '../../eval/runner';
import { defaultCacheDir } from '../../speakers/home';
import type { Ctx } from '../command';
import { loadMeasuredModel } from './eval-model';
import { pct, table } from '../io';

/** "0.5,1,2" -> [0.5, 1, 2] (ascending, distinct, positive); undefined when not given. */
export function parseSweep(v: unknown): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = String(v).split(',').map((p) => p.trim());
  const xs = parts.map(Number);
  if (parts.some((p) => p === '') || xs.some((x) => !Number.isFinite(x) || x <= 0 || x > 3600))
    throw new InvalidArgumentError(`--sweep takes seconds of speech separated by commas, e.g. 0.5,1,2,3,5; got "${String(v)}".`);
  return [...new Set(xs)].sort((a, b) => a - b);
}

interface SweepArgs {
  trialsFile: string;
  root?: string;
  norm: 'none' | 'as-norm';
  limit?: number;
  splits?: string;
}

export async function runSweep(ctx: Ctx, a: SweepArgs, lengths: number[]): Promise<void> {
  // Loaded here, not at start: it pulls in tfjs, which `voxprint --help` never needs.
  const { evaluate } = await import('../../eval/evaluate');
  const model = await loadMeasuredModel(ctx);
  const { embedder } = model;
  const cache = new Map<string, Embedding>(); // enrollments are embedded once for every length
  const rows: { maxTestSeconds: number | null; eer: number; minDcf: number; eerThreshold: number }[] = [];
  let counts = { trials: 0, targets: 0, nontargets: 0 };
  try {
    for (const s of [...lengths, undefined]) {
      const r = await evaluate({
        trialsFile: a.trialsFile,
        root: a.root,
        system: 'model',
        embedder,
        norm: a.norm,
        limit: a.limit,
        splitsFile: a.splits,
        cacheDir: defaultCacheDir(ctx.io.env),
        signal: ctx.signal,
        cache: s === undefined ? undefined : cache,
        maxTestSeconds: s,
        onProgress: (p) => ctx.progress.update(`${s === undefined ? 'full length' : `${s} s`}: ${p.phase}`, p.done, p.total),
      });
      ctx.progress.clear();
      counts = { trials: r.trials, targets: r.targets, nontargets: r.nontargets };
      rows.push({ maxTestSeconds: s ?? null, eer: r.eer, minDcf: r.minDcf, eerThreshold: r.eerThreshold });
    }
  } finally {
    ctx.progress.clear();
    embedder.dispose();
  }
  const text =
    `Trials: ${path.basename(a.trialsFile)}: ${counts.trials} (${counts.targets} target, ${counts.nontargets} non-target); model ${model.id} (${model.dir}), ` +
    `tests cut to their first S seconds of speech${a.norm === 'as-norm' ? ', AS-norm' : ''}\n` +
    table([
      ['test speech', 'EER', 'minDCF', 'threshold at EER'],
      ...rows.map((r) => [r.maxTestSeconds === null ? 'full' : `${r.maxTestSeconds} s`, pct(r.eer), r.minDcf.toFixed(4), r.eerThreshold.toFixed(4)]),
    ]);
  ctx.out(text, { trialsFile: path.resolve(a.trialsFile), model: model.id, modelDir: model.dir, norm: a.norm, ...counts, sweep: rows });
}
