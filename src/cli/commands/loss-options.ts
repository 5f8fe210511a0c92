/** The --loss and --mining flags `voxprint train` and `voxprint finetune` share, choices from src/train/vocab. */
import { LossName, MiningName } from '../../train/vocab';
import { choiceOption, orList, type OptionSpec, type Values } from '../command';

export const LOSS_OPTIONS: Record<'loss' | 'mining', OptionSpec> = {
  loss: { type: 'string', value: 'NAME', help: `${orList(LossName.options)} (default triplet)` },
  mining: { type: 'string', value: 'NAME', help: `${orList(MiningName.options)} (default semihard)` },
};

/** The loss and mining given on the command line (absent ones left to the options' defaults). */
export function lossChoices(v: Values): { loss?: LossName; mining?: MiningName } {
  return {
    ...(v.loss ? { loss: choiceOption('loss', v.loss, LossName.options) } : {}),
    ...(v.mining ? { mining: choiceOption('mining', v.mining, MiningName.options) } : {}),
  };
}
