/** threshold and calibrate: the accept threshold of verify and identify. */
import { InvalidArgumentError } from '../../errors';
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
  summary: "Leave-one-out trials over the enrolled speakers' own takes: EER and the threshold at the EER.",
  description: 'Needs two or more speakers, at least one with several takes. --apply stores the EER threshold as the store\'s threshold.',
  minArgs: 0,
  maxArgs: 0,
  options: { apply: { type: 'boolean', help: 'use the threshold at the EER from now on' } },
  examples: ['voxprint calibrate', 'voxprint calibrate --apply'],
  async run(ctx, values) {
    const engine = await ctx.engine();
    const r = await engine.calibrate();
    if (values.apply) await engine.setThreshold(Math.max(-1, Math.min(1, r.eerThreshold)));
    const tar = r.targetScores.length;
    ctx.out(
      `${r.trials} trials (${tar} target, ${r.trials - tar} non-target) from the enrolled takes\n` +
        `EER ${pct(r.eer)} at threshold ${r.eerThreshold.toFixed(4)}${values.apply ? ' (now in use)' : ' (use --apply to use it)'}\n` +
        (tar < 30 ? 'Few target trials: the estimate is rough. Enroll more takes per speaker for a better one.\n' : ''),
      { ...r, applied: Boolean(values.apply) },
    );
  },
};
