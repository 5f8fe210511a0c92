/**
 * One evaluation run, as `voxprint eval` does it: a trial list scored by the model or by a
 * baseline, optionally AS-normalised with a cohort of TRAIN speakers (from splits.json), giving
 * EER, minDCF (p_target 0.01), the threshold at the EER and the trial counts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeAudioFile } from '../audio/decode';
import { AudioDecodeError, InvalidArgumentError } from '../errors';
import { computeMfcc } from '../features/mfcc';
import { selectSpeech } from '../model/speech';
import { telephone } from '../train/augment';
import type { Embedder } from '../model/embedder';
import { l2normalize } from '../speakers/scoring';
import { AsNorm } from './asnorm';
import { BASELINES, ldaBaseline, ldaEmbed, mfccStatsOfFile, type BaselineName } from './baselines';
import { readSplits, splitFiles, spread } from './data';
import { embedAll, runTrials, vectorOf, type EmbedFn, type Embedding, type EvalProgress, type EvalReport } from './runner';
import { readTrialsFile, type Trial } from './trials';

export type SystemName = 'model' | BaselineName;
export const SYSTEMS: readonly SystemName[] = ['model', ...BASELINES];

export interface EvaluateOptions {
  trialsFile: string;
  /** Folder the list's paths are relative to; default: the list's folder. */
  root?: string;
  system: SystemName;
  /** Needed when system is 'model'. */
  embedder?: Embedder;
  norm?: 'none' | 'as-norm';
  /** AS-norm cohort size limit per side (default 200). */
  topK?: number;
  /** Train/dev split file, for the LDA baseline and the AS-norm cohort; default ROOT/splits.json. */
  splitsFile?: string;
  /** Use only the first N trials. */
  limit?: number;
  /** Cache folder for the fitted LDA. */
  cacheDir?: string;
  onProgress?: (p: EvalProgress) => void;
  signal?: AbortSignal;
  /** Embeddings shared between runs over the same files and system. */
  cache?: Map<string, Embedding>;
  /** Score by plain cosine even when the model has a calibration. */
  raw?: boolean;
  /** Pass every recording through a simulated channel first (model only): a stress test for channels the data lacks. */
  channel?: 'none' | 'telephone';
  /** Model only: each test utterance is cut to its first this many seconds of speech. */
  maxTestSeconds?: number;
}

export interface EvaluateResult extends EvalReport {
  system: SystemName;
  norm: 'none' | 'as-norm';
  trialsFile: string;
  /** Cohort speakers used by AS-norm. */
  cohort?: number;
  seconds: number;
}

/** Files per cohort speaker, spread over their recordings; their embeddings are averaged. */
const COHORT_FILES_PER_SPEAKER = 3;

/** Loads the trial list honouring `limit`, with both classes required. */
export function loadTrials(opts: Pick<EvaluateOptions, 'trialsFile' | 'root' | 'limit'>): Trial[] {
  const all = readTrialsFile(opts.trialsFile, opts.root);
  if (opts.limit !== undefined) {
    if (!Number.isInteger(opts.limit) || opts.limit < 2) throw new InvalidArgumentError(`--limit must be a whole number of at least 2, got ${opts.limit}.`);
    return all.slice(0, opts.limit);
  }
  return all;
}

function defaultSplits(opts: EvaluateOptions, trials: Trial[]): string {
  if (opts.splitsFile) return path.resolve(opts.splitsFile);
  const root = opts.root ?? path.dirname(path.resolve(opts.trialsFile));
  const guess = path.join(root, 'splits.json');
  if (fs.existsSync(guess)) return guess;
  throw new InvalidArgumentError(
    `The ${opts.system === 'lda' ? 'LDA baseline' : 'AS-norm cohort'} needs the train speakers, from a splits.json; none was found in ${root}. Give it with --splits FILE.`,
    { subject: trials.length ? opts.trialsFile : undefined },
  );
}

