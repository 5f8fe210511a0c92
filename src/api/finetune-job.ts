/**
 * Fine-tuning off the main thread: the host spawns a worker thread (how depends on the host), this
 * file drives it. Progress comes back as messages; cancel is a message too, and a worker that does
 * not stop within a grace period is terminated.
 */
import type { Worker } from 'node:worker_threads';
import { CancelledError, VoxprintError } from '../errors';
import type { ApiErrorPayload, FinetuneProgress, FinetuneResult, ParsedReq } from './contract';
import type { JobContext } from './jobs';

export interface FinetuneWorkerInput {
  storeDir: string;
  /** The model in use, which the run starts from. */
  modelDir: string;
  /** Where the candidate model is saved (STORE/models/ID). */
  outDir: string;
  candidateId: string;
  request: ParsedReq<'startFinetune'>;
}

export type ToWorker = { type: 'cancel' };
export type FromWorker =
  | { type: 'progress'; progress: FinetuneProgress }
  | { type: 'done'; result: FinetuneResult }
  | { type: 'error'; error: ApiErrorPayload };

export type SpawnFinetuneWorker = (input: FinetuneWorkerInput) => Worker;

const CANCEL_GRACE_MS = 10_000;

export function runFinetuneInWorker(
  spawn: SpawnFinetuneWorker,
  input: FinetuneWorkerInput,
  ctx: JobContext<'startFinetune'>,
): Promise<FinetuneResult> {
  return new Promise((resolve, reject) => {
    const worker = spawn(input);
    let settled = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => {
      worker.postMessage({ type: 'cancel' } satisfies ToWorker);
      killTimer = setTimeout(() => finish(() => reject(new CancelledError('Fine-tuning'))), CANCEL_GRACE_MS);
    };
    ctx.signal.addEventListener('abort', onAbort);
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'progress') ctx.progress(m.progress);
      else if (m.type === 'done') finish(() => resolve(m.result));
      else if (m.type === 'error') {
        const e = m.error.code === 'CANCELLED' ? new CancelledError('Fine-tuning') : new VoxprintError(m.error.code as never, m.error.message);
        finish(() => reject(e));
      }
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) =>
      finish(() => reject(ctx.signal.aborted ? new CancelledError('Fine-tuning') : new Error(`the fine-tune worker stopped (exit code ${code})`))),
    );
  });
}
