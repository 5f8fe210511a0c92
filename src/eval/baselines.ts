/**
 * The two classic baselines every published EER sits beside, scored exactly like the model
 * (cosine, same trials, same enrollment averaging):
 *   mfcc-stats  the per-utterance mean and standard deviation of the MFCCs (c1 and up) of the
 *               speech frames;
 *   lda         the same statistics projected by LDA (~30 dims) fitted on the TRAIN speakers of
 *               splits.json only (never on dev), so the projection learns what differs between
 *               voices rather than between words or microphones.
 * The fitted LDA is cached on disk, keyed by everything it depends on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeAudioFile } from '../audio/decode';
import { CancelledError } from '../errors';
import { DEFAULT_FEATURE_CONFIG, featureConfigKey } from '../features/mfcc';
import { ensureDir, writeFileAtomic } from '../speakers/atomic';
import { sha256Hex } from '../speakers/codec';
import { readSplits, splitFiles, type SpeakerFiles } from './data';
import { fitLda, ldaProject, type LdaModel } from './lda';
import type { EvalProgress } from './runner';
import { chunkStats, mfccStats, mfccStatsNoC0, speechMfcc } from './stats';
import { BASELINES, type BaselineName } from './baseline-names';

export { BASELINES, type BaselineName };

/** mfcc-stats embedding of one file: [2 * (numCoeffs - 1)] (c0 left out, see stats.ts). */
export async function mfccStatsOfFile(file: string): Promise<Float32Array> {
  const a = await decodeAudioFile(file);
  return mfccStatsNoC0(speechMfcc(a.samples));
}

/** The LDA baseline's input for one file: mean and std of all coefficients, [2 * numCoeffs]. */
export async function ldaInputOfFile(file: string): Promise<Float32Array> {
  const a = await decodeAudioFile(file);
  return mfccStats(speechMfcc(a.samples));
}

export interface LdaBaselineOptions {
  splitsFile: string;
  /** Folder the corpora in splits.json live in (default: the splits file's folder). */
  dataRoot?: string;
  dims?: number;
  reg?: number;
  /** Long utterances are cut into chunks of this many seconds of speech (LibriSpeech train has one per speaker). */
  chunkSec?: number;
  /** Where fitted models are cached; undefined disables the cache. */
  cacheDir?: string;
  onProgress?: (p: EvalProgress) => void;
  signal?: AbortSignal;
}

/** The LDA baseline's projection, fitted on the train speakers (or read from the cache). */
export async function ldaBaseline(opts: LdaBaselineOptions): Promise<{ model: LdaModel; cached: boolean; speakers: number }> {
  const { dims = 30, reg = 0.01, chunkSec = 3 } = opts;
  const root = opts.dataRoot ?? path.dirname(path.resolve(opts.splitsFile));
  const speakers = splitFiles(readSplits(opts.splitsFile), 'train', root);
  const chunkFrames = Math.round((chunkSec * DEFAULT_FEATURE_CONFIG.sampleRate) / DEFAULT_FEATURE_CONFIG.hopLength);
  const key = sha256Hex(
    JSON.stringify({
      algo: 'lda-baseline-v1',
      features: featureConfigKey(DEFAULT_FEATURE_CONFIG),
      dims,
      reg,
      chunkFrames,
      files: speakers.map((s) => [s.key, s.files.map((f) => [path.relative(root, f), fileSize(f)])]),
    }),
  ).slice(0, 24);
  const cacheFile = opts.cacheDir ? path.join(opts.cacheDir, `lda-${key}.json`) : undefined;
  if (cacheFile && fs.existsSync(cacheFile)) {
    try {
      const m = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as LdaModel;
      if (m.format === 'voxprint-lda' && m.w.length === m.inDim * m.outDim) return { model: m, cached: true, speakers: speakers.length };
    } catch {
      /* refit */
    }
  }
  const { x, labels } = await trainStats(speakers, chunkFrames, opts);
  const model = fitLda(x, labels, { dims, reg });
  if (cacheFile) {
    ensureDir(opts.cacheDir!);
    writeFileAtomic(cacheFile, JSON.stringify(model));
  }
  return { model, cached: false, speakers: speakers.length };
}

async function trainStats(
  speakers: SpeakerFiles[],
  chunkFrames: number,
  opts: Pick<LdaBaselineOptions, 'onProgress' | 'signal'>,
): Promise<{ x: Float32Array[]; labels: string[] }> {
  const x: Float32Array[] = [];
  const labels: string[] = [];
  const total = speakers.reduce((a, s) => a + s.files.length, 0);
  let done = 0;
  opts.onProgress?.({ phase: 'fitting LDA on train speakers', done, total });
  for (const s of speakers) {
    for (const f of s.files) {
      if (opts.signal?.aborted) throw new CancelledError('Fitting the LDA baseline');
      const a = await decodeAudioFile(f);
      const feats = speechMfcc(a.samples);
      // One sample per file, except single long recordings, which are cut into chunks.
      const rows = s.files.length === 1 ? chunkStats(feats, chunkFrames) : [mfccStats(feats)];
      for (const r of rows) {
        x.push(r);
        labels.push(s.key);
      }
      opts.onProgress?.({ phase: 'fitting LDA on train speakers', done: ++done, total });
      if (done % 16 === 0) await new Promise<void>((r) => setImmediate(r));
    }
  }
  return { x, labels };
}

/** An embedding function for the LDA baseline. */
export function ldaEmbed(model: LdaModel): (file: string) => Promise<Float32Array> {
  return async (file) => ldaProject(model, await ldaInputOfFile(file));
}

function fileSize(f: string): number {
  try {
    return fs.statSync(f).size;
  } catch {
    return -1;
  }
}
