/**
 * Adapter from the app's fine-tune request to the core's fine-tune (src/train/finetune.ts). It
 * runs in the fine-tune worker thread; the candidate is saved as STORE/models/ID and is
 * never made the model in use here: the user keeps it (useModel) or not.
 */
import { finetune, type FinetuneEvent } from '../train/finetune';
import type { FinetuneProgress, FinetuneResult } from './contract';
import type { FinetuneWorkerInput } from './finetune-job';

export async function runFinetune(
  input: FinetuneWorkerInput,
  onProgress: (p: FinetuneProgress) => void,
  signal: AbortSignal,
): Promise<FinetuneResult> {
  const req = input.request;
  const epochs = req.epochs;
  let stepsPerEpoch = 0;
  let last: FinetuneProgress = { phase: 'preparing', fraction: 0, epoch: 0, epochs, step: 0, stepsPerEpoch: 0, message: 'Reading the recordings…' };
  const emit = (p: Partial<FinetuneProgress>) => onProgress((last = { ...last, ...p, fraction: Math.min(1, Math.max(0, p.fraction ?? last.fraction)) }));
  emit({});
  const onEvent = (e: FinetuneEvent) => {
    if (e.type === 'data') emit({ message: e.note });
    else if (e.type === 'replay') emit({ message: e.reason });
    else if (e.type === 'features') emit({ phase: 'preparing', fraction: (0.15 * e.done) / Math.max(1, e.total), message: `Reading the recordings (${e.done}/${e.total})…` });
    else if (e.type === 'baseline') emit({ phase: 'baseline', fraction: 0.15, message: `EER before fine-tuning: ${(100 * e.eer).toFixed(2)} % (${e.estimate} trials)` });
    else if (e.type === 'step') {
      stepsPerEpoch = Math.round(e.totalSteps / epochs);
      emit({
        phase: 'training',
        fraction: 0.15 + (0.75 * e.step) / e.totalSteps,
        epoch: e.epoch,
        step: e.step - (e.epoch - 1) * stepsPerEpoch,
        stepsPerEpoch,
        loss: e.loss,
        activeFraction: e.activeFraction,
        message: undefined,
      });
    } else if (e.type === 'epoch') emit({ phase: 'evaluating', message: `Epoch ${e.epoch}: held-out EER ${(100 * e.heldOutEer).toFixed(2)} %${e.best ? ' (best so far)' : ''}` });
    else if (e.type === 'saving') emit({ phase: 'saving', fraction: 0.95, message: 'Saving the new model…' });
  };
  const r = await finetune(
    {
      storeDir: input.storeDir,
      modelDir: input.modelDir,
      out: input.outDir,
      versionId: input.candidateId,
      useEnrolled: req.useEnrolled,
      data: req.folders,
      epochs,
      loss: req.loss,
      mining: req.mining,
      keep: 'never',
    },
    onEvent,
    signal,
  );
  emit({ phase: 'saving', fraction: 1, message: 'Done.' });
  return {
    candidateModelId: r.versionId,
    eerBefore: r.eerBefore,
    eerAfter: r.eerAfter,
    trials: r.targets + r.nontargets,
    targets: r.targets,
    nontargets: r.nontargets,
    separationBefore: r.separationBefore,
    separationAfter: r.separationAfter,
    durationSec: r.seconds,
  };
}
