/**
 * Training throughput on the default recipe (the trained default model's own options, from its
 * card, when there is one; else TrainOptionsSchema's defaults): the real trainer, `train()` from src/train, on a small subset
 * of the TRAIN speakers of every corpus (so the batch has the recipe's corpus mix), stopped through
 * its AbortSignal after a few steps. Per-step wall time comes from the trainer's own `step` events,
 * CPU time from process.cpuUsage between them. An epoch's time is stepsPerEpoch steps (the
 * validation pass at the end of each epoch is not included).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledError } from '../errors';
import { train, TrainOptionsSchema, type TrainOptionsInput } from '../train';
import { summarize, type Timing } from './measure';

const AUDIO = /\.(wav|flac)$/i;

/** The folder of `speaker` under `data/corpus` (LibriSpeech keeps a subset level in between). */
function speakerDir(data: string, corpus: string, speaker: string): string | undefined {
  const direct = join(data, corpus, speaker);
  if (existsSync(direct) && statSync(direct).isDirectory()) return direct;
  const base = join(data, corpus);
  if (!existsSync(base)) return undefined;
  return readdirSync(base)
    .sort()
    .map((sub) => join(base, sub, speaker))
    .find((d) => existsSync(d) && statSync(d).isDirectory());
}

/**
 * Links the first `speakers` train speakers of each corpus (first `files` recordings each) into
 * `tmp/data`, with a splits file naming them as train. Returns the data folder and splits file.
 */
export function trainSubset(data: string, tmp: string, speakers: number, files: number): { data: string; splits: string; clips: number } {
  const splits = JSON.parse(readFileSync(join(data, 'splits.json'), 'utf8')) as { train: Record<string, string[]> };
  const out = join(tmp, 'data');
  const picked: Record<string, string[]> = {};
  let clips = 0;
  for (const [corpus, list] of Object.entries(splits.train)) {
    picked[corpus] = [];
    for (const spk of [...list].sort()) {
      if (picked[corpus].length >= speakers) break;
      const dir = speakerDir(data, corpus, spk);
      if (!dir) continue;
      const audio = readdirSync(dir).filter((f) => AUDIO.test(f)).sort().slice(0, files);
      if (!audio.length) continue;
      const dest = join(out, corpus, spk);
      mkdirSync(dest, { recursive: true });
      for (const f of audio) symlinkSync(join(dir, f), join(dest, f));
      picked[corpus].push(spk);
      clips += audio.length;
    }
  }
  const splitsFile = join(tmp, 'splits.json');
  writeFileSync(splitsFile, JSON.stringify({ train: picked, dev: {} }));
  return { data: out, splits: splitsFile, clips };
}

export interface TrainFigures {
  /** Utterances (crops) per second, from the median step CPU time. */
  uttPerSec: number;
  uttPerSecWall: number;
  /** stepsPerEpoch x the median step time, seconds (CPU; `epochSecWall` from wall time). */
  epochSec: number;
  epochSecWall: number;
  batch: number;
  stepsPerEpoch: number;
  /** Per-step timing, ms. */
  step: Timing;
  recipe: string;
}

/**
 * Runs `warmup + steps` training steps of the default recipe on a subset of `data` and times the
 * last `steps`. `tmp` receives the linked subset and the feature cache.
 */
export async function benchTraining(
  data: string,
  tmp: string,
  opts: { warmup: number; steps: number; speakers: number; files: number; recipe?: Record<string, unknown>; recipeName?: string },
): Promise<TrainFigures> {
  const subset = trainSubset(data, tmp, opts.speakers, opts.files);
  const corpora = Object.keys(JSON.parse(readFileSync(subset.splits, 'utf8')).train as object);
  const input: TrainOptionsInput = {
    ...(opts.recipe as Partial<TrainOptionsInput> | undefined),
    data: subset.data,
    splits: subset.splits,
    cacheDir: join(tmp, 'cache'),
    // Bench-only departures from the recipe, none of which changes the cost of a step: one speed
    // (fewer features to compute up front) and no validation speakers.
    speeds: [1],
    valSpeakers: Object.fromEntries(corpora.map((c) => [c, 0])),
    valFraction: 0,
    maxSeconds: 0,
  };
  const o = TrainOptionsSchema.parse(input);
  const abort = new AbortController();
  const wall: number[] = [];
  const cpu: number[] = [];
  let seen = 0;
  let lastCpu = process.cpuUsage();
  try {
    await train(
      input,
      (e) => {
        if (e.type !== 'step') return;
        const now = process.cpuUsage();
        const c = process.cpuUsage(lastCpu);
        lastCpu = now;
        seen++;
        if (seen > opts.warmup) {
          wall.push(e.ms);
          cpu.push((c.user + c.system) / 1000);
        }
        if (seen >= opts.warmup + opts.steps) abort.abort();
      },
      abort.signal,
    );
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
  }
  if (wall.length < opts.steps) throw new Error(`training stopped after ${seen} steps, expected ${opts.warmup + opts.steps}`);
  const step = summarize(wall, cpu);
  const batch = o.p * o.k;
  return {
    uttPerSec: batch / (step.cpuMedian / 1000),
    uttPerSecWall: batch / (step.median / 1000),
    epochSec: (o.stepsPerEpoch * step.cpuMedian) / 1000,
    epochSecWall: (o.stepsPerEpoch * step.median) / 1000,
    batch,
    stepsPerEpoch: o.stepsPerEpoch,
    step,
    recipe: `${opts.recipeName ?? 'TrainOptionsSchema defaults'}: P ${o.p} x K ${o.k}, ${o.loss}/${o.mining}, crops ${o.shortCrop.join('-')} and ${o.longCrop.join('-')} frames; bench subset ${subset.clips} clips of ${corpora.length} corpora`,
  };
}
