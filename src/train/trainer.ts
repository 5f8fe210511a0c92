/**
 * The trainer: `train(opts, onEvent, signal)`. Data (train speakers only) -> cached MFCCs of every
 * file under its speed and channel variants -> P x K batches -> metric loss -> Adam with warm-up
 * and cosine decay -> validation EER on held-out TRAIN speakers each epoch -> best checkpoint,
 * early stopping. Seeded: the same options give the same model.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../backend';
import { CancelledError, InvalidArgumentError } from '../errors';
import { decodeAudioFile } from '../audio/decode';
import { DEFAULT_FEATURE_CONFIG } from '../features/mfcc';
import { createEmbedder, type Embedder } from '../model/embedder';
import { frameInputDim, memberPrefix, statsInputDim } from '../model/architecture';
import { prepareCrops, utteranceStats, type PreparedBatch } from '../model/preprocess';
import { fitLda } from '../eval/lda';
import { FeatureCache, type Variant } from './cache';
import { listTrainingData, type Utterance } from './data';
import { TrainOptionsSchema, type TrainOptions, type TrainOptionsInput } from './options';
import { makeRng, type Rng, pickDistinct } from '../util/rng';
import { PKSampler, type SubBatch, type TrainItem } from './sampler';
import { runLoop, tick } from './loop';
import { makeTrainLoss, perMemberLoss } from './loss';
import { buildValSet, validate, type ValResult, type ValSet, type ValUtterance } from './validation';

type Tensor = import('@tensorflow/tfjs').Tensor;

export type TrainEvent =
  | { type: 'features'; done: number; total: number }
  | { type: 'start'; speakers: number; labels: number; items: number; valSpeakers: number; params: number; totalSteps: number }
  | { type: 'step'; step: number; totalSteps: number; loss: number; activeFraction: number; collapsedFraction: number; lr: number; ms: number }
  | {
      type: 'epoch';
      epoch: number;
      step: number;
      loss: number;
      activeFraction: number;
      collapsedFraction: number;
      valEer: number;
      valEerByCorpus: Record<string, number>;
      best: boolean;
      seconds: number;
    }
  | { type: 'done'; steps: number; seconds: number; bestEpoch: number; valEer: number; stoppedByTime: boolean; averaged?: AveragedWeights };

/** The outcome of `averageFrom` (weight averaging over the last epochs). */
export interface AveragedWeights {
  /** The epochs whose end-of-epoch weights were averaged. */
  epochs: number[];
  /** Validation EER of the averaged weights. */
  valEer: number;
  /** Validation EER of the best single checkpoint, the alternative. */
  bestSingleValEer: number;
  /** True when the average became the model (its validation EER was at most the best checkpoint's). */
  kept: boolean;
}

export interface TrainResult {
  embedder: Embedder;
  options: TrainOptions;
  steps: number;
  seconds: number;
  bestEpoch: number;
  validation: ValResult;
  history: Extract<TrainEvent, { type: 'epoch' }>[];
  data: { corpus: string; speakers: number; clips: number }[];
  /** True when `maxSeconds` cut the run short. */
  stoppedByTime: boolean;
  /** Set when `averageFrom` was on and at least two epochs were averaged. */
  averaged?: AveragedWeights;
}

function checkCancel(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError('Training');
}

async function loadNoises(data: string): Promise<Float32Array[]> {
  const dir = join(data, 'noise');
  if (!existsSync(dir)) return [];
  const { readdirSync } = await import('node:fs');
  const out: Float32Array[] = [];
  for (const f of readdirSync(dir).sort()) if (/\.(wav|flac)$/i.test(f)) out.push((await decodeAudioFile(join(dir, f))).samples);
  return out;
}

/** Splits speakers into train and validation, per corpus, with a fixed seed. */
export function splitValidation(utts: Utterance[], o: TrainOptions): { train: Utterance[]; val: Utterance[] } {
  const rng = makeRng(o.valSeed);
  const valSpk = new Set<string>();
  const corpora = [...new Set(utts.map((u) => u.corpus))].sort();
  for (const c of corpora) {
    const spks = [...new Set(utts.filter((u) => u.corpus === c).map((u) => u.speaker))].sort();
    const n = o.valSpeakers[c] ?? Math.round(spks.length * o.valFraction);
    for (const i of pickDistinct(spks.length, Math.min(n, spks.length - 2), rng)) valSpk.add(spks[i]);
  }
  return { train: utts.filter((u) => !valSpk.has(u.speaker)), val: utts.filter((u) => valSpk.has(u.speaker)) };
}

