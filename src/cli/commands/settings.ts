/** threshold and calibrate: the accept threshold of verify and identify. */
import { InvalidArgumentError, VoxprintError } from '../../errors';
import { llrToProbability } from '../../calibration/calibration';
import { boundText } from '../../eval/store-threshold';
import { LLR_THRESHOLD_LIMIT } from '../../speakers/schema';
import { numberOption, type CommandSpec } from '../command';
import { pct } from '../io';
import { probabilityText } from './verify';

/** "llr 0.812 (P(same speaker) 69.3%)": an llr threshold with the probability it stands for. */
function llrText(t: number): string {
  return `llr ${t.toFixed(4)} (P(same speaker) ${probabilityText(llrToProbability(t))})`;
}

export const threshold: CommandSpec = {
  name: 'threshold',
  args: '[VALUE]',
  summary: 'Show the accept threshold, or set it (a cosine score from -1 to 1, or with --llr a calibrated llr) for this store.',
  description:
    "Without an override the model's threshold applies: with a calibrated model (models/default is) verify accepts when the calibrated " +
    "log-likelihood ratio reaches the model's llr threshold; `calibrate --apply` (or --llr VALUE) replaces that llr threshold for this store, " +
    'keeping the calibration. A cosine VALUE replaces the calibrated decision with a plain cosine comparison. A higher threshold means fewer ' +
    'false accepts and more false rejects. --json: {threshold, override, scale}: the threshold in use, the store\'s override (null: none), and ' +
    "whether they are cosines or llrs.",
  minArgs: 0,
  maxArgs: 1,
  options: {
    reset: { type: 'boolean', help: "drop the override (cosine or llr) and use the model's threshold" },
    llr: { type: 'boolean', help: `VALUE is a calibrated model's llr threshold (natural log, -${LLR_THRESHOLD_LIMIT} to ${LLR_THRESHOLD_LIMIT}), not a cosine` },
  },
  examples: ['voxprint threshold', 'voxprint threshold 0.65', 'voxprint threshold 1.5 --llr', 'voxprint threshold --reset'],
  async run(ctx, values, [value]) {
    if (value !== undefined && values.reset) throw new InvalidArgumentError('Give a VALUE or --reset, not both.');
    if (values.llr && value === undefined) throw new InvalidArgumentError('--llr says how to read VALUE: give one, e.g. "voxprint threshold 1.5 --llr".');
    const engine = await ctx.engine({ model: value === undefined && !values.reset });
    if (values.reset) await engine.resetThreshold();
    else if (value !== undefined && values.llr) await engine.setThreshold(numberOption('The llr threshold', value, -LLR_THRESHOLD_LIMIT, LLR_THRESHOLD_LIMIT)!, 'llr');
    else if (value !== undefined) await engine.setThreshold(numberOption('The threshold', value, -1, 1)!);
    const s = engine.store.settings();
    const llr = engine.hasModel ? engine.llrThreshold() : s.llrThreshold;
    const scale = llr !== undefined ? 'llr' : 'cosine';
    const override = scale === 'llr' ? s.llrThreshold : s.threshold;
    const t = llr ?? override ?? (engine.hasModel ? engine.threshold() : undefined);
    const where = `set for the store ${engine.store.dir}`;
    const text =
      scale === 'llr'
        ? override !== undefined
          ? `Threshold: ${llrText(override)}, ${where}; it replaces the model's llr threshold, the model's calibration stays.\n`
          : `Threshold: ${llrText(llr!)}, the model's calibrated decision.\n`
        : override !== undefined
          ? `Threshold: ${override} (cosine, ${where}).\n`
          : `Threshold: ${t} (the model card's calibrated value)${s.llrThreshold !== undefined ? `; this model has no score calibration, so the store's ${llrText(s.llrThreshold)} does not apply to it` : ''}.\n`;
    ctx.out(text, { threshold: t ?? null, override: override ?? null, scale });
  },
};

