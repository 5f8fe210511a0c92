/**
 * Local fine-tuning: adapts the model in use to the user's own voices and microphones, safely.
 *
 *   local recordings (enrolled + folders) -> enough? -> split into fine-tune / held-out parts
 *   -> EER before (held-out, else leave-one-out) -> P x K batches of crops (local speakers plus a
 *   replay of the original training speakers) -> semi-hard triplets, low learning rate, optional
 *   frozen frame layers -> held-out EER each epoch, best epoch, early stopping
 *   -> new version folder (STORE/models/ID: tfjs model + voxprint.json with parent and EERs)
 *   -> made the model in use only if kept (by default: only if the held-out EER did not get
 *      worse), through src/model/registry.ts's crash-safe switch.
 *
 * Cancellable at any point through `signal` (CancelledError; nothing is written before the
 * version folder, which is saved atomically, and the switch commits with one rename).
 */
import { resolve } from 'node:path';
import { tf } from '../backend';
import { inheritedCalibrationFiles } from '../calibration/calibration';
import { builtinModelDir, resolveModelDir } from '../model/resolve';
import { CancelledError, InvalidArgumentError, VoxprintError } from '../errors';
import type { ModelCard } from '../model/card';
import type { Embedder } from '../model/embedder';
import { loadModel, saveModel } from '../model/io';
import { prepareCrops } from '../model/preprocess';
import { ModelRegistry, switchModel } from '../model/registry';
import { defaultCacheDir } from '../speakers/home';
import { ProfileStore } from '../speakers/store';
import { FeatureCache } from './cache';
import { finetunedCard } from './finetune-card';
import { checkEnoughData, collectRecordings, splitRecordings, variantFeatures, variantsOf, type Split } from './finetune-data';
import { better, evaluateLocal, type EvalSpeaker, type LocalEval } from './finetune-eval';
import { FinetuneOptionsSchema, type FinetuneOptions, type FinetuneOptionsInput } from './finetune-options';
import { loadNoises, planReplay, type ReplayPlan } from './finetune-replay';
import { makeLoss } from '../metric';
import { lossConfig, perMemberLoss } from './loss';
import { makeRng } from '../util/rng';
import { PKSampler, type TrainItem } from './sampler';
import { runLoop, tick } from './loop';

export { FinetuneOptionsSchema, type FinetuneOptions, type FinetuneOptionsInput } from './finetune-options';

type Scalar = import('@tensorflow/tfjs').Scalar;
type Variable = import('@tensorflow/tfjs').Variable;

export type FinetuneEvent =
  | { type: 'data'; speakers: { name: string; recordings: number; heldOut: number }[]; recordings: number; heldOut: number; estimate: Split['estimate']; note: string }
  | { type: 'replay'; used: boolean; reason: string; speakers: number; clips: number }
  | { type: 'features'; done: number; total: number }
  | { type: 'baseline'; eer: number; targets: number; nontargets: number; estimate: Split['estimate'] }
  | { type: 'step'; step: number; totalSteps: number; epoch: number; loss: number; activeFraction: number; collapsedFraction: number; lr: number }
  | {
      type: 'epoch';
      epoch: number;
      epochs: number;
      step: number;
      loss: number;
      activeFraction: number;
      collapsedFraction: number;
      heldOutEer: number;
      best: boolean;
      seconds: number;
    }
  | { type: 'saving'; dir: string }
  | { type: 'activating'; done: number; total: number }
  | { type: 'done'; versionId: string; eerBefore: number; eerAfter: number; activated: boolean; seconds: number };

export type FinetuneEpoch = Extract<FinetuneEvent, { type: 'epoch' }>;

export interface FinetuneResult {
  versionId: string;
  dir: string;
  parentId: string;
  eerBefore: number;
  eerAfter: number;
  estimate: Split['estimate'];
  /** Local trials the two EERs rest on. */
  targets: number;
  nontargets: number;
  /** (mean target - mean non-target) / pooled std before and after: moves when the EER cannot. */
  separationBefore: number;
  separationAfter: number;
  /** The held-out EER got lower (strictly). */
  improved: boolean;
  activated: boolean;
  /** Why the new version is, or is not, the model in use now. */
  activation: string;
  /** Profiles re-embedded by the switch (when activated). */
  reembedded: number;
  epochs: number;
  bestEpoch: number;
  steps: number;
  seconds: number;
  replay: { used: boolean; reason: string };
  note: string;
  speakers: number;
  recordings: number;
  history: FinetuneEpoch[];
  threshold: number;
}

const FRAME_LAYER = /^(m\d+_)?tdnn\d+$/; // in every ensemble member

