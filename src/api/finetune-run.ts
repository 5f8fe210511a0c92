/**
 * Adapter from the app's fine-tune request to the core's fine-tune (issue 4, src/train/finetune).
 * That module has not landed yet: until it does, a run reports so in words.
 */
import { VoxprintError } from '../errors';
import type { FinetuneProgress, FinetuneResult } from './contract';
import type { FinetuneWorkerInput } from './finetune-job';

export async function runFinetune(
  input: FinetuneWorkerInput,
  onProgress: (p: FinetuneProgress) => void,
  signal: AbortSignal,
): Promise<FinetuneResult> {
  onProgress({ phase: 'preparing', fraction: 0, epoch: 0, epochs: input.request.epochs, step: 0, stepsPerEpoch: 0, message: 'Reading the recordings…' });
  if (signal.aborted) throw new VoxprintError('CANCELLED', 'Fine-tuning was cancelled.');
  throw new VoxprintError('INTERNAL', 'Fine-tuning is not available in this build yet: the core fine-tune (src/train/finetune) is missing.');
}
