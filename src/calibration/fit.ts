/**
 * Fitting a ScoreCalibration from measured trials (pure: the trials come from
 * scripts/calibrate-model.ts, which embeds held-out train speakers). Every group of trials (a
 * corpus under one channel condition) weighs the same, so a corpus with many speakers does not
 * set the calibration for all of them.
 */
import { fitLogRegWeighted, type WeightedRow } from './logreg';
import { cllr, minCllr, ratesAt } from './metrics';
import { linearLlr, trialFeatures, type CalibrationFeature, type TrialMeasures } from './calibration';

export interface MeasuredTrial extends TrialMeasures {
  target: boolean;
  /** Corpus and condition, e.g. "speechocean762/telephone": each group weighs the same. */
  group: string;
  /** Speaker of the enrollment side (for speaker-disjoint cross-validation). */
  speaker: string;
}

export interface FittedCalibration {
  features: CalibrationFeature[];
  weights: number[];
  bias: number;
}

function weightedRows(trials: MeasuredTrial[], features: readonly CalibrationFeature[]): WeightedRow[] {
  const count = new Map<string, number>();
  const key = (t: MeasuredTrial) => `${t.group}|${t.target}`;
  for (const t of trials) count.set(key(t), (count.get(key(t)) ?? 0) + 1);
  return trials.map((t) => ({ x: trialFeatures(features, t), target: t.target, weight: 1 / count.get(key(t))! }));
}

export function fitCalibration(trials: MeasuredTrial[], features: CalibrationFeature[]): FittedCalibration {
  const fit = fitLogRegWeighted(weightedRows(trials, features), { ridge: 1e-3 });
  return { features, weights: fit.weights, bias: fit.bias };
}

export function applyCalibration(c: FittedCalibration, t: MeasuredTrial): number {
  return linearLlr(c, t);
}

/**
 * The llr threshold at which the group-weighted false-accept rate is `far` (each group's
 * non-targets weigh the same in total), and the group-weighted false-reject rate there.
 */
export function thresholdForWeightedFar(trials: MeasuredTrial[], llr: number[], far: number): { threshold: number; falseAcceptRate: number; falseRejectRate: number } {
  const rows = weightedRows(trials, []);
  const non = trials.map((t, i) => ({ s: llr[i], w: rows[i].weight, target: t.target })).filter((r) => !r.target);
  const totalN = non.reduce((a, r) => a + r.w, 0);
  non.sort((a, b) => b.s - a.s);
  let acc = 0;
  let threshold = non[0].s + 1e-6;
  for (const r of non) {
    if ((acc + r.w) / totalN > far) break;
    acc += r.w;
    threshold = r.s;
  }
  const tar = trials.map((t, i) => ({ s: llr[i], w: rows[i].weight, target: t.target })).filter((r) => r.target);
  const totalT = tar.reduce((a, r) => a + r.w, 0);
  const fr = tar.filter((r) => r.s < threshold).reduce((a, r) => a + r.w, 0) / totalT;
  return { threshold, falseAcceptRate: acc / totalN, falseRejectRate: fr };
}

/** Cllr, minCllr and error rates at a threshold, per group and pooled (unweighted). */
export function describe(trials: MeasuredTrial[], llr: number[], threshold: number) {
  const groups = [...new Set(trials.map((t) => t.group))].sort();
  const one = (idx: number[]) => {
    const tar = idx.filter((i) => trials[i].target).map((i) => llr[i]);
    const non = idx.filter((i) => !trials[i].target).map((i) => llr[i]);
    return { cllr: cllr(tar, non), minCllr: minCllr(tar, non), ...ratesAt(tar, non, threshold), trials: idx.length };
  };
  const all = trials.map((_, i) => i);
  return { pooled: one(all), byGroup: Object.fromEntries(groups.map((g) => [g, one(all.filter((i) => trials[i].group === g))])) };
}

/**
 * Speaker-disjoint two-fold cross-validation of a feature set: fit on the trials of half the
 * speakers, score the other half, and the reverse. Returns the out-of-fold llrs.
 */
export function crossValidate(trials: MeasuredTrial[], features: CalibrationFeature[]): number[] {
  const speakers = [...new Set(trials.map((t) => t.speaker))].sort();
  const fold = new Map(speakers.map((s, i) => [s, i % 2]));
  const out = new Array<number>(trials.length).fill(0);
  for (const f of [0, 1]) {
    const fitOn = trials.filter((t) => fold.get(t.speaker) !== f);
    const c = fitCalibration(fitOn, features);
    trials.forEach((t, i) => {
      if (fold.get(t.speaker) === f) out[i] = applyCalibration(c, t);
    });
  }
  return out;
}