/**
 * Fine-tunes the model in use (or `modelDir`) on the local recordings and saves a new version.
 * Throws VoxprintError NOT_ENOUGH_DATA (saying what is missing), InvalidArgumentError for bad
 * options or folders, ModelError for a missing model, CancelledError when `signal` aborts.
 */
export async function finetune(input: FinetuneOptionsInput, onEvent: (e: FinetuneEvent) => void = () => {}, signal?: AbortSignal): Promise<FinetuneResult> {
  const parsed = FinetuneOptionsSchema.safeParse(input);
  if (!parsed.success) throw new InvalidArgumentError(`Invalid fine-tune options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  const o = parsed.data;
  const t0 = performance.now();
  const check = () => {
    if (signal?.aborted) throw new CancelledError('Fine-tuning');
  };
  if (!o.storeDir && !o.out) throw new InvalidArgumentError('Fine-tuning needs a profile store (storeDir) or an output folder (out) for the new version.');
  if (!o.storeDir && !o.data.length) throw new InvalidArgumentError('Fine-tuning needs recordings: a profile store with enrolled speakers, or --data DIR.');
  const store = o.storeDir ? await ProfileStore.open(o.storeDir) : undefined;
  const builtinDir = resolve(o.builtinDir ?? builtinModelDir());
  const registry = o.storeDir ? new ModelRegistry({ storeDir: o.storeDir, builtinDir }) : undefined;
  const parentDir = resolveModelDir({ storeDir: o.storeDir, modelDir: o.modelDir, builtinDir });

  // Data first (cheap, and the commonest error), split before anything looks at the audio.
  const speakers = collectRecordings({ store, useEnrolled: o.useEnrolled, data: o.data });
  checkEnoughData(speakers);
  const split = splitRecordings(speakers, o.heldOutFraction, o.seed);
  const recordings = speakers.reduce((a, s) => a + s.recordings.length, 0);
  const heldOut = split.speakers.reduce((a, s) => a + s.heldOut.length, 0);
  onEvent({
    type: 'data',
    speakers: split.speakers.map((s) => ({ name: s.speaker, recordings: s.recordings.length, heldOut: s.heldOut.length })),
    recordings,
    heldOut,
    estimate: split.estimate,
    note: split.note,
  });
  check();

  const embedder = await loadModel(parentDir);
  const parent = embedder.card as ModelCard;
  try {
    const replay = planReplay(parent, { enabled: o.replay, replayData: o.replayData, speakersPerCorpus: o.replaySpeakersPerCorpus, clipsPerSpeaker: o.replayClipsPerSpeaker, seed: o.seed });
    onEvent({ type: 'replay', used: replay.used, reason: replay.reason, speakers: new Set(replay.utterances.map((u) => u.speaker)).size, clips: replay.utterances.length });
    const { items, evalSpeakers } = await buildItems(embedder, split, replay, o, onEvent, check);
    const before = evaluateLocalChecked(embedder, evalSpeakers, split.estimate);
    onEvent({ type: 'baseline', eer: before.eer, targets: before.targets, nontargets: before.nontargets, estimate: split.estimate });
    check();

    const run = await trainLoop(embedder, items, evalSpeakers, split, replay, o, before, onEvent, check);
    const after = run.best;
    const versionId = o.versionId ?? registry?.newVersionId() ?? `ft-${Date.now().toString(36)}`;
    const dir = resolve(o.out ?? registry!.userModelDir(versionId));
    onEvent({ type: 'saving', dir });
    check();
    registry?.sweepLeftovers();
    const seconds = (performance.now() - t0) / 1000;
    // The parent's calibration goes into the same atomic folder: without it every decision would
    // fall back to a cosine threshold that does not transfer across channels (issue 17;
    // docs/results/finetune.md compares the two on the dev lists after a fine-tune).
    const card = await saveModel(
      dir,
      embedder,
      finetunedCard({ versionId, parent, options: o, estimate: split.estimate, before, after, speakers: speakers.length, recordings, replay, steps: run.steps, seconds, bestEpoch: run.bestEpoch }),
      { private: true, extraFiles: inheritedCalibrationFiles(parentDir, { id: parent.id, dim: embedder.dim }, versionId) },
    );

    const notWorse = after.eer <= before.eer + 1e-9;
    const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
    let activated = false;
    let reembedded = 0;
    let activation: string;
    if (o.keep === 'never') activation = `Saved as ${versionId}, not made the model in use (keep: never); switch to it with "voxprint models use ${versionId}".`;
    else if (o.keep === 'auto' && !notWorse)
      activation = `Not made the model in use: the ${split.estimate} EER got worse (${pct(before.eer)} -> ${pct(after.eer)}). It is kept as ${versionId}; "voxprint models use ${versionId}" switches to it anyway.`;
    else if (!registry || !store || dir !== resolve(registry.userModelDir(versionId)))
      activation = `Saved to ${dir}, outside the store's model versions: not made the model in use. Use it with --model ${dir}.`;
    else {
      try {
        const sw = await switchModel(registry, store, versionId, { signal, onProgress: (done, total) => onEvent({ type: 'activating', done, total }) });
        activated = true;
        reembedded = sw.reembedded;
        activation = `${versionId} is now the model in use (${o.keep === 'always' ? 'keep: always' : `the ${split.estimate} EER did not get worse`}); ${sw.profiles} profile(s) switched to it. Roll back with "voxprint models rollback".`;
      } catch (e) {
        if (e instanceof CancelledError || !(e instanceof VoxprintError)) throw e;
        activation = `Not made the model in use: re-embedding the profiles failed (${e.message}); the previous model and profiles stay in use. The new version is kept as ${versionId}.`;
      }
    }
    const total = (performance.now() - t0) / 1000;
    onEvent({ type: 'done', versionId, eerBefore: before.eer, eerAfter: after.eer, activated, seconds: total });
    return {
      versionId,
      dir,
      parentId: parent.id,
      eerBefore: before.eer,
      eerAfter: after.eer,
      estimate: split.estimate,
      targets: after.targets,
      nontargets: after.nontargets,
      separationBefore: before.separation,
      separationAfter: after.separation,
      improved: after.eer < before.eer - 1e-9,
      activated,
      activation,
      reembedded,
      epochs: run.history.length,
      bestEpoch: run.bestEpoch,
      steps: run.steps,
      seconds: total,
      replay: { used: replay.used, reason: replay.reason },
      note: split.note,
      speakers: speakers.length,
      recordings,
      history: run.history,
      threshold: card.threshold.value,
    };
  } finally {
    embedder.dispose();
  }
}

