/**
 * The threshold a store's own takes may set (`voxprint calibrate --apply`, the Calibrate screen).
 *
 * A household's leave-one-out trials are few, and takes made in one sitting score higher with each
 * other than with a recording made another day. Taking the lowest same-speaker score (the edge of
 * the gap) then locks the speaker out the next day. So:
 * - the trials' own threshold is the middle of the gap when the scores separate, else the EER
 *   threshold;
 * - it is pulled towards the model's validated threshold (the prior) with weight
 *   targets / (targets + PRIOR_TRIALS): a few trials barely move it;
 * - when the scores separate, the result is then kept strictly inside the gap, a tenth of its width
 *   from either edge, so it never sits on a trial's score;
 * - below MIN_TARGET_TRIALS / MIN_NONTARGET_TRIALS, or with near-duplicate takes, `needsConfirmation`
 *   is set with the reasons in words: applying it then needs an explicit yes.
 *
 * Pure and scale-agnostic: only order and differences of the scores matter. A calibrated model's
 * store trials are llrs with the model's llr threshold as the prior; near-duplicates are a matter
 * of the cosine, so that caller counts them itself and passes `nearDuplicates`.
 * The renderer imports it too.
 */
import { ratesAt as errorRatesAt } from '../calibration/metrics';
import { computeEer } from './metrics';

/** Weight of the prior, in target trials: 30 same-speaker trials move the threshold half-way. */
export const PRIOR_TRIALS = 30;
export const MIN_TARGET_TRIALS = 10;
export const MIN_NONTARGET_TRIALS = 10;
/** A same-speaker cosine above this is the same recording, or near enough (default of `nearDuplicate`). */
export const NEAR_DUPLICATE_COSINE = 0.98;
const GAP_MARGIN = 0.1;

export interface Rates {
  /** Share of different-speaker trials accepted (score >= threshold). */
  far: number;
  /** Share of same-speaker trials rejected. */
  frr: number;
}

/**
 * What a model records about its validation trials: the rates at one threshold. A card's
 * `evaluation` has them at each set's EER (far = frr = eer); a calibration's fit at its llr threshold.
 */
export type ValidationPoint = { name: string; threshold: number } & ({ eer: number; at?: undefined } | { eer?: undefined; at: { far: number; frr: number } });

/** Rates on a validation set at another threshold, as bounds: the card has them only at its EER point. */
export interface ValidationRates {
  name: string;
  threshold: number;
  /** Set when the recorded point was the set's EER. */
  eer?: number;
  far: [number, number];
  frr: [number, number];
}

export interface ThresholdAdvice {
  threshold: number;
  /** The model's validated threshold the trials are weighed against. */
  prior: number;
  /** What the trials alone suggest: the gap's middle, or the EER threshold. */
  fromTrials: number;
  /** Weight of the trials against the prior, in [0, 1). */
  weight: number;
  /** [highest different-speaker score, lowest same-speaker score] when they separate. */
  gap: [number, number] | null;
  targets: number;
  nontargets: number;
  /** Rates on these trials at `threshold`. */
  rates: Rates;
  /** Rates on the model's validation trials (bounds); empty when the card has none. */
  validation: ValidationRates[];
  nearDuplicates: number;
  /** True when applying should ask first; `reasons` says why. */
  needsConfirmation: boolean;
  reasons: string[];
  /** Things to know either way (same-sitting takes, missing validation figures). */
  notes: string[];
}

export interface AdviceOptions {
  /** Validation figures of the model (see validationPoints). */
  validation?: ValidationPoint[];
  /** Same-speaker scores above this count as near-duplicate takes (default NEAR_DUPLICATE_COSINE). */
  nearDuplicate?: number;
  /**
   * The number of near-duplicate same-speaker trials, counted by the caller (on the cosines, when
   * the scores are llrs); replaces the count at `nearDuplicate`.
   */
  nearDuplicates?: number;
}

/** Rates at a threshold; a trial is accepted when its score >= threshold. */
export function ratesAt(threshold: number, targets: readonly number[], nontargets: readonly number[]): Rates {
  const r = errorRatesAt(targets, nontargets, threshold);
  return { far: r.falseAcceptRate, frr: r.falseRejectRate };
}

/** The model's validation EER points from its card's `evaluation` (entries named validation/...). */
export function validationPoints(evaluation: Record<string, { eer?: number; eerThreshold?: number } | undefined>): ValidationPoint[] {
  return Object.entries(evaluation)
    .filter(([k, v]) => k.startsWith('validation/') && typeof v?.eer === 'number' && typeof v?.eerThreshold === 'number')
    .map(([k, v]) => ({
      name: k.slice('validation/'.length),
      eer: v!.eer!,
      threshold: v!.eerThreshold!,
    }));
}