function noValidation(): ValResult {
  return { meanEer: NaN, byCorpus: {}, pooledEer: NaN, pooledThreshold: 0.5 };
}

/** Sets the model's fixed input standardisation from a sample of training batches. */
function fitInputStats(e: Embedder, batches: PreparedBatch[]): void {
  const fd = frameInputDim(e.arch);
  const sd = statsInputDim(e.arch);
  const moments = (rows: Float32Array, dim: number) => {
    const n = rows.length / dim;
    const m = new Float64Array(dim);
    const s = new Float64Array(dim);
    for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) m[j] += rows[r * dim + j];
    for (let j = 0; j < dim; j++) m[j] /= n;
    for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) s[j] += (rows[r * dim + j] - m[j]) ** 2;
    const scale = new Float32Array(dim);
    for (let j = 0; j < dim; j++) scale[j] = 1 / Math.sqrt(s[j] / n + 1e-6);
    return { shift: Float32Array.from(m), scale };
  };
  const cat = (xs: Float32Array[]) => {
    const out = new Float32Array(xs.reduce((s, x) => s + x.length, 0));
    let o = 0;
    for (const x of xs) out.set(x, (o += x.length) - x.length);
    return out;
  };
  const f = moments(cat(batches.map((b) => b.frames)), fd);
  const s = moments(cat(batches.map((b) => b.stats)), sd);
  e.setInputStats('frame_norm', f.shift, f.scale);
  e.setInputStats('stats_norm', s.shift, s.scale);
}

/**
 * Initialises the statistics branch's first layer with LDA fitted on the training items'
 * standardised statistics (long items in 2 s chunks), folded into one kernel and bias so the
 * branch starts as "LDA + cosine" and the triplet loss refines it.
 */
export function initLdaLayer(e: Embedder, items: TrainItem[], layer = 'stats_lda', dims = e.arch.statsLdaDims): void {
  const norm = e.model.getLayer('stats_norm').getWeights();
  const [shift, scale] = norm.map((w) => w.dataSync() as Float32Array);
  const rows: Float32Array[] = [];
  const labels: string[] = [];
  const chunk = 200;
  for (const it of items) {
    const spans: [number, number][] = [];
    if (it.f.numFrames < 2 * chunk) spans.push([0, it.f.numFrames]);
    else for (let s = 0; s + chunk <= it.f.numFrames; s += chunk) spans.push([s, s + chunk]);
    for (const [a, b] of spans) {
      const st = utteranceStats(it.f, a, b);
      for (let j = 0; j < st.length; j++) st[j] = (st[j] - shift[j]) * scale[j];
      rows.push(st);
      labels.push(String(it.label));
    }
  }
  const lda = fitLda(rows, labels, { dims, reg: 0.01 });
  const d = lda.inDim;
  const k = lda.outDim;
  const kernel = new Float32Array(d * dims);
  const bias = new Float32Array(dims);
  for (let j = 0; j < d; j++) {
    for (let c = 0; c < k; c++) {
      const w = lda.w[j * k + c] / lda.scale[j];
      kernel[j * dims + c] = w;
      bias[c] -= lda.mean[j] * w;
    }
  }
  e.setDenseWeights(layer, kernel, bias);
}

export interface TrainingSet {
  all: Utterance[];
  trainUtts: Utterance[];
  valUtts: Utterance[];
  /** Every training file x variant with its label (speaker at one speed). */
  items: TrainItem[];
  labelOf: Map<string, number>;
  valSet: ValSet;
}

/**
 * Lists the data, carves out the validation speakers, and loads (or computes and caches) the
 * features of every training file x variant and of the validation files.
 */