function evaluateLocalChecked(embedder: Embedder, speakers: EvalSpeaker[], mode: Split['estimate']): LocalEval {
  const usable = speakers.filter((s) => s.enroll.length > 0);
  const hasTarget = mode === 'held-out' ? usable.some((s) => s.test.length > 0) : usable.some((s) => s.enroll.length >= 2);
  if (usable.length < 2 || !hasTarget)
    throw new VoxprintError('NOT_ENOUGH_DATA', 'Too few of the recordings hold any speech to measure an EER. Record takes of a few seconds of speech each.');
  return evaluateLocal(embedder, speakers, mode);
}

/** Local items (every variant of every fine-tune recording), replay items, and the clean features the EER uses. */
async function buildItems(
  embedder: Embedder,
  split: Split,
  replay: ReplayPlan,
  o: FinetuneOptions,
  onEvent: (e: FinetuneEvent) => void,
  check: () => void,
): Promise<{ items: TrainItem[]; evalSpeakers: EvalSpeaker[] }> {
  const cfg = embedder.featureConfig;
  const noises = await loadNoises(replay.root);
  const variants = variantsOf(o.speeds, o.augment);
  const total = split.speakers.reduce((a, s) => a + s.fineTune.length + s.heldOut.length, 0) + replay.utterances.length;
  const items: TrainItem[] = [];
  const labels = new Map<string, number>();
  const labelOf = (key: string) => labels.get(key) ?? (labels.set(key, labels.size), labels.size - 1);
  let done = 0;
  let source = 0;
  const progress = async () => {
    if (++done % 10 === 0 || done === total) {
      onEvent({ type: 'features', done, total });
      await tick();
      check();
    }
  };
  const clean = { speed: 1, channel: 'clean' as const, rep: 0 };
  const evalSpeakers: EvalSpeaker[] = [];
  for (const s of split.speakers) {
    const ev: EvalSpeaker = { enroll: [], test: [] };
    for (const r of s.fineTune) {
      check();
      const x = await r.load();
      for (const v of variants) {
        const f = variantFeatures(x, v, cfg, noises, r.source);
        if (f.numFrames >= 10) items.push({ f, label: labelOf(`local/${s.key}@${v.speed}`), corpus: 'local', source });
      }
      const f = variantFeatures(x, clean, cfg, noises, r.source);
      if (f.numFrames >= 1) ev.enroll.push(f);
      source++;
      await progress();
    }
    for (const r of s.heldOut) {
      check();
      const f = variantFeatures(await r.load(), clean, cfg, noises, r.source);
      if (f.numFrames >= 1) ev.test.push(f);
      await progress();
    }
    evalSpeakers.push(ev);
  }
  if (replay.used) {
    const cache = new FeatureCache(o.cacheDir ?? defaultCacheDir(), cfg);
    for (const u of replay.utterances) {
      check();
      // A clip of the shared corpus that cannot be read is left out of the replay, not fatal.
      const f = await cache.get(u.path, clean).catch((e: unknown) => {
        if (e instanceof VoxprintError) return undefined;
        throw e;
      });
      if (f && f.numFrames >= 10) items.push({ f, label: labelOf(u.speaker), corpus: u.corpus, source: source++ });
      await progress();
    }
  }
  return { items, evalSpeakers };
}

