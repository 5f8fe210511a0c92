/**
 * Seeded P x K batch sampler: every batch holds P distinct speakers with K utterances each, so
 * every anchor has K - 1 positives and (P - 1) K negatives, which is what online mining needs.
 *
 * Coverage: speakers are drawn from a shuffled queue (each speaker once per pass before any
 * repeats), and each speaker's utterances from its own shuffled queue, so an epoch of
 * `batchesPerEpoch` batches sees (nearly) every utterance once. The same seed gives the same
 * batches on every machine.
 *
 * Speakers with fewer than K utterances (`fewerThanK`):
 * - 'replace' (default): all of their utterances, plus draws with replacement from them to fill
 *   K slots. The repeated copies are positives of each other at distance 0 unless augmentation
 *   makes them differ; the mining stats show them as collapsed pairs.
 * - 'skip': such speakers are left out of sampling (listed in `skipped`).
 * A speaker with a single utterance is always skipped: it has no positive pair to offer.
 */
import { InvalidArgumentError, VoxprintError } from '../errors';
import { makeRng, shuffleInPlace, type Rng } from './rng';

export interface PKSamplerOptions {
  /** Speakers per batch, >= 2. */
  p: number;
  /** Utterances per speaker, >= 2. */
  k: number;
  /** Default 0. */
  seed?: number;
  /** Default 'replace'. */
  fewerThanK?: 'replace' | 'skip';
}

export interface PKBatch {
  /** Item indices into the labels given to the sampler, `[P * K]`, speaker by speaker. */
  indices: Int32Array;
  /** Their labels, `[P * K]`. */
  labels: Int32Array;
}

/** A cyclic shuffled queue that never returns the same element twice in one `take`. */
class Queue {
  private order: number[];
  private at = 0;
  constructor(
    private readonly items: number[],
    private readonly rng: Rng,
  ) {
    this.order = items.slice();
    shuffleInPlace(this.order, rng);
  }
  take(n: number): number[] {
    const out: number[] = [];
    while (out.length < n) {
      if (this.at === this.order.length) {
        this.order = this.items.slice();
        shuffleInPlace(this.order, this.rng);
        this.at = 0;
      }
      const x = this.order[this.at++];
      if (!out.includes(x)) out.push(x);
    }
    return out;
  }
}

export class PKSampler {
  /** Labels of the speakers that take part. */
  readonly speakers: number[];
  /** Labels of the speakers left out (a single utterance, or fewer than K with 'skip'). */
  readonly skipped: number[];
  /** floor(usable utterances / (P K)), at least 1. */
  readonly batchesPerEpoch: number;
  private readonly rng: Rng;
  private readonly byLabel = new Map<number, number[]>();
  private readonly itemQueues = new Map<number, Queue>();
  private readonly speakerQueue: Queue;

  /**
   * @param labels one integer speaker label per item of the data set.
   * @throws InvalidArgumentError when P or K is not an integer >= 2;
   * @throws VoxprintError NOT_ENOUGH_DATA when fewer than P speakers are usable.
   */
  constructor(
    labels: ArrayLike<number>,
    private readonly opts: PKSamplerOptions,
  ) {
    for (const [name, v] of [['P (speakers per batch)', opts.p], ['K (utterances per speaker)', opts.k]] as const) {
      if (!Number.isInteger(v) || v < 2) throw new InvalidArgumentError(`${name} is ${v}; it must be an integer >= 2.`);
    }
    for (let i = 0; i < labels.length; i++) {
      const list = this.byLabel.get(labels[i]) ?? [];
      list.push(i);
      this.byLabel.set(labels[i], list);
    }
    const mode = opts.fewerThanK ?? 'replace';
    const all = [...this.byLabel.keys()].sort((a, b) => a - b);
    const usable = (y: number) => {
      const n = this.byLabel.get(y)!.length;
      return n >= 2 && (n >= opts.k || mode === 'replace');
    };
    this.speakers = all.filter(usable);
    this.skipped = all.filter((y) => !usable(y));
    if (this.speakers.length < opts.p) {
      throw new VoxprintError(
        'NOT_ENOUGH_DATA',
        `A batch needs ${opts.p} speakers but only ${this.speakers.length} have enough utterances ` +
          `(at least ${mode === 'skip' ? opts.k : 2}). Add speakers or lower P.`,
      );
    }
    this.rng = makeRng(opts.seed ?? 0);
    this.speakerQueue = new Queue(this.speakers, this.rng);
    for (const y of this.speakers) this.itemQueues.set(y, new Queue(this.byLabel.get(y)!, this.rng));
    const items = this.speakers.reduce((s, y) => s + this.byLabel.get(y)!.length, 0);
    this.batchesPerEpoch = Math.max(1, Math.floor(items / (opts.p * opts.k)));
  }

  /** The next batch. */
  next(): PKBatch {
    const { p, k } = this.opts;
    const indices = new Int32Array(p * k);
    const labels = new Int32Array(p * k);
    this.speakerQueue.take(p).forEach((y, s) => {
      const items = this.byLabel.get(y)!;
      const chosen = this.itemQueues.get(y)!.take(Math.min(k, items.length));
      while (chosen.length < k) chosen.push(items[this.rng.int(items.length)]);
      indices.set(chosen, s * k);
      labels.fill(y, s * k, (s + 1) * k);
    });
    return { indices, labels };
  }

  /** One epoch: `batchesPerEpoch` batches. */
  *epoch(): Generator<PKBatch> {
    for (let i = 0; i < this.batchesPerEpoch; i++) yield this.next();
  }
}
