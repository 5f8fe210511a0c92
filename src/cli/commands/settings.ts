/** threshold and calibrate: the accept threshold of verify and identify. */
import { InvalidArgumentError, VoxprintError } from '../../errors';
import { boundText } from '../../eval/store-threshold';
import { numberOption, type CommandSpec } from '../command';
import { pct } from '../io';

export const threshold: CommandSpec = {
  name: 'threshold',
  args: '[VALUE]',
  summary: 'Show the accept threshold, or set it (a cosine score from -1 to 1) for this store.',
  description: 'Without an override the model card\'s calibrated threshold applies. A higher threshold means fewer false accepts and more false rejects.',
  minArgs: 0,
  maxArgs: 1,
  options: { reset: { type: 'boolean', help: "drop the override and use the model card's threshold" } },
  examples: ['voxprint threshold', 'voxprint threshold 0.65', 'voxprint threshold --reset'],
  async run(ctx, values, [value]) {
    if (value !== undefined && values.reset) throw new InvalidArgumentError('Give a VALUE or --reset, not both.');
    const engine = await ctx.engine({ model: value === undefined && !values.reset });
    if (values.reset) await engine.resetThreshold();
    else if (value !== undefined) await engine.setThreshold(numberOption('The threshold', value, -1, 1)!);
    const override = engine.store.settings().threshold;
    const t = override ?? (engine.hasModel ? engine.threshold() : undefined);
    ctx.out(
      override !== undefined ? `Threshold: ${override} (set for the store ${engine.store.dir}).\n` : `Threshold: ${t} (the model card's calibrated value).\n`,
      { threshold: t ?? null, override: override ?? null },
    );
  },
};

export const calibrate: CommandSpec = {
  name: 'calibrate',
  args: '',
  summary: "Leave-one-out trials over the enrolled speakers' own takes: EER, and a threshold that is safe to use.",
  description:
    'Needs two or more speakers, at least one with several takes. The recommended threshold sits inside the gap between same- and ' +
    "different-speaker scores when they separate, and stays close to the model's validated threshold until there are many trials " +
    "(takes made in one sitting flatter the same-speaker scores). --apply stores it as the store's threshold; with too few trials or " +
    'near-duplicate takes it asks for --yes first.',
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
    if (values.apply && a.needsConfirmation && !values.yes)
      throw new VoxprintError(
        'NEEDS_CONFIRMATION',
        `The recommended threshold ${a.threshold.toFixed(4)} was not applied: ${a.reasons.join(' ')} Run "voxprint calibrate --apply --yes" to apply it anyway.`,
      );
    if (values.apply) await engine.setThreshold(Math.max(-1, Math.min(1, a.threshold)));
    const tar = r.targetScores.length;
    const validation = a.validation.length
      ? "On the model's validation trials (its card records their rates only at each set's EER point): " +
        a.validation.map((v) => `${v.name}: false accepts ${boundText(v.far)}, false rejects ${boundText(v.frr)}`).join('; ') +
        '.\n'
      : "The model's card records no validation trials: the rates there are unknown.\n";
    const where = a.gap
      ? `inside the gap between different-speaker scores (up to ${a.gap[0].toFixed(4)}) and same-speaker scores (from ${a.gap[1].toFixed(4)})`
      : "from these trials' EER threshold";
    ctx.out(
      `${r.trials} trials (${tar} target, ${r.trials - tar} non-target) from the enrolled takes\n` +
        `EER ${pct(r.eer)} (at threshold ${r.eerThreshold.toFixed(4)} on these trials alone)\n` +
        `Recommended threshold ${a.threshold.toFixed(4)}${values.apply ? ' (now in use)' : ' (use --apply to use it)'}: ${where}, ` +
        `weighed against the model's validated ${a.prior.toFixed(4)}.\n` +
        `At it, on these trials: ${pct(a.rates.far)} false accepts, ${pct(a.rates.frr)} false rejects.\n` +
        validation +
        a.notes.map((n) => `note: ${n}\n`).join('') +
        a.reasons.map((n) => `warning: ${n}\n`).join(''),
      { ...r, applied: Boolean(values.apply) },
    );
  },
};
