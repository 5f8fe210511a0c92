import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { CancelledError } from '../../src/errors';
import { loadModel, saveModel } from '../../src/model';
import { train, trainedModelCard, trainInWorker, type TrainEvent } from '../../src/train';
import { listTrainingData } from '../../src/train/data';
import { writeSyntheticData } from './fixtures';

const root = mkdtempSync(join(tmpdir(), 'voxprint-train-'));
const data = writeSyntheticData(join(root, 'data'), 6, 5);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tiny = {
  data,
  cacheDir: join(root, 'cache'),
  p: 4,
  k: 2,
  epochs: 2,
  stepsPerEpoch: 2,
  warmupSteps: 1,
  speeds: [1],
  valSpeakers: { user: 2 },
  arch: { frameLayers: [32, 32], frameEmbed: 16, statsLayers: [16], statsEmbed: 8, embedDim: 16 },
};

describe('listTrainingData', () => {
  it('reads DIR/SPEAKER/*.wav as one "user" corpus', () => {
    const u = listTrainingData(data);
    expect(u.length).toBe(30);
    expect(new Set(u.map((x) => x.speaker)).size).toBe(6);
    expect(u.every((x) => x.corpus === 'user')).toBe(true);
  });

  it('lists exactly the train speakers of splits.json, never dev', () => {
    const shared = join(__dirname, '../../../shared/data');
    const splitsPath = join(shared, 'splits.json');
    const splits = JSON.parse(readFileSync(splitsPath, 'utf8')) as Record<'train' | 'dev', Record<string, string[]>>;
    const ids = (part: Record<string, string[]>) => Object.entries(part).flatMap(([corpus, spk]) => spk.map((s) => `${corpus}/${s}`));
    const listed = new Set(listTrainingData(shared, splitsPath).map((x) => x.speaker));
    expect([...listed].sort()).toEqual([...new Set(ids(splits.train))].sort());
    expect(ids(splits.dev).filter((s) => listed.has(s))).toEqual([]);
  });

  it('rejects a missing folder and a folder with fewer than 2 speakers', () => {
    expect(() => listTrainingData(join(root, 'nope'))).toThrow(/does not exist/);
    expect(() => listTrainingData(join(data, 'spk0'))).toThrow(/at least 2/);
  });
});

