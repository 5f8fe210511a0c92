/** IPC for fine-tuning jobs (run in a worker thread by the host) and data-folder checks. */
import { registerFeature, type MainContext } from '../context';

export function registerFinetune(ctx: MainContext): void {
  registerFeature(ctx, 'finetune');
}
