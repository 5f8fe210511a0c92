/**
 * The shared optimisation loop (src/train/loop.ts): the schedule, the best-weights snapshot and its
 * restore, patience, the time limit, `finish`, the NaN guard, and that it leaks no tensors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { createEmbedder, type Embedder } from '../../src/model';
import { prepareCrops, type FeatureMatrix } from '../../src/model/preprocess';
import { lrAt, runLoop, type EpochJudgement, type LoopSpec } from '../../src/train/loop';
import { makeRng } from '../../src/util/rng';

type Scalar = import('@tensorflow/tfjs').Scalar;

describe('lrAt', () => {
  const s = { lr: 1e-3, warmupSteps: 4, minLrFraction: 0.1, totalSteps: 24 };
  it('warms up linearly to lr, then decays by a cosine to lr * minLrFraction', () => {
    expect(lrAt(0, s)).toBeCloseTo(2.5e-4, 12);
    expect(lrAt(3, s)).toBeCloseTo(1e-3, 12);
    expect(lrAt(4, s)).toBeCloseTo(1e-3, 12);
    expect(lrAt(14, s)).toBeCloseTo(1e-3 * (0.1 + 0.9 * 0.5), 12);
    expect(lrAt(24, s)).toBeCloseTo(1e-4, 12);
    expect(lrAt(100, s)).toBeCloseTo(1e-4, 12);
    for (let i = 5; i < 24; i++) expect(lrAt(i, s)).toBeLessThan(lrAt(i - 1, s));
  });
});

describe('runLoop', () => {
  let e: Embedder;
  const rng = makeRng(7);
  const feats: FeatureMatrix[] = Array.from({ length: 8 }, () => ({ data: Float32Array.from({ length: 60 * 30 }, () => rng.next() - 0.5), numFrames: 60, numCoeffs: 30 }));
  beforeAll(async () => {
    await initBackend();
    e = createEmbedder({ arch: { frameLayers: [16, 16], frameEmbed: 8, statsLayers: [8], statsEmbed: 4, embedDim: 8 }, seed: 3 });
  });
  afterAll(() => e?.dispose());

  const firstWeight = () => Array.from(e.model.getWeights()[0].dataSync());

  /** A loop whose epochs are judged by the given scores (lower is better), recording each epoch's weights. */
  function spec(scores: number[], over: Partial<LoopSpec<number>> = {}) {
    const seen: number[][] = [];
    let best = Infinity;
    const s: LoopSpec<number> = {
      embedder: e,
      schedule: { lr: 1e-2, warmupSteps: 1, minLrFraction: 0.1, totalSteps: 2 * scores.length },
      epochs: scores.length,
      stepsPerEpoch: 2,
      patience: 2,
      batch: () => ({ parts: [prepareCrops(feats.map((f) => ({ f, start: rng.int(20) })), 40, e.arch)], labels: Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]) }),
      // Any loss that moves the weights: the embeddings pulled towards one direction.
      loss: (emb) => ({ loss: tf.neg(tf.mean(tf.slice(emb, [0, 0], [-1, 1]))) as Scalar, stats: { activeFraction: 1, collapsedFraction: 0 } }),
      check: () => {},
      diverged: (step, loss) => new Error(`diverged at ${step}: ${loss}`),
      endEpoch: (t): EpochJudgement<number> => {
        seen.push(firstWeight());
        const score = scores[t.epoch - 1];
        const better = score < best;
        if (better) best = score;
        return { score, best: better, improved: better };
      },
      ...over,
    };
    return { s, seen };
  }

  it('restores the best epoch, stops after `patience` epochs without improvement, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const steps: number[] = [];
    const { s, seen } = spec([3, 1, 2, 2, 2, 0], { onStep: (r) => steps.push(r.step) });
    const r = await runLoop(s);
    expect(r).toEqual({ best: { epoch: 2, score: 1 }, steps: 8, stoppedByTime: false });
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seen).toHaveLength(4);
    expect(seen[1]).not.toEqual(seen[3]);
    expect(firstWeight()).toEqual(seen[1]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the time limit ends the epoch it cuts, which is still judged; `finish` may keep the last weights', async () => {
    const before = tf.memory().numTensors;
    let calls = 0;
    const judged: { epoch: number; stoppedByTime: boolean }[] = [];
    const { s, seen } = spec([1, 4, 3, 2]);
    const r = await runLoop({
      ...s,
      outOfTime: () => ++calls > 3,
      endEpoch: (t) => (judged.push({ epoch: t.epoch, stoppedByTime: t.stoppedByTime }), s.endEpoch(t)),
      // keeps the last epoch's weights over the best (epoch 1) snapshot
      finish: (best) => best?.epoch === 1,
    });
    expect(r).toEqual({ best: { epoch: 1, score: 1 }, steps: 3, stoppedByTime: true });
    expect(judged).toEqual([
      { epoch: 1, stoppedByTime: false },
      { epoch: 2, stoppedByTime: true },
    ]);
    expect(seen[0]).not.toEqual(seen[1]);
    expect(firstWeight()).toEqual(seen[1]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a non-finite loss throws the caller\u2019s error and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const { s } = spec([1, 1]);
    await expect(runLoop({ ...s, loss: (emb) => ({ loss: tf.div(tf.sum(emb), 0) as Scalar, stats: { activeFraction: 0, collapsedFraction: 0 } }) })).rejects.toThrow(
      /diverged at 0: (Infinity|-Infinity|NaN)/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