export async function loadTrainingSet(o: TrainOptions, onEvent: (e: TrainEvent) => void = () => {}, signal?: AbortSignal): Promise<TrainingSet> {
  const all = listTrainingData(o.data, o.splits);
  const { train: trainUtts, val: valUtts } = splitValidation(all, o);
  const cache = new FeatureCache(o.cacheDir, { ...DEFAULT_FEATURE_CONFIG }, await loadNoises(o.data));

  // Features for every (file, variant); speed variants are new speakers.
  const jobs: { u: Utterance; v: Variant; src: number }[] = [];
  trainUtts.forEach((u, src) => {
    for (const speed of o.speedsByCorpus[u.corpus] ?? o.speeds) {
      jobs.push({ u, v: { speed, channel: 'clean', rep: 0 }, src });
      for (const ch of o.augment[u.corpus] ?? []) jobs.push({ u, v: { speed, channel: ch, rep: 0 }, src });
    }
  });
  const total = jobs.length + valUtts.length;
  const labelOf = new Map<string, number>();
  const items: TrainItem[] = [];
  let done = 0;
  for (const j of jobs) {
    checkCancel(signal);
    const f = await cache.get(j.u.path, j.v);
    const key = `${j.u.speaker}@${j.v.speed}`;
    if (!labelOf.has(key)) labelOf.set(key, labelOf.size);
    if (f.numFrames >= 10) items.push({ f, label: labelOf.get(key)!, corpus: j.u.corpus, source: j.src });
    if (++done % 200 === 0) {
      onEvent({ type: 'features', done, total });
      await tick();
    }
  }
  const valList: ValUtterance[] = [];
  for (const u of valUtts) {
    checkCancel(signal);
    const f = await cache.get(u.path, { speed: 1, channel: 'clean', rep: 0 });
    if (f.numFrames >= 10) valList.push({ f, speaker: u.speaker, corpus: u.corpus });
    done++;
  }
  onEvent({ type: 'features', done: total, total });
  const valSet = buildValSet(valList, makeRng(o.valSeed + 1), 40);
  return { all, trainUtts, valUtts, items, labelOf, valSet };
}

/**
 * Trains an embedder. Emits progress through `onEvent`; throws CancelledError when `signal` aborts
 * (between steps), InvalidArgumentError for bad options or data.
 */
