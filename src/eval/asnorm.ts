/**
 * Adaptive symmetric score normalisation (AS-norm, Matejka et al. 2017): each raw cosine score
 * s(e, t) is normalised by the statistics of the top-k cohort scores of each side,
 *   s' = ((s - mu_e) / sd_e + (s - mu_t) / sd_t) / 2,
 * where mu_e, sd_e are the mean and std of the k highest scores of e against the cohort (here:
 * train-speaker embeddings, never dev), and likewise for t.
 */
import { InvalidArgumentError } from '../errors';
import { CentroidIndex } from '../speakers/scoring';

export interface CohortStats {
  mean: number;
  std: number;
}

export class AsNorm {
  private readonly index: CentroidIndex;
  readonly topK: number;

  /** `cohort`: L2-normalisable embeddings of cohort speakers (one per speaker is typical). */
  constructor(cohort: Float32Array[], topK = 200) {
    if (cohort.length < 2) throw new InvalidArgumentError('AS-norm needs a cohort of at least two speakers.');
    if (!Number.isInteger(topK) || topK < 1) throw new InvalidArgumentError(`AS-norm top-k must be a positive integer, got ${topK}.`);
    this.index = new CentroidIndex(
      cohort.map((c, i) => ({ id: String(i), name: String(i), centroid: c })),
      cohort[0].length,
    );
    this.topK = Math.min(topK, cohort.length);
  }

  get cohortSize(): number {
    return this.index.size;
  }

  /** Mean and std of the top-k cohort scores of one embedding (cache it per embedding). */
  stats(v: Float32Array): CohortStats {
    const s = Array.from(this.index.scores(v)).sort((a, b) => b - a).slice(0, this.topK);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const varc = s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length;
    return { mean, std: Math.sqrt(varc) || 1e-6 };
  }

  normalize(score: number, e: CohortStats, t: CohortStats): number {
    return 0.5 * ((score - e.mean) / e.std + (score - t.mean) / t.std);
  }
}
