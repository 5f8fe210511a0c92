/**
 * P x K batch sampling with per-corpus quotas and two crop regimes:
 * - "multi-clip" speakers (many short files: isolated words, keywords) give K different files,
 *   cropped to the batch's short length (short-word lists are what generalises worst, so they get
 *   a fixed share of every batch, whatever their share of the data);
 * - "single-utterance" speakers (LibriSpeech train-clean-100: one ~14 s file) give K crops from K
 *   different segments of the utterance, so positives never overlap.
 * All crops of one sub-batch have one length (one tensor); the two sub-batches run separately.
 */
import type { FeatureMatrix } from '../model/preprocess';
import { pickDistinct, type Rng } from '../util/rng';

export interface TrainItem {
  f: FeatureMatrix;
  /** Class label: a speaker at one speed (speed-perturbed copies are new speakers). */
  label: number;
  corpus: string;
  /** The source file, so a multi-clip speaker's K picks come from different files. */
  source: number;
}

export interface SamplerOptions {
  p: number;
  k: number;
  /** Share of the P speakers per corpus (normalised); corpora missing here share what is left equally. */
  quotas: Record<string, number>;
  /** Crop length range in frames for multi-clip speakers (capped by the shortest pick). */
  shortCrop: [number, number];
  /** Crop length range in frames for single-utterance speakers. */
  longCrop: [number, number];
  /**
   * Multi-clip picks are sorted by length and split into this many sub-batches, each cropped to its
   * own shortest pick, so one very short word does not shorten every crop of the batch.
   */
  shortGroups?: number;
}

export interface SubBatch {
  items: { f: FeatureMatrix; start: number }[];
  labels: number[];
  length: number;
}

interface LabelInfo {
  label: number;
  corpus: string;
  items: number[];
  multiClip: boolean;
}

export class PKSampler {
  private readonly byCorpus = new Map<string, LabelInfo[]>();
  private readonly shares: [string, number][];

  constructor(
    private readonly items: TrainItem[],
    private readonly opts: SamplerOptions,
  ) {
    const labels = new Map<number, LabelInfo>();
    items.forEach((it, i) => {
      let li = labels.get(it.label);
      if (!li) labels.set(it.label, (li = { label: it.label, corpus: it.corpus, items: [], multiClip: false }));
      li.items.push(i);
    });
    for (const li of labels.values()) {
      li.multiClip = new Set(li.items.map((i) => items[i].source)).size >= opts.k;
      const list = this.byCorpus.get(li.corpus) ?? [];
      list.push(li);
      this.byCorpus.set(li.corpus, list);
    }
    const corpora = [...this.byCorpus.keys()].sort();
    const given = corpora.filter((c) => opts.quotas[c] !== undefined);
    const givenSum = given.reduce((s, c) => s + opts.quotas[c], 0);
    const rest = corpora.length - given.length;
    const left = Math.max(0, 1 - givenSum);
    this.shares = corpora.map((c) => [c, opts.quotas[c] ?? (rest ? left / rest : 0)]);
    const total = this.shares.reduce((s, [, q]) => s + q, 0) || 1;
    this.shares = this.shares.map(([c, q]) => [c, q / total]);
  }

  /** Number of speakers per corpus in each batch (at least 1 where the share is positive). */
  perCorpus(): Map<string, number> {
    const m = new Map<string, number>();
    let assigned = 0;
    this.shares.forEach(([c, q], i) => {
      const n = i === this.shares.length - 1 ? this.opts.p - assigned : Math.max(q > 0 ? 1 : 0, Math.round(q * this.opts.p));
      const avail = this.byCorpus.get(c)!.length;
      m.set(c, Math.max(0, Math.min(n, avail)));
      assigned += n;
    });
    return m;
  }

  /** Draws one batch as sub-batches of equal crop length (multi-clip groups, then single-utterance). */
  sampleGroups(rng: Rng): SubBatch[] {
    const { shortPicks, longPicks } = this.pick(rng);
    const groups = Math.max(1, this.opts.shortGroups ?? 1);
    const sorted = [...shortPicks].sort((a, b) => this.items[a.item].f.numFrames - this.items[b.item].f.numFrames);
    const size = Math.ceil(sorted.length / groups);
    const out: SubBatch[] = [];
    const [lo, hi] = this.opts.shortCrop;
    const length = lo + rng.int(hi - lo + 1);
    for (let g = 0; g < sorted.length; g += size) out.push(this.cropShort(sorted.slice(g, g + size), rng, length));
    out.push(this.cropLong(longPicks, rng));
    return out.filter((b) => b.items.length > 0);
  }

  /** Draws one batch: the multi-clip and single-utterance sub-batches (either may be empty). */
  sample(rng: Rng): { short: SubBatch; long: SubBatch } {
    const { shortPicks, longPicks } = this.pick(rng);
    return { short: this.cropShort(shortPicks, rng), long: this.cropLong(longPicks, rng) };
  }

  private pick(rng: Rng): { shortPicks: { item: number; label: number }[]; longPicks: { item: number; label: number; seg: number }[] } {
    const { k } = this.opts;
    const shortPicks: { item: number; label: number }[] = [];
    const longPicks: { item: number; label: number; seg: number }[] = [];
    for (const [corpus, n] of this.perCorpus()) {
      const pool = this.byCorpus.get(corpus)!;
      const chosen = pickDistinct(pool.length, n, rng).map((i) => pool[i]);
      for (const li of chosen) {
        if (li.multiClip) {
          // K different source files (any channel variant of each)
          const bySource = new Map<number, number[]>();
          for (const i of li.items) {
            const s = this.items[i].source;
            bySource.set(s, [...(bySource.get(s) ?? []), i]);
          }
          const sources = [...bySource.values()];
          for (const si of pickDistinct(sources.length, k, rng)) {
            const alts = sources[si];
            shortPicks.push({ item: alts[rng.int(alts.length)], label: li.label });
          }
        } else {
          for (let j = 0; j < k; j++) longPicks.push({ item: li.items[rng.int(li.items.length)], label: li.label, seg: j });
        }
      }
    }
    return { shortPicks, longPicks };
  }

  private cropShort(picks: { item: number; label: number }[], rng: Rng, maxLength?: number): SubBatch {
    if (!picks.length) return { items: [], labels: [], length: 0 };
    const [lo, hi] = this.opts.shortCrop;
    let length = maxLength ?? lo + rng.int(hi - lo + 1);
    for (const p of picks) length = Math.min(length, this.items[p.item].f.numFrames);
    length = Math.max(1, length);
    return {
      items: picks.map((p) => {
        const f = this.items[p.item].f;
        return { f, start: rng.int(f.numFrames - length + 1) };
      }),
      labels: picks.map((p) => p.label),
      length,
    };
  }

  private cropLong(picks: { item: number; label: number; seg: number }[], rng: Rng): SubBatch {
    if (!picks.length) return { items: [], labels: [], length: 0 };
    const [lo, hi] = this.opts.longCrop;
    let length = lo + rng.int(hi - lo + 1);
    for (const p of picks) length = Math.min(length, this.items[p.item].f.numFrames);
    const k = this.opts.k;
    return {
      items: picks.map((p) => {
        const n = this.items[p.item].f.numFrames;
        const seg = Math.floor(n / k);
        // inside segment `seg` when it is long enough, else anywhere
        const start = seg >= length ? p.seg * seg + rng.int(seg - length + 1) : rng.int(n - length + 1);
        return { f: this.items[p.item].f, start };
      }),
      labels: picks.map((p) => p.label),
      length,
    };
  }
}