/** The embedding function of a system (fits the LDA baseline on the train speakers if needed). */
export async function systemEmbedFn(opts: EvaluateOptions, trials: Trial[]): Promise<EmbedFn> {
  if (opts.system === 'model') {
    const m = opts.embedder;
    if (!m) throw new InvalidArgumentError('Evaluating the model needs a loaded model.');
    const channel = opts.channel === 'telephone' ? telephone : (x: Float32Array) => x;
    return async (file) => m.embedWithSpeech(channel((await decodeAudioFile(file)).samples));
  }
  if (opts.channel && opts.channel !== 'none') throw new InvalidArgumentError('--channel applies to the model only; leave out --baseline and --compare.');
  if (opts.system === 'mfcc-stats') return mfccStatsOfFile;
  if (opts.system === 'lda') {
    const { model } = await ldaBaseline({ splitsFile: defaultSplits(opts, trials), cacheDir: opts.cacheDir, onProgress: opts.onProgress, signal: opts.signal });
    return ldaEmbed(model);
  }
  throw new InvalidArgumentError(`Unknown system "${String(opts.system)}"; use one of ${SYSTEMS.join(', ')}.`);
}

/** The model's embedding of a file's first `seconds` of speech (the same speech selection as embedSamples). */
function truncatedEmbedFn(opts: EvaluateOptions, seconds: number): EmbedFn {
  const m = opts.embedder;
  if (opts.system !== 'model' || !m) throw new InvalidArgumentError('Truncating the test utterances (--max-test-seconds, --sweep) works with the model only, not with a baseline.');
  if (!(seconds > 0)) throw new InvalidArgumentError(`--max-test-seconds must be a positive number of seconds, got ${seconds}.`);
  return async (file) => {
    const speech = selectSpeech((await decodeAudioFile(file)).samples);
    const cut = speech.subarray(0, Math.round(seconds * m.featureConfig.sampleRate));
    const f = computeMfcc(cut, m.featureConfig);
    if (f.numFrames < 1) throw new AudioDecodeError('TOO_LITTLE_SPEECH', `${file}: too little audio to embed even one frame.`, { subject: file });
    return { embedding: m.embedFeatures(f), speechSec: cut.length / m.featureConfig.sampleRate };
  };
}

/** Scores a trial list end to end. Throws BAD_ARGUMENT / FILE_NOT_FOUND / NOT_ENOUGH_DATA / audio errors. */
export async function evaluate(opts: EvaluateOptions): Promise<EvaluateResult> {
  const t0 = performance.now();
  const trials = loadTrials(opts);
  const embed = await systemEmbedFn(opts, trials);
  const norm = opts.norm ?? 'none';
  let asNorm: AsNorm | undefined;
  if (norm === 'as-norm') {
    const splitsFile = defaultSplits(opts, trials);
    const speakers = splitFiles(readSplits(splitsFile), 'train', path.dirname(splitsFile));
    const files = speakers.flatMap((s) => spread(s.files, COHORT_FILES_PER_SPEAKER));
    const cohortCache = new Map<string, Embedding>();
    await embedAll(files, embed, cohortCache, { phase: 'embedding the AS-norm cohort (train speakers)', onProgress: opts.onProgress, signal: opts.signal });
    const cohort = speakers.map((s) => {
      const vs = spread(s.files, COHORT_FILES_PER_SPEAKER).map((f) => l2normalize(vectorOf(cohortCache.get(f)!)));
      const acc = new Float32Array(vs[0].length);
      for (const v of vs) for (let i = 0; i < acc.length; i++) acc[i] += v[i];
      return l2normalize(acc);
    });
    asNorm = new AsNorm(cohort, opts.topK ?? 200);
  } else if (norm !== 'none') {
    throw new InvalidArgumentError(`Unknown score normalisation "${String(norm)}"; use as-norm.`);
  }
  const model = opts.system === 'model' ? opts.embedder : undefined;
  const report = await runTrials(trials, {
    embed,
    embedTest: opts.maxTestSeconds === undefined ? undefined : truncatedEmbedFn(opts, opts.maxTestSeconds),
    norm: asNorm,
    onProgress: opts.onProgress,
    signal: opts.signal,
    cache: opts.cache,
    calibration: opts.raw ? undefined : model?.calibration,
    defaultThreshold: model?.card?.threshold.value,
  });
  return {
    ...report,
    system: opts.system,
    norm,
    trialsFile: path.resolve(opts.trialsFile),
    ...(asNorm ? { cohort: asNorm.cohortSize } : {}),
    seconds: (performance.now() - t0) / 1000,
  };
}
