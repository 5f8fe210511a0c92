/**
 * Scores a trial list with any embedding function: every distinct file is embedded once
 * (cached), an enrollment of several files is the normalised mean of their embeddings, and a
 * trial's score is the cosine of enrollment and test, optionally AS-normalised.
 */
import { CancelledError, VoxprintError } from '../errors';
import { cosine, l2normalize } from '../speakers/scoring';
import type { AsNorm, CohortStats } from './asnorm';
import { computeEer, computeMinDcf } from './metrics';
import { trialFiles, type Trial } from './trials';

export type EmbedFn = (file: string) => Promise<Float32Array> | Float32Array;

export interface EvalProgress {
  phase: string;
  done: number;
  total: number;
}

export interface RunTrialsOptions {
  embed: EmbedFn;
  norm?: AsNorm;
  onProgress?: (p: EvalProgress) => void;
  signal?: AbortSignal;
  /** Shared cache file -> embedding (pass one to reuse embeddings across lists). */
  cache?: Map<string, Float32Array>;
  /**
   * Embeds the test side of each trial when given (e.g. truncated to its first seconds of
   * speech), into a cache of its own; enrollment files still use `embed`.
   */
  embedTest?: EmbedFn;
}

export interface EvalReport {
  /** Equal error rate, fraction in [0, 1]. */
  eer: number;
  /** Minimum normalised DCF at p_target 0.01. */
  minDcf: number;
  /** Score threshold at the EER. */
  eerThreshold: number;
  trials: number;
  targets: number;
  nontargets: number;
  /** Distinct audio files embedded. */
  files: number;
  targetScores: number[];
  nontargetScores: number[];
}

/** Yields to the event loop now and then so progress bars, cancellation and IPC stay live. */
const tick = () => new Promise<void>((r) => setImmediate(r));

/** Embeds `files` once each into `cache`, reporting progress. Throws CancelledError when aborted. */
export async function embedAll(
  files: string[],
  embed: EmbedFn,
  cache: Map<string, Float32Array>,
  opts: { phase: string; onProgress?: (p: EvalProgress) => void; signal?: AbortSignal },
): Promise<void> {
  const todo = files.filter((f) => !cache.has(f));
  opts.onProgress?.({ phase: opts.phase, done: 0, total: todo.length });
  for (let i = 0; i < todo.length; i++) {
    if (opts.signal?.aborted) throw new CancelledError('The evaluation');
    cache.set(todo[i], await embed(todo[i]));
    opts.onProgress?.({ phase: opts.phase, done: i + 1, total: todo.length });
    if (i % 8 === 7) await tick();
  }
}

/**
 * Runs the trials. Throws NOT_ENOUGH_DATA unless there is at least one target and one
 * non-target trial; embedding errors (missing or bad audio) propagate with the file named.
 */
export async function runTrials(trials: Trial[], opts: RunTrialsOptions): Promise<EvalReport> {
  const targets = trials.filter((t) => t.label === 1).length;
  if (targets === 0 || targets === trials.length)
    throw new VoxprintError(
      'NOT_ENOUGH_DATA',
      `The trial list needs both target (1) and non-target (0) trials; it has ${targets} and ${trials.length - targets}.`,
    );
  const cache = opts.cache ?? new Map<string, Float32Array>();
  const files = trialFiles(trials);
  const testCache = opts.embedTest ? new Map<string, Float32Array>() : cache;
  if (opts.embedTest) {
    const enrollFiles = [...new Set(trials.flatMap((t) => t.enroll))];
    await embedAll(enrollFiles, opts.embed, cache, { phase: 'embedding enrollments', onProgress: opts.onProgress, signal: opts.signal });
    const tests = [...new Set(trials.map((t) => t.test))];
    await embedAll(tests, opts.embedTest, testCache, { phase: 'embedding tests', onProgress: opts.onProgress, signal: opts.signal });
  } else await embedAll(files, opts.embed, cache, { phase: 'embedding', onProgress: opts.onProgress, signal: opts.signal });

  const enrollCache = new Map<string, Float32Array>();
  const enrollOf = (paths: string[]): Float32Array => {
    const key = paths.join('+');
    let v = enrollCache.get(key);
    if (!v) {
      const d = cache.get(paths[0])!.length;
      const acc = new Float32Array(d);
      for (const p of paths) {
        const e = l2normalize(cache.get(p)!);
        for (let i = 0; i < d; i++) acc[i] += e[i];
      }
      v = l2normalize(acc);
      enrollCache.set(key, v);
    }
    return v;
  };
  const normStats = new Map<Float32Array, CohortStats>();
  const statsOf = (v: Float32Array): CohortStats => {
    let s = normStats.get(v);
    if (!s) {
      s = opts.norm!.stats(v);
      normStats.set(v, s);
    }
    return s;
  };

  const tar: number[] = [];
  const non: number[] = [];
  for (const t of trials) {
    const e = enrollOf(t.enroll);
    const x = testCache.get(t.test)!;
    let s = cosine(e, x);
    if (opts.norm) s = opts.norm.normalize(s, statsOf(e), statsOf(x));
    (t.label === 1 ? tar : non).push(s);
  }
  const eer = computeEer(tar, non);
  return {
    eer: eer.eer,
    minDcf: computeMinDcf(tar, non, { pTarget: 0.01 }).minDcf,
    eerThreshold: eer.threshold,
    trials: trials.length,
    targets: tar.length,
    nontargets: non.length,
    files: files.length,
    targetScores: tar,
    nontargetScores: non,
  };
}