export const calibrate: CommandSpec = {
  name: 'calibrate',
  args: '',
  summary: "Leave-one-out trials over the enrolled speakers' own takes: EER, and a threshold that is safe to use.",
  description:
    'Needs two or more speakers, at least one with several takes. With a calibrated model (models/default is) the trials are scored as ' +
    "verify scores them, as calibrated log-likelihood ratios (llr), and the recommendation is an llr threshold that replaces the model's " +
    'own while keeping its calibration. The recommended threshold sits inside the gap between same- and ' +
    "different-speaker scores when they separate, and stays close to the model's validated threshold until there are many trials " +
    "(takes made in one sitting flatter the same-speaker scores). --apply stores it as the store's threshold; with too few trials or " +
    'near-duplicate takes it asks for --yes first. --json: the trials and advice, with "scale" ("llr" or "cosine") and, for llrs, ' +
    '"thresholdProbability" (P(same speaker) at the recommended threshold).',
  minArgs: 0,
  maxArgs: 0,
  options: {
    apply: { type: 'boolean', help: 'use the recommended threshold from now on' },
    yes: { type: 'boolean', help: 'with --apply: apply it even when the trials are too few or near-duplicates' },
  },
  examples: ['voxprint calibrate', 'voxprint calibrate --apply', 'voxprint calibrate --apply --yes'],
  async run(ctx, values) {
    const engine = await ctx.engine();
    const r = await engine.calibrate();
    const a = r.advice;
    const llr = r.scale === 'llr';
    const num = (t: number) => (llr ? llrText(t) : t.toFixed(4));
    if (values.apply && a.needsConfirmation && !values.yes)
      throw new VoxprintError(
        'NEEDS_CONFIRMATION',
        `The recommended threshold ${num(a.threshold)} was not applied: ${a.reasons.join(' ')} Run "voxprint calibrate --apply --yes" to apply it anyway.`,
      );
    const limit = llr ? LLR_THRESHOLD_LIMIT : 1;
    if (values.apply) await engine.setThreshold(Math.max(-limit, Math.min(limit, a.threshold)), r.scale);
    const tar = r.targetScores.length;
    const bounds = a.validation.map((v) => `${v.name}: false accepts ${boundText(v.far)}, false rejects ${boundText(v.frr)}`).join('; ');
    const validation = !a.validation.length
      ? "The model's card records no validation trials: the rates there are unknown.\n"
      : llr
        ? `On the held-out train speakers the model's calibration was fitted on (their rates are recorded at the model's llr threshold only): ` +
          a.validation.map((v) => `false accepts ${boundText(v.far)}, false rejects ${boundText(v.frr)}`).join('; ') +
          '.\n'
        : `On the model's validation trials (its card records their rates only at each set's EER point): ${bounds}.\n`;
    const kind = llr ? 'llrs' : 'scores';
    const where = a.gap
      ? `inside the gap between different-speaker ${kind} (up to ${a.gap[0].toFixed(4)}) and same-speaker ${kind} (from ${a.gap[1].toFixed(4)})`
      : "from these trials' EER threshold";
    ctx.out(
      `${r.trials} trials (${tar} target, ${r.trials - tar} non-target) from the enrolled takes` +
        `${llr ? ", scored as calibrated llrs (the model's calibration, with each side's seconds of speech)" : ''}\n` +
        `EER ${pct(r.eer)} (at ${llr ? 'llr ' : 'threshold '}${r.eerThreshold.toFixed(4)} on these trials alone)\n` +
        `Recommended threshold ${num(a.threshold)}${values.apply ? ' (now in use)' : ' (use --apply to use it)'}: ${where}, ` +
        `weighed against the model's validated ${num(a.prior)}.\n` +
        (llr ? "It replaces the model's llr threshold for this store; the model's calibration stays.\n" : '') +
        `At it, on these trials: ${pct(a.rates.far)} false accepts, ${pct(a.rates.frr)} false rejects.\n` +
        validation +
        a.notes.map((n) => `note: ${n}\n`).join('') +
        a.reasons.map((n) => `warning: ${n}\n`).join(''),
      { ...r, ...(llr ? { thresholdProbability: llrToProbability(a.threshold) } : {}), applied: Boolean(values.apply) },
    );
  },
};