/** Bounds on a validation set's rates at `t`, from its recorded point: above it fewer false accepts, more false rejects. */
export function validationRates(t: number, p: ValidationPoint): ValidationRates {
  const same = Math.abs(t - p.threshold) < 1e-9;
  const above = t > p.threshold;
  const { far, frr } = p.at ?? { far: p.eer, frr: p.eer };
  return {
    name: p.name,
    threshold: p.threshold,
    ...(p.eer !== undefined ? { eer: p.eer } : {}),
    far: same ? [far, far] : above ? [0, far] : [far, 1],
    frr: same ? [frr, frr] : above ? [frr, 1] : [0, frr],
  };
}

/** The threshold to recommend for these leave-one-out trials; see the file comment for the rule. */
export function adviseThreshold(targets: readonly number[], nontargets: readonly number[], prior: number, opts: AdviceOptions = {}): ThresholdAdvice {
  const nT = targets.length;
  const nN = nontargets.length;
  const reasons: string[] = [];
  const notes: string[] = [];
  const validation = opts.validation ?? [];
  const nearDup = opts.nearDuplicate ?? NEAR_DUPLICATE_COSINE;
  const nearDuplicates = opts.nearDuplicates ?? targets.filter((s) => s > nearDup).length;
  if (nT === 0 || nN === 0) {
    reasons.push("There are no same-speaker or no different-speaker trials: the model's validated threshold is kept.");
    return {
      threshold: prior,
      prior,
      fromTrials: prior,
      weight: 0,
      gap: null,
      targets: nT,
      nontargets: nN,
      rates: ratesAt(prior, targets, nontargets),
      validation: validation.map((v) => validationRates(prior, v)),
      nearDuplicates,
      needsConfirmation: true,
      reasons,
      notes,
    };
  }
  const lowTarget = Math.min(...targets);
  const highNon = Math.max(...nontargets);
  const gap: [number, number] | null = lowTarget > highNon ? [highNon, lowTarget] : null;
  const fromTrials = gap ? (gap[0] + gap[1]) / 2 : computeEer(targets, nontargets).threshold;
  const weight = nT / (nT + PRIOR_TRIALS);
  let threshold = prior + weight * (fromTrials - prior);
  if (gap) {
    const m = GAP_MARGIN * (gap[1] - gap[0]);
    threshold = Math.min(gap[1] - m, Math.max(gap[0] + m, threshold));
  }
  if (nT < MIN_TARGET_TRIALS || nN < MIN_NONTARGET_TRIALS)
    reasons.push(
      `Only ${nT} same-speaker and ${nN} different-speaker trials (at least ${MIN_TARGET_TRIALS} and ${MIN_NONTARGET_TRIALS} are needed for a figure to lean on): ` +
        'enroll more takes, or more speakers.',
    );
  if (nearDuplicates > 0)
    reasons.push(
      `${nearDuplicates} same-speaker trial(s) ${opts.nearDuplicates === undefined ? 'score' : 'have a cosine'} above ${nearDup}: those takes are (nearly) the same recording, which makes the speaker look easier to recognise than they are. ` +
        'Record each take separately, saying something different.',
    );
  notes.push(
    'Takes recorded in one sitting score higher with each other than with a recording made on another day, so these trials flatter the same-speaker scores; ' +
      `the threshold stays close to the model's validated ${prior.toFixed(3)} until there are many trials (weight of these trials: ${Math.round(100 * weight)} %).`,
  );
  if (validation.length === 0) notes.push("The model's card records no validation trials, so the rates there are unknown.");
  return {
    threshold,
    prior,
    fromTrials,
    weight,
    gap,
    targets: nT,
    nontargets: nN,
    rates: ratesAt(threshold, targets, nontargets),
    validation: validation.map((v) => validationRates(threshold, v)),
    nearDuplicates,
    needsConfirmation: reasons.length > 0,
    reasons,
    notes,
  };
}

/** "at most 5.0 %" / "at least 5.0 %" / "5.0 %" for a bound pair from ValidationRates. */
export function boundText(b: [number, number], digits = 1): string {
  const p = (x: number) => `${(100 * x).toFixed(digits)} %`;
  if (b[0] === b[1]) return p(b[0]);
  if (b[0] <= 0 && b[1] >= 1) return 'not recorded';
  return b[1] >= 1 ? `at least ${p(b[0])}` : `at most ${p(b[1])}`;
}
