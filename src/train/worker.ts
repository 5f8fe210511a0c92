/**
 * Runs training in a worker thread so the CLI's progress bar and the app's UI stay live. The
 * worker saves the model to `opts.out`; events arrive through `onEvent`; aborting `signal` asks the
 * worker to stop after the current step, and the promise then rejects with CancelledError.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CancelledError, InvalidArgumentError, VoxprintError, type ErrorCode } from '../errors';
import type { ModelCard } from '../model/card';
import type { TrainOptionsInput } from './options';
import type { TrainEvent } from './trainer';

export interface WorkerTrainResult {
  out: string;
  card: ModelCard;
  steps: number;
  seconds: number;
  valEer: number;
}

type Msg =
  | { type: 'event'; event: TrainEvent }
  | ({ type: 'result' } & WorkerTrainResult)
  | { type: 'error'; error: { code: ErrorCode; message: string } };

/** `opts.id` names the saved model (default: a fresh dated id). */
export function trainInWorker(opts: TrainOptionsInput & { out: string; id?: string }, onEvent: (e: TrainEvent) => void = () => {}, signal?: AbortSignal): Promise<WorkerTrainResult> {
  if (!opts.out) return Promise.reject(new InvalidArgumentError('Training in a worker needs an output folder (--out DIR).'));
  const fromTs = import.meta.url.endsWith('.ts');
  // From the CLI bundle (dist/voxprint.js), the entry is its sibling dist/train-worker.js (scripts/build-cli.mjs).
  const entry = new URL(fromTs ? './worker-entry.ts' : './train-worker.js', import.meta.url);
  // Running from TypeScript sources (tsx, vitest): the worker registers the tsx loader first.
  const worker = fromTs
    ? new Worker(
        `import(${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href)})` +
          `.then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`,
        { eval: true, workerData: opts },
      )
    : new Worker(entry, { workerData: opts });
  return new Promise<WorkerTrainResult>((resolve, reject) => {
    let settled = false;
    const onAbort = () => worker.postMessage({ type: 'cancel' });
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    worker.on('message', (m: Msg) => {
      if (m.type === 'event') onEvent(m.event);
      else if (m.type === 'result') finish(() => resolve({ out: m.out, card: m.card, steps: m.steps, seconds: m.seconds, valEer: m.valEer }));
      else finish(() => reject(m.error.code === 'CANCELLED' ? new CancelledError('Training') : new VoxprintError(m.error.code, m.error.message)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new VoxprintError('INTERNAL', `Internal error: the training worker exited with code ${code}.`))));
  });
}
