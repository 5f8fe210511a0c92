/**
 * Worker-thread side of `trainInWorker`: trains with the options from workerData, saves the model
 * to `out`, posts every TrainEvent, and stops cleanly on a 'cancel' message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend';
import { VoxprintError } from '../errors';
import { saveModel } from '../model/io';
import { trainedModelCard } from './card';
import type { TrainOptionsInput } from './options';
import { train } from './trainer';

const port = parentPort!;
const ac = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') ac.abort();
});

async function run(): Promise<void> {
  const opts = workerData as TrainOptionsInput & { out: string; id?: string };
  await initBackend();
  const r = await train(opts, (e) => port.postMessage({ type: 'event', event: e }), ac.signal);
  const card = await saveModel(opts.out, r.embedder, trainedModelCard(r, { id: opts.id }));
  r.embedder.dispose();
  port.postMessage({ type: 'result', out: opts.out, card, steps: r.steps, seconds: r.seconds, valEer: r.validation.meanEer });
}

run().catch((e: unknown) => {
  const err = e instanceof VoxprintError ? e.toJSON() : { code: 'INTERNAL', message: (e as Error)?.message ?? String(e) };
  port.postMessage({ type: 'error', error: err });
});
