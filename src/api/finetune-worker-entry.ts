/**
 * The fine-tune worker thread (spawned by src/bridge/web.ts from sources, and by main/ as a bundled
 * ?nodeWorker): runs the core's fine-tune with the job's options, posts progress, and stops on a
 * 'cancel' message. Messages are the FromWorker / ToWorker types of finetune-job.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend';
import { VoxprintError } from '../errors';
import type { FinetuneWorkerInput, FromWorker, ToWorker } from './finetune-job';
import { runFinetune } from './finetune-run';

const port = parentPort!;
const ac = new AbortController();
port.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') ac.abort();
});
const post = (m: FromWorker) => port.postMessage(m);

async function main(): Promise<void> {
  await initBackend();
  const input = workerData as FinetuneWorkerInput;
  const result = await runFinetune(input, (progress) => post({ type: 'progress', progress }), ac.signal);
  post({ type: 'done', result });
}

main().catch((e: unknown) => {
  const error =
    e instanceof VoxprintError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: `Internal error: ${(e as Error)?.message ?? String(e)}` };
  post({ type: 'error', error: ac.signal.aborted ? { code: 'CANCELLED', message: 'Fine-tuning was cancelled.' } : error });
});
