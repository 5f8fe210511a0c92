/** The --loss, --mining and --margin flags `voxprint train` and `voxprint finetune` share; the choices are src/train/vocab's. */
import { LossName, MiningName } from '../../train/vocab';
import { choiceOption, numberOption, orList, type OptionSpec, type Values } from '../command';

export const LOSS_OPTIONS: Record<'loss' | 'mining' | 'margin', OptionSpec> = {
  loss: { type: 'string', value: 'NAME', help: `${orList(LossName.options)} (default triplet)` },
  mining: { type: 'string', value: 'NAME', help: `${orList(MiningName.options)} (default semihard)` },
  // Only the triplet loss takes it (src/train/loss.ts); the cards record it only then.
  margin: { type: 'string', value: 'M', help: 'triplet margin (default 0.2)' },
};

/** The loss, mining and margin given on the command line (absent ones left to the options' defaults). */
export function lossChoices(v: Values): { loss?: LossName; mining?: MiningName; margin?: number } {
  return {
    ...(v.loss ? { loss: choiceOption('loss', v.loss, LossName.options) } : {}),
    ...(v.mining ? { mining: choiceOption('mining', v.mining, MiningName.options) } : {}),
    ...(v.margin ? { margin: numberOption('--margin', v.margin, 1e-6, 10) } : {}),
  };
}