export async function train(input: TrainOptionsInput, onEvent: (e: TrainEvent) => void = () => {}, signal?: AbortSignal): Promise<TrainResult> {
  const parsed = TrainOptionsSchema.safeParse(input);
  if (!parsed.success) throw new InvalidArgumentError(`Invalid training options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  const o = parsed.data;
  const t0 = performance.now();
  const { all, trainUtts, valUtts, items, labelOf, valSet } = await loadTrainingSet(o, onEvent, signal);
  const cfg = { ...DEFAULT_FEATURE_CONFIG };

  const rng: Rng = makeRng(o.seed);
  const sampler = new PKSampler(items, { p: o.p, k: o.k, quotas: o.quotas, shortCrop: o.shortCrop, longCrop: o.longCrop, shortGroups: o.shortGroups });
  const embedder = createEmbedder({ arch: o.arch, featureConfig: cfg, seed: o.seed });
  const prep = (sb: SubBatch) => (sb.items.length ? prepareCrops(sb.items, sb.length, embedder.arch) : undefined);
  const sample = () => {
    const groups = sampler.sampleGroups(rng);
    return { parts: groups.map(prep).filter((x): x is PreparedBatch => !!x), labels: Int32Array.from(groups.flatMap((g) => g.labels)) };
  };
  fitInputStats(embedder, Array.from({ length: 8 }, () => sample().parts).flat());
  // every ensemble member's statistics branch starts from the same LDA (their input statistics are equal)
  if (embedder.arch.statsLdaDims > 0) for (let m = 0; m < embedder.arch.members; m++) initLdaLayer(embedder, items, `${memberPrefix(m)}stats_lda`);
  if (embedder.arch.ldaSideDims > 0) initLdaLayer(embedder, items, 'side_lda', embedder.arch.ldaSideDims);

  const totalSteps = o.epochs * o.stepsPerEpoch;
  const lossFn = perMemberLoss(makeTrainLoss(o), embedder.arch.members);
  const data = [...new Set(trainUtts.map((u) => u.corpus))].sort().map((c) => ({
    corpus: c,
    speakers: new Set(all.filter((u) => u.corpus === c).map((u) => u.speaker)).size,
    clips: all.filter((u) => u.corpus === c).length,
  }));
  onEvent({
    type: 'start',
    speakers: new Set(trainUtts.map((u) => u.speaker)).size,
    labels: labelOf.size,
    items: items.length,
    valSpeakers: new Set(valUtts.map((u) => u.speaker)).size,
    params: embedder.model.countParams(),
    totalSteps,
  });

  const hasVal = valSet.trials.length > 0;
  let best = { eer: hasVal ? Infinity : NaN, epoch: -1 };
  let bestVal: ValResult | undefined;
  const history: TrainResult['history'] = [];
  // Running sum of end-of-epoch weights for `averageFrom`.
  let sum: Tensor[] = [];
  const summed: number[] = [];
  let averaged: AveragedWeights | undefined;
  const lastEpoch = Math.min(o.epochs, o.stopAfterEpoch ?? o.epochs);
  let run;
  try {
    run = await runLoop({
      embedder,
      schedule: { lr: o.lr, warmupSteps: o.warmupSteps, minLrFraction: o.minLrFraction, totalSteps },
      epochs: lastEpoch,
      stepsPerEpoch: o.stepsPerEpoch,
      patience: o.patience,
      patienceFrom: o.selectFrom - 1,
      batch: sample,
      loss: (emb, labels) => {
        const r = lossFn(emb, labels);
        return { loss: r.loss as import('@tensorflow/tfjs').Scalar, stats: r.stats };
      },
      check: () => checkCancel(signal),
      outOfTime: () => o.maxSeconds > 0 && (performance.now() - t0) / 1000 > o.maxSeconds,
      diverged: (step, loss) => new InvalidArgumentError(`Training diverged at step ${step} (loss ${loss}); lower --lr.`),
      onStep: (s) => onEvent({ type: 'step', step: s.step, totalSteps, loss: s.loss, activeFraction: s.activeFraction, collapsedFraction: s.collapsedFraction, lr: s.lr, ms: s.ms }),
      endEpoch: (t) => {
        // Without validation speakers (tiny user data sets) the last epoch is the model.
        const v = hasVal ? validate(embedder, valSet) : noValidation();
        const isBest = (t.epoch >= o.selectFrom && v.meanEer <= best.eer) || !hasVal || (best.epoch < 0 && (t.epoch === lastEpoch || t.stoppedByTime));
        if (isBest) {
          best = { eer: v.meanEer, epoch: t.epoch };
          bestVal = v;
        }
        const ev = {
          type: 'epoch' as const,
          epoch: t.epoch,
          step: t.step,
          loss: t.loss,
          activeFraction: t.activeFraction,
          collapsedFraction: t.collapsedFraction,
          valEer: v.meanEer,
          valEerByCorpus: Object.fromEntries(Object.entries(v.byCorpus).map(([c, r]) => [c, r.eer])),
          best: isBest,
          seconds: (performance.now() - t0) / 1000,
        };
        history.push(ev);
        onEvent(ev);
        if (o.averageFrom > 0 && t.epoch >= o.averageFrom) {
          const w = embedder.model.getWeights();
          const next = sum.length ? w.map((x, i) => tf.add(sum[i], x)) : w.map((x) => x.clone());
          tf.dispose(sum);
          sum = next;
          summed.push(t.epoch);
        }
        return { score: v, best: isBest, improved: isBest };
      },
      finish: () => {
        if (summed.length < 2 || !hasVal) return false;
        const mean = sum.map((t) => tf.div(t, summed.length));
        embedder.model.setWeights(mean);
        tf.dispose(mean);
        const v = validate(embedder, valSet);
        averaged = { epochs: summed, valEer: v.meanEer, bestSingleValEer: best.eer, kept: v.meanEer <= best.eer };
        if (averaged.kept) bestVal = v;
        return averaged.kept;
      },
    });
  } catch (e) {
    embedder.dispose();
    throw e;
  } finally {
    tf.dispose(sum);
  }
  const { steps: step, stoppedByTime } = run;
  const seconds = (performance.now() - t0) / 1000;
  onEvent({ type: 'done', steps: step, seconds, bestEpoch: best.epoch, valEer: averaged?.kept ? averaged.valEer : best.eer, stoppedByTime, ...(averaged ? { averaged } : {}) });
  return { embedder, options: o, steps: step, seconds, bestEpoch: best.epoch, validation: bestVal!, history, data, stoppedByTime, ...(averaged ? { averaged } : {}) };
}