interface LoopResult {
  best: LocalEval;
  bestEpoch: number;
  steps: number;
  history: FinetuneEpoch[];
}

/** Fine-tuning's side of the shared loop; leaves the best epoch's weights in `embedder`. */
async function trainLoop(
  embedder: Embedder,
  items: TrainItem[],
  evalSpeakers: EvalSpeaker[],
  split: Split,
  replay: ReplayPlan,
  o: FinetuneOptions,
  before: LocalEval,
  onEvent: (e: FinetuneEvent) => void,
  check: () => void,
): Promise<LoopResult> {
  const localShare = replay.used ? 1 - o.replayShare : 1;
  const quotas: Record<string, number> = { local: localShare };
  for (const c of replay.corpora) quotas[c] = (1 - localShare) / replay.corpora.length;
  const sampler = new PKSampler(items, { p: o.p, k: o.k, quotas, shortCrop: o.shortCrop, longCrop: o.longCrop });
  const localItems = items.filter((i) => i.corpus === 'local').length;
  const localLabels = new Set(items.filter((i) => i.corpus === 'local').map((i) => i.label)).size;
  const localPerBatch = Math.max(1, Math.min(localLabels, Math.round(o.p * localShare)) * o.k);
  const stepsPerEpoch = o.stepsPerEpoch || Math.min(40, Math.max(20, Math.ceil(localItems / localPerBatch)));
  const totalSteps = o.epochs * stepsPerEpoch;
  const lossFn = perMemberLoss(makeLoss(lossConfig(o)), embedder.arch.members);
  const rng = makeRng(o.seed);
  const vars = embedder.model.layers
    .filter((l) => o.freeze === 'none' || !FRAME_LAYER.test(l.name))
    .flatMap((l) => l.trainableWeights)
    .map((w) => w.read() as Variable);
  // L2-SP anchor: copies of the parent's values of the weights being trained.
  const parentWeights = o.anchor > 0 ? vars.map((v) => v.clone()) : [];
  const anchorPenalty = () => tf.mul(o.anchor, tf.addN(vars.map((v, i) => tf.sum(tf.square(tf.sub(v, parentWeights[i])))))) as Scalar;
  const t0 = performance.now();
  // The best so far, the parent included: only beating it resets the patience.
  let overall = before;
  let bestEval: LocalEval | undefined;
  const history: FinetuneEpoch[] = [];
  try {
    const run = await runLoop<LocalEval>({
      embedder,
      schedule: { lr: o.lr, warmupSteps: o.warmupSteps, minLrFraction: o.minLrFraction, totalSteps },
      epochs: o.epochs,
      stepsPerEpoch,
      patience: o.patience,
      vars,
      batch: () => {
        const { short, long } = sampler.sample(rng);
        const parts = [short, long].filter((b) => b.items.length > 0).map((b) => prepareCrops(b.items, b.length, embedder.arch));
        return { parts, labels: Int32Array.from([...short.labels, ...long.labels]) };
      },
      loss: (emb, labels) => {
        const r = lossFn(emb, labels);
        return { loss: o.anchor > 0 ? (tf.add(r.loss, anchorPenalty()) as Scalar) : (r.loss as Scalar), stats: r.stats };
      },
      check,
      diverged: (step, loss) => new InvalidArgumentError(`Fine-tuning diverged at step ${step + 1} (loss ${loss}); lower the learning rate (--lr).`),
      onStep: (s) => onEvent({ type: 'step', step: s.step, totalSteps, epoch: s.epoch, loss: s.loss, activeFraction: s.activeFraction, collapsedFraction: s.collapsedFraction, lr: s.lr }),
      endEpoch: (t) => {
        const ev = evaluateLocal(embedder, evalSpeakers, split.estimate);
        const isBest = !bestEval || better(ev, bestEval);
        if (isBest) bestEval = ev;
        const improved = better(ev, overall);
        if (improved) overall = ev;
        const e: FinetuneEpoch = {
          type: 'epoch',
          epoch: t.epoch,
          epochs: o.epochs,
          step: t.step,
          loss: t.loss,
          activeFraction: t.activeFraction,
          collapsedFraction: t.collapsedFraction,
          heldOutEer: ev.eer,
          best: isBest,
          seconds: (performance.now() - t0) / 1000,
        };
        history.push(e);
        onEvent(e);
        return { score: ev, best: isBest, improved };
      },
    });
    return { best: run.best!.score, bestEpoch: run.best!.epoch, steps: run.steps, history };
  } finally {
    tf.dispose(parentWeights);
  }
}