describe('train', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('trains, reports per-step and per-epoch events, is seeded-reproducible and does not leak tensors', async () => {
    const before = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const r1 = await train(tiny, (e) => events.push(e));
    const kinds = events.map((e) => e.type);
    expect(kinds[0]).toBe('features');
    expect(kinds.filter((k) => k === 'step').length).toBe(4);
    expect(kinds.filter((k) => k === 'epoch').length).toBe(2);
    expect(kinds[kinds.length - 1]).toBe('done');
    expect((events[events.length - 1] as Extract<TrainEvent, { type: 'done' }>).stoppedByTime).toBe(false);
    const ep = events.find((e) => e.type === 'epoch') as Extract<TrainEvent, { type: 'epoch' }>;
    expect(ep.valEer).toBeGreaterThanOrEqual(0);
    expect(ep.activeFraction).toBeGreaterThanOrEqual(0);
    expect(ep.collapsedFraction).toBeGreaterThanOrEqual(0);
    const r2 = await train(tiny);
    const w1 = r1.embedder.model.getWeights().map((w) => Array.from(w.dataSync()));
    const w2 = r2.embedder.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(w2).toEqual(w1);
    // the trained model saves with a valid card
    const dir = join(root, 'model');
    const card = await saveModel(dir, r1.embedder, trainedModelCard(r1));
    expect(card.training.loss).toBe('triplet');
    expect(card.threshold.method).toMatch(/validation/);
    r1.embedder.dispose();
    r2.embedder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('averages the end-of-epoch weights from averageFrom on, keeps the average only when validation prefers it, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const opts = { ...tiny, epochs: 3, patience: 3 };
    const events: TrainEvent[] = [];
    const avg = await train({ ...opts, averageFrom: 2 }, (e) => events.push(e));
    expect(avg.averaged?.epochs).toEqual([2, 3]);
    expect(avg.averaged!.bestSingleValEer).toBe(Math.min(...avg.history.map((h) => h.valEer)));
    expect(avg.averaged!.kept).toBe(avg.averaged!.valEer <= avg.averaged!.bestSingleValEer);
    // the reported validation (and so the card's threshold) is that of the weights that were kept
    expect(avg.validation.meanEer).toBe(avg.averaged!.kept ? avg.averaged!.valEer : avg.averaged!.bestSingleValEer);
    const done = events[events.length - 1] as Extract<TrainEvent, { type: 'done' }>;
    expect(done.averaged).toEqual(avg.averaged);
    // The same seed without averaging follows the same trajectory: the epoch curves match, and the
    // final weights are the average of epochs 2 and 3 exactly when the average was kept.
    const plain = await train(opts);
    expect(plain.averaged).toBeUndefined();
    expect(plain.history.map((h) => h.valEer)).toEqual(avg.history.map((h) => h.valEer));
    const wa = avg.embedder.model.getWeights().map((w) => Array.from(w.dataSync()));
    const wp = plain.embedder.model.getWeights().map((w) => Array.from(w.dataSync()));
    if (avg.averaged!.kept) expect(wa).not.toEqual(wp);
    else expect(wa).toEqual(wp);
    avg.embedder.dispose();
    plain.embedder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains an ensemble architecture jointly, with every member\u2019s input statistics fitted', async () => {
    const before = tf.memory().numTensors;
    const r = await train({ ...tiny, epochs: 1, arch: { ...tiny.arch, members: 2, statsLdaDims: 8, head: 'concat', embedDim: 24 } });
    expect(r.embedder.dim).toBe(48);
    const w = (name: string) => r.embedder.model.getLayer(name).getWeights().map((t) => Array.from(t.dataSync()));
    // both towers start from the same fitted statistics and the same LDA, not from identity/random
    expect(w('m2_stats_norm')).toEqual(w('stats_norm'));
    expect(w('stats_norm')[0].some((x) => x !== 0)).toBe(true);
    expect(r.embedder.model.getLayer('m2_stats_lda')).toBeDefined();
    r.embedder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes speed perturbation per corpus: speedsByCorpus replaces speeds for the corpora it names', async () => {
    const labels = async (o: object) => {
      let n = -1;
      const r = await train({ ...tiny, epochs: 1, stepsPerEpoch: 1, ...o }, (e) => {
        if (e.type === 'start') n = e.labels;
      });
      r.embedder.dispose();
      return n;
    };
    // 6 speakers, 2 of them held out for validation: 4 training speakers, x3 with three speeds
    expect(await labels({ speeds: [0.9, 1, 1.1] })).toBe(12);
    expect(await labels({ speeds: [0.9, 1, 1.1], speedsByCorpus: { user: [1] } })).toBe(4);
    expect(await labels({ speeds: [1], speedsByCorpus: { other: [0.9, 1.1] } })).toBe(4);
  });

  it('selectFrom keeps earlier checkpoints out of the running, and still returns a model when it is past the last epoch', async () => {
    const late = await train({ ...tiny, epochs: 3, patience: 3, selectFrom: 3 });
    expect(late.bestEpoch).toBe(3);
    expect(late.history).toHaveLength(3);
    late.embedder.dispose();
    const never = await train({ ...tiny, epochs: 2, selectFrom: 5 });
    expect(never.bestEpoch).toBe(2);
    expect(never.validation.meanEer).toBe(never.history[1].valEer);
    never.embedder.dispose();
  });

  it('initialises the statistics branch with LDA (non-zero kernel) and a zero residual', async () => {
    const r = await train({
      ...tiny,
      epochs: 1,
      stepsPerEpoch: 1,
      lr: 1e-9,
      arch: { ...tiny.arch, statsLdaDims: 3, head: 'concat', frameEmbed: 16, embedDim: 19 },
    });
    const k = r.embedder.model.getLayer('stats_lda').getWeights()[0];
    expect(k.shape).toEqual([60, 3]);
    expect(Math.max(...Array.from(k.dataSync()).map(Math.abs))).toBeGreaterThan(0);
    const res = r.embedder.model.getLayer('stats_residual').getWeights()[0];
    expect(Math.max(...Array.from(res.dataSync()).map(Math.abs))).toBeLessThan(1e-6);
    r.embedder.dispose();
  });

  it('stops with CancelledError when the signal aborts, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const ac = new AbortController();
    const err = await train({ ...tiny, epochs: 50 }, (e) => {
      if (e.type === 'step' && e.step === 2) ac.abort();
    }, ac.signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops at the wall-clock limit with a validated model', async () => {
    const r = await train({ ...tiny, epochs: 50, maxSeconds: 1e-6 });
    expect(r.stoppedByTime).toBe(true);
    expect(r.steps).toBe(0);
    expect(r.history.length).toBe(1);
    r.embedder.dispose();
  });

  it('stopAfterEpoch ends the run early on the schedule of the full run (a time-cut run, reproducible)', async () => {
    const lrs = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'step' ? [e.lr] : []));
    const full: TrainEvent[] = [];
    const cut: TrainEvent[] = [];
    const a = await train({ ...tiny, epochs: 3 }, (e) => full.push(e));
    const b = await train({ ...tiny, epochs: 3, stopAfterEpoch: 1 }, (e) => cut.push(e));
    expect(b.history.length).toBe(1);
    expect(b.steps).toBe(tiny.stepsPerEpoch);
    expect(b.stoppedByTime).toBe(false);
    expect(lrs(cut)).toEqual(lrs(full).slice(0, tiny.stepsPerEpoch));
    a.embedder.dispose();
    b.embedder.dispose();
  });

  it('rejects invalid options with a message naming the option', async () => {
    await expect(train({ ...tiny, p: 1 })).rejects.toThrow(/p:/);
  });
});

describe('trainInWorker', () => {
  it('trains off the main thread, streams events, and saves a loadable model', async () => {
    const out = join(root, 'worker-model');
    const events: TrainEvent[] = [];
    const r = await trainInWorker({ ...tiny, out }, (e) => events.push(e));
    expect(events.some((e) => e.type === 'epoch')).toBe(true);
    expect(r.steps).toBe(4);
    const m = await loadModel(out);
    expect(m.card?.id).toBe(r.card.id);
    m.dispose();
  });

  it('can be cancelled', async () => {
    const ac = new AbortController();
    const err = await trainInWorker({ ...tiny, epochs: 100, out: join(root, 'never') }, (e) => {
      if (e.type === 'step') ac.abort();
    }, ac.signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
  });
});
