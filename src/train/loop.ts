/**
 * The optimisation loop that training from scratch and fine-tuning share: Adam with linear
 * warm-up and cosine decay, one step per P x K batch, a NaN guard, a judgement after every epoch,
 * a snapshot of the best epoch's weights, early stopping after `patience` epochs without
 * improvement, and the disposal of every tensor it made. What differs between the two callers
 * (how a batch is drawn, the loss, how an epoch is scored and what counts as better) comes in
 * through `LoopSpec`.
 */
import { tf } from '../backend';
import type { Embedder } from '../model/embedder';
import { frameInputDim, statsInputDim } from '../model/architecture';
import type { PreparedBatch } from '../model/preprocess';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Scalar = import('@tensorflow/tfjs').Scalar;
type Variable = import('@tensorflow/tfjs').Variable;

export interface Schedule {
  lr: number;
  warmupSteps: number;
  /** The cosine decays to this fraction of `lr`. */
  minLrFraction: number;
  totalSteps: number;
}

/** The learning rate of step `step` (0-based): linear warm-up to `lr`, then cosine decay. */
export function lrAt(step: number, s: Schedule): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  const t = (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps);
  return s.lr * (s.minLrFraction + (1 - s.minLrFraction) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t))));
}

export interface StepReport {
  /** 1-based. */
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  activeFraction: number;
  collapsedFraction: number;
  lr: number;
  ms: number;
}

/** An epoch's mean training figures, over the steps it ran. */
export interface EpochTraining {
  epoch: number;
  /** Steps run so far, all epochs. */
  step: number;
  loss: number;
  activeFraction: number;
  collapsedFraction: number;
  /** The time limit cut this epoch short (it is the last). */
  stoppedByTime: boolean;
}

export interface EpochJudgement<V> {
  score: V;
  /** Snapshot these weights as the best so far. */
  best: boolean;
  /** Resets the patience count. */
  improved: boolean;
}

export interface LoopSpec<V> {
  embedder: Embedder;
  schedule: Schedule;
  /** Epochs to run at most (the schedule may plan for more). */
  epochs: number;
  stepsPerEpoch: number;
  /** Epochs without improvement before stopping. */
  patience: number;
  /** The epoch patience counts from before any improvement (0: the start). */
  patienceFrom?: number;
  /** The weights to train; default every trainable weight. */
  vars?: Variable[];
  batch(): { parts: PreparedBatch[]; labels: Int32Array };
  loss(embeddings: Tensor2D, labels: Int32Array): { loss: Scalar; stats: { activeFraction: number; collapsedFraction: number } };
  /** Throws when the run is cancelled. */
  check(): void;
  /** True once the run's time budget is spent. */
  outOfTime?(): boolean;
  /** The error for a non-finite loss at `step` (0-based). */
  diverged(step: number, loss: number): Error;
  onStep?(s: StepReport): void;
  /** Scores the weights at the end of an epoch and judges them. */
  endEpoch(t: EpochTraining): EpochJudgement<V>;
  /**
   * Runs after the last epoch, before the best snapshot is restored; returns true to keep the
   * model's weights as they are instead (e.g. a weight average that validated better).
   */
  finish?(best: { epoch: number; score: V } | undefined): boolean;
}

export interface LoopResult<V> {
  /** The best epoch's judgement (undefined when no epoch ran). */
  best?: { epoch: number; score: V };
  steps: number;
  stoppedByTime: boolean;
}

/** Yields to the event loop so progress is delivered and cancellation is noticed. */
export const tick = () => new Promise<void>((r) => setImmediate(r));

function toInputs(b: PreparedBatch, e: Embedder): [Tensor, Tensor] {
  return [tf.tensor3d(b.frames, [b.batch, b.framesPerItem, frameInputDim(e.arch)]), tf.tensor2d(b.stats, [b.batch, statsInputDim(e.arch)])];
}

/** Runs the loop; leaves the best epoch's weights (or what `finish` kept) in `spec.embedder`. */
export async function runLoop<V>(spec: LoopSpec<V>): Promise<LoopResult<V>> {
  const { embedder, schedule } = spec;
  const optimizer = tf.train.adam(schedule.lr);
  let best: { epoch: number; score: V; weights: Tensor[] } | undefined;
  let lastImproved = spec.patienceFrom ?? 0;
  let step = 0;
  let stoppedByTime = false;
  try {
    for (let epoch = 1; epoch <= spec.epochs; epoch++) {
      let lossSum = 0;
      let activeSum = 0;
      let collapseSum = 0;
      let steps = 0;
      for (let s = 0; s < spec.stepsPerEpoch; s++, step++) {
        spec.check();
        if (spec.outOfTime?.()) {
          stoppedByTime = true;
          break;
        }
        steps++;
        const ts = performance.now();
        const lr = lrAt(step, schedule);
        (optimizer as unknown as { learningRate: number }).learningRate = lr;
        const { parts, labels } = spec.batch();
        let stats = { activeFraction: 0, collapsedFraction: 0 };
        const cost = optimizer.minimize(
          () => {
            const embs = parts.map((b) => embedder.model.apply(toInputs(b, embedder), { training: true }) as Tensor2D);
            const r = spec.loss(embs.length === 1 ? embs[0] : (tf.concat(embs, 0) as Tensor2D), labels);
            stats = r.stats;
            return r.loss;
          },
          true,
          spec.vars,
        )!;
        const loss = cost.dataSync()[0];
        cost.dispose();
        if (!Number.isFinite(loss)) throw spec.diverged(step, loss);
        lossSum += loss;
        activeSum += stats.activeFraction;
        collapseSum += stats.collapsedFraction;
        spec.onStep?.({ step: step + 1, totalSteps: schedule.totalSteps, epoch, loss, ...stats, lr, ms: performance.now() - ts });
        await tick();
      }
      spec.check();
      const n = Math.max(1, steps);
      const j = spec.endEpoch({ epoch, step, loss: lossSum / n, activeFraction: activeSum / n, collapsedFraction: collapseSum / n, stoppedByTime });
      if (j.best) {
        tf.dispose(best?.weights ?? []);
        best = { epoch, score: j.score, weights: embedder.model.getWeights().map((w) => w.clone()) };
      }
      if (j.improved) lastImproved = Math.max(lastImproved, epoch);
      if (epoch - lastImproved >= spec.patience || stoppedByTime) break;
    }
    const bestOut = best && { epoch: best.epoch, score: best.score };
    const keep = spec.finish?.(bestOut) ?? false;
    if (!keep && best) embedder.model.setWeights(best.weights);
    return { best: bestOut, steps: step, stoppedByTime };
  } finally {
    tf.dispose(best?.weights ?? []);
    optimizer.dispose();
  }
}
