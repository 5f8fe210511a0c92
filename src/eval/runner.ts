/**
 * Scores a trial list with any embedding function: every distinct file is embedded once
 * (cached), an enrollment of several files is the normalised mean of their embeddings, and a
 * trial's score is the cosine of enrollment and test, optionally AS-normalised.
 */
import { CancelledError, VoxprintError } from '../errors';
import { cosine, l2normalize } from '../speakers/scoring';
import type { AsNorm, CohortStats } from './asnorm';
import { computeEer, computeMinDcf } from './metrics';
import type { ScoreCalibration } from '../calibration/calibration';
import { actDcf, cllr, minCllr, ratesAt } from '../calibration/metrics';
import { trialFiles, type Trial } from './trials';

/** An embedding, or an embedding with the seconds of speech behind it (needed for calibrated scores). */
export type Embedding = Float32Array | { embedding: Float32Array; speechSec: number };
export type EmbedFn = (file: string) => Promise<Embedding> | Embedding;

export const vectorOf = (e: Embedding) => (e instanceof Float32Array ? e : e.embedding);
const speechOf = (e: Embedding) => (e instanceof Float32Array ? NaN : e.speechSec);

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
  cache?: Map<string, Embedding>;
  /**
   * Embeds the test side of each trial when given (e.g. truncated to its first seconds of
   * speech), into a cache of its own; enrollment files still use `embed`.
   */
  embedTest?: EmbedFn;
  /** Score with the model's calibration: the report's scores become llrs. */
  calibration?: ScoreCalibration;
  /** The decision the system makes by default (the card's cosine threshold when uncalibrated). */
  defaultThreshold?: number;
}

/** How well the scores read as log-likelihood ratios (calibrated systems only). */
export interface CalibrationReport {
  /** Cllr in bits of the calibrated llrs (lower is better; 1 = no information). */
  cllr: number;
  /** The Cllr the best monotonic re-mapping of these scores would reach. */
  minCllr: number;
  /** Normalised DCF of the Bayes decision at p_target 0.01. */
  actDcf: number;
  /** Cllr of the cosine alone through the fixed affine sigmoid fitted with the calibration. */
  rawCllr: number;
  /** EER of the plain cosine, for comparison. */
  cosineEer: number;
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
  /** What the scores are: cosines, AS-normalised cosines, or calibrated llrs. */
  scoreKind: 'cosine' | 'as-norm' | 'llr';
  calibration?: CalibrationReport;
  /** Error rates of the default decision (no store calibration), when it is known. */
  atDefaultThreshold?: { threshold: number; falseAcceptRate: number; falseRejectRate: number };
}

/** Yields to the event loop now and then so progress bars, cancellation and IPC stay live. */
const tick = () => new Promise<void>((r) => setImmediate(r));

/** Embeds `files` once each into `cache`, reporting progress. Throws CancelledError when aborted. */
export async function embedAll(
  files: string[],
  embed: EmbedFn,
  cache: Map<string, Embedding>,
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
  const cache = opts.cache ?? new Map<string, Embedding>();
  const files = trialFiles(trials);
  const testCache = opts.embedTest ? new Map<string, Embedding>() : cache;
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
      const d = vectorOf(cache.get(paths[0])!).length;
      const acc = new Float32Array(d);
      for (const p of paths) {
        const e = l2normalize(vectorOf(cache.get(p)!));
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

  const cal = opts.calibration;
  // One cohort similarity per distinct embedding (enrollments and tests recur across trials).
  const cohortMeans = new Map<Float32Array, number>();
  const cohortOf = (v: Float32Array): number => {
    let m = cohortMeans.get(v);
    if (m === undefined) cohortMeans.set(v, (m = cal!.cohortMean(v)));
    return m;
  };
  const tar: number[] = [];
  const non: number[] = [];
  const cosTar: number[] = [];
  const cosNon: number[] = [];
  for (const t of trials) {
    const e = enrollOf(t.enroll);
    const x = testCache.get(t.test)!;
    const c = cosine(e, vectorOf(x));
    let s = c;
    if (opts.norm) s = opts.norm.normalize(s, statsOf(e), statsOf(vectorOf(x)));
    else if (cal) {
      const speechEnroll = t.enroll.reduce((a, p) => a + speechOf(cache.get(p)!), 0);
      s = cal.llrOf({ cosine: c, cohortEnroll: cohortOf(e), cohortTest: cohortOf(vectorOf(x)), speechEnroll, speechTest: speechOf(x) });
    }
    (t.label === 1 ? tar : non).push(s);
    (t.label === 1 ? cosTar : cosNon).push(c);
  }
  const eer = computeEer(tar, non);
  const scoreKind = opts.norm ? 'as-norm' : cal ? 'llr' : 'cosine';
  let calibration: CalibrationReport | undefined;
  if (cal && !opts.norm) {
    const raw = cal.data.cosineOnly;
    const fixed = (v: number) => raw.weight * v + raw.bias;
    calibration = {
      cllr: cllr(tar, non),
      minCllr: minCllr(tar, non),
      actDcf: actDcf(tar, non, 0.01).actDcf,
      rawCllr: cllr(cosTar.map(fixed), cosNon.map(fixed)),
      cosineEer: computeEer(cosTar, cosNon).eer,
    };
  }
  const defaultThreshold = scoreKind === 'llr' ? cal!.llrThreshold : scoreKind === 'cosine' ? opts.defaultThreshold : undefined;
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
    scoreKind,
    ...(calibration ? { calibration } : {}),
    ...(defaultThreshold !== undefined ? { atDefaultThreshold: { threshold: defaultThreshold, ...ratesAt(tar, non, defaultThreshold) } } : {}),
  };
}
