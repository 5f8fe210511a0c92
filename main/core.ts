/** The core for the Electron main process: the engine on the user's store, fine-tunes in a worker thread. */
import type { JobEvent } from '../src/api/contract';
import { createCoreHost } from '../src/api/core-host';
import { Engine } from '../src/engine';
import { builtinModelDir } from '../src/model/resolve';
import { defaultStoreDir } from '../src/speakers/home';
import createFinetuneWorker from './finetune-worker?nodeWorker';

export function createMainHost(emit: (e: JobEvent) => void) {
  return createCoreHost({
    storeDir: defaultStoreDir(),
    builtinModelDir: builtinModelDir(process.env),
    openEngine: (o) => Engine.open(o),
    spawnFinetuneWorker: (input) => createFinetuneWorker({ workerData: input }),
    emit,
  });
}
