/** `voxprint train`: delegates to src/train (a worker thread, so the progress stays live). */
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors';
import type { TrainEvent } from '../../train/trainer';
import { intOption, numberOption, type CommandSpec } from '../command';
import { LOSS_OPTIONS, lossChoices } from './loss-options';
import { pct } from '../io';

export const trainCmd: CommandSpec = {
  name: 'train',
  args: '--out DIR',
  summary: 'Train a speaker embedder and save it to DIR (a model folder for --model).',
  description:
    'Data is the shared corpus folder with its splits.json (only TRAIN speakers are used), or any folder laid out as DIR/SPEAKER/*.wav. ' +
    'Training runs in a worker thread; Ctrl-C stops it cleanly. The default model is made by "npm run train:default".',
  minArgs: 0,
  maxArgs: 0,
  options: {
    out: { type: 'string', value: 'DIR', help: 'where to save the model (required)' },
    data: { type: 'string', value: 'DIR', help: 'data folder (default ../shared/data)' },
    splits: { type: 'string', value: 'FILE', help: 'speaker split file (default DATA/splits.json when it exists)' },
    ...LOSS_OPTIONS,
    temperature: { type: 'string', value: 'T', help: 'InfoNCE temperature (default 0.07)' },
    p: { type: 'string', value: 'P', help: 'speakers per batch' },
    k: { type: 'string', value: 'K', help: 'utterances per speaker in a batch' },
    epochs: { type: 'string', value: 'N', help: 'epochs' },
    lr: { type: 'string', value: 'LR', help: 'learning rate' },
    seed: { type: 'string', value: 'S', help: 'random seed (seeded runs repeat)' },
    'average-from': { type: 'string', value: 'EPOCH', help: 'average the weights of every epoch from EPOCH on (SWA); kept when validation prefers it' },
  },
  examples: ['voxprint train --out models/mine --epochs 5', 'voxprint train --out models/mine --data ~/my-voices --loss infonce'],
  async run(ctx, v) {
    const out = v.out as string | undefined;
    if (!out) throw new InvalidArgumentError('train needs an output folder: --out DIR (see voxprint train --help).');
    const data = path.resolve((v.data as string | undefined) ?? path.join('..', 'shared', 'data'));
    const opts = {
      out: path.resolve(out),
      data,
      ...(v.splits ? { splits: path.resolve(v.splits as string) } : {}),
      ...lossChoices(v),
      ...(v.temperature ? { temperature: numberOption('--temperature', v.temperature, 1e-4, 10) } : {}),
      ...(v.p ? { p: intOption('p', v.p, 2, 1024) } : {}),
      ...(v.k ? { k: intOption('k', v.k, 2, 256) } : {}),
      ...(v.epochs ? { epochs: intOption('epochs', v.epochs, 1, 10_000) } : {}),
      ...(v.lr ? { lr: numberOption('--lr', v.lr, 1e-8, 1) } : {}),
      ...(v.seed ? { seed: intOption('seed', v.seed, -(2 ** 31), 2 ** 31 - 1) } : {}),
      ...(v['average-from'] ? { averageFrom: intOption('average-from', v['average-from'], 1, 10_000) } : {}),
    };
    const { trainInWorker } = await import('../../train/worker');
    const onEvent = (e: TrainEvent) => {
      if (e.type === 'features') ctx.progress.update('features', e.done, e.total);
      else if (e.type === 'step') ctx.progress.update(`training (loss ${e.loss.toFixed(3)})`, e.step, e.totalSteps);
      else if (e.type === 'epoch') {
        ctx.progress.clear();
        ctx.io.stderr(
          `epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, active ${pct(e.activeFraction, 1)}, collapsed ${pct(e.collapsedFraction, 1)}, ` +
            `validation EER ${pct(e.valEer)}${e.best ? ' (best so far)' : ''}\n`,
        );
      }
    };
    const r = await trainInWorker(opts, onEvent, ctx.signal);
    ctx.progress.clear();
    ctx.out(
      `Saved model ${r.card.id} to ${r.out}: ${r.steps} steps in ${Math.round(r.seconds)} s, validation EER ${pct(r.valEer)}. ` +
        `Use it with --model ${r.out}.\n`,
      { out: r.out, modelId: r.card.id, steps: r.steps, seconds: r.seconds, valEer: r.valEer },
    );
  },
};
