/**
 * `voxprint finetune`: adapts the model in use to the enrolled speakers (and optional folders of
 * recordings) with src/train/finetune, saves a new model version in the store, and makes it the
 * model in use only when it is kept (by default: only if the held-out EER did not get worse).
 */
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import { builtinModelDir } from '../../model/resolve';
import { defaultStoreDir } from '../../speakers/home';
import type { FinetuneEvent } from '../../train/finetune';
import { ChannelAug, FreezeMode, KeepPolicy } from '../../train/vocab';
import { finetuneVerdict } from '../../train/finetune-verdict';
import { choiceOption, intOption, numberOption, type CommandSpec } from '../command';
import { LOSS_OPTIONS, lossChoices } from './loss-options';
import { pct } from '../io';

export const finetuneCmd: CommandSpec = {
  name: 'finetune',
  args: '',
  summary: "Fine-tune the model in use on the enrolled speakers' recordings (and --data folders); saves a new model version.",
  description:
    "Each speaker's recordings are split into a fine-tune part and a held-out part first, and the EER on the held-out trials is " +
    'measured before and after (with too little data: a leave-one-out estimate, which it says). Semi-hard triplets, a low learning ' +
    'rate, and a replay of the original training speakers when they are on this computer. The new version is saved in the store ' +
    '(voxprint models list); with --keep auto (the default) it becomes the model in use only if the held-out EER did not get worse, ' +
    'and every profile is re-embedded first (a failure keeps the old model). Ctrl-C stops it cleanly.',
  minArgs: 0,
  maxArgs: 0,
  options: {
    data: { type: 'string', multiple: true, value: 'DIR', help: 'also fine-tune on DIR/SPEAKER/*.{wav,flac,mp3,ogg} (repeatable)' },
    'no-enrolled': { type: 'boolean', help: "leave the enrolled speakers' recordings out (use only --data)" },
    epochs: { type: 'string', value: 'N', help: 'epochs (default 5; stops early when the held-out EER stops improving)' },
    steps: { type: 'string', value: 'N', help: 'steps per epoch (default: about one pass over the local recordings)' },
    ...LOSS_OPTIONS,
    lr: { type: 'string', value: 'LR', help: 'learning rate (default 0.0002)' },
    anchor: { type: 'string', value: 'A', help: 'L2-SP: pull the weights towards the current model with strength A (default 0.5; 0: off)' },
    freeze: { type: 'string', value: 'WHAT', help: 'none, or frame: keep the frame-level layers fixed (faster, gentler)' },
    augment: { type: 'string', value: 'LIST', help: `comma-separated channel augmentations: ${ChannelAug.options.join(', ')}` },
    'no-replay': { type: 'boolean', help: 'do not mix in the original training speakers' },
    'replay-data': { type: 'string', value: 'DIR', help: 'where the original training data is (default ../shared/data)' },
    keep: { type: 'string', value: 'WHEN', help: 'auto (use it if the held-out EER did not get worse; default), always, never' },
    seed: { type: 'string', value: 'S', help: 'random seed (split, batches)' },
  },
  examples: [
    'voxprint finetune',
    'voxprint finetune --data ~/voices --epochs 8 --json',
    'voxprint finetune --loss contrastive --keep never',
    'voxprint models rollback',
  ],
  async run(ctx, v) {
    const augment = v.augment === undefined ? undefined : String(v.augment).split(',').map((a) => choiceOption('augment', a.trim(), ChannelAug.options)!);
    const opts = {
      storeDir: ctx.storeDir ?? defaultStoreDir(ctx.io.env),
      builtinDir: builtinModelDir(ctx.io.env),
      ...(ctx.modelDir ? { modelDir: path.resolve(ctx.modelDir) } : {}),
      data: ((v.data as string[] | undefined) ?? []).map((d) => path.resolve(d)),
      useEnrolled: !v['no-enrolled'],
      replay: !v['no-replay'],
      cacheDir: ctx.io.env.VOXPRINT_CACHE ? path.resolve(ctx.io.env.VOXPRINT_CACHE) : undefined,
      ...(v['replay-data'] ? { replayData: path.resolve(v['replay-data'] as string) } : {}),
      ...(v.epochs ? { epochs: intOption('epochs', v.epochs, 1, 200) } : {}),
      ...(v.steps ? { stepsPerEpoch: intOption('steps', v.steps, 1, 10_000) } : {}),
      ...lossChoices(v),
      ...(v.lr ? { lr: numberOption('--lr', v.lr, 1e-8, 1) } : {}),
      ...(v.anchor ? { anchor: numberOption('--anchor', v.anchor, 0, 1000) } : {}),
      ...(v.freeze ? { freeze: choiceOption('freeze', v.freeze, FreezeMode.options) } : {}),
      ...(augment ? { augment } : {}),
      ...(v.keep ? { keep: choiceOption('keep', v.keep, KeepPolicy.options) } : {}),
      ...(v.seed ? { seed: intOption('seed', v.seed, -(2 ** 31), 2 ** 31 - 1) } : {}),
    };
    if (!opts.useEnrolled && opts.data.length === 0) throw new InvalidArgumentError('With --no-enrolled, give the recordings with --data DIR.');
    const say = (t: string) => {
      ctx.progress.clear();
      ctx.io.stderr(t);
    };
    let estimate = 'held-out';
    const onEvent = (e: FinetuneEvent) => {
      if (e.type === 'data') estimate = e.estimate;
      if (e.type === 'data') say(`${e.recordings} recordings of ${e.speakers.length} speakers. ${e.note}\n`);
      else if (e.type === 'replay') say(`${e.reason}\n`);
      else if (e.type === 'features') ctx.progress.update('reading recordings', e.done, e.total);
      else if (e.type === 'baseline') say(`EER before fine-tuning: ${pct(e.eer)} (${e.estimate}, ${e.targets} target / ${e.nontargets} non-target trials)\n`);
      else if (e.type === 'step') ctx.progress.update(`fine-tuning (loss ${e.loss.toFixed(3)})`, e.step, e.totalSteps);
      else if (e.type === 'epoch')
        say(
          `epoch ${e.epoch}/${e.epochs}: loss ${e.loss.toFixed(4)}, active ${pct(e.activeFraction, 1)}, collapsed ${pct(e.collapsedFraction, 1)}, ` +
            `${estimate} EER ${pct(e.heldOutEer)}${e.best ? ' (best so far)' : ''}\n`,
        );
      else if (e.type === 'activating') ctx.progress.update('re-embedding the profiles', e.done, e.total);
    };
    const { finetune } = await import('../../train/finetune');
    const r = await finetune(opts, onEvent, ctx.signal);
    ctx.progress.clear();
    const verdict = finetuneVerdict(r);
    ctx.out(
      `Fine-tuned ${r.parentId} into ${r.versionId} in ${Math.round(r.seconds)} s (${r.epochs} epoch(s), ${r.steps} steps, best epoch ${r.bestEpoch}).\n` +
        `EER on the ${r.estimate} local trials (${r.targets} target, ${r.nontargets} non-target): ${pct(r.eerBefore)} before, ${pct(r.eerAfter)} after.\n` +
        `${verdict.text}\n` +
        `${r.activation}\n`,
      {
        versionId: r.versionId,
        dir: r.dir,
        parentId: r.parentId,
        eerBefore: r.eerBefore,
        eerAfter: r.eerAfter,
        estimate: r.estimate,
        targets: r.targets,
        nontargets: r.nontargets,
        improved: r.improved,
        verdict: verdict.kind,
        separationBefore: r.separationBefore,
        separationAfter: r.separationAfter,
        activated: r.activated,
        activation: r.activation,
        reembedded: r.reembedded,
        epochs: r.epochs,
        bestEpoch: r.bestEpoch,
        steps: r.steps,
        seconds: r.seconds,
        replay: r.replay,
        note: r.note,
        threshold: r.threshold,
        history: r.history,
      },
    );
  },
};
