/**
 * `npm run web`: the built renderer and the whole API contract over the local HTTP bridge, on the
 * real core. Used to test the UI in Chromium, and to use the app without Electron.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCoreHost } from '../api/core-host';
import { createDispatcher } from '../api/dispatch';
import { createHandlers } from '../api/handlers';
import { Engine } from '../engine';
import { builtinModelDir } from '../model/resolve';
import { defaultStoreDir } from '../speakers/home';
import { startBridge, type Bridge } from './server';
import { spawnModuleWorker } from './worker';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface WebOptions {
  storeDir?: string;
  /** The built-in model; default models/default. */
  modelDir?: string;
  /** The built renderer; default out/renderer. */
  staticDir?: string;
  port?: number;
  token?: string;
  log?: (line: string) => void;
}

export interface Web {
  bridge: Bridge;
  close(): Promise<void>;
}

export async function startWeb(opts: WebOptions = {}): Promise<Web> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const staticDir = opts.staticDir ?? join(REPO_ROOT, 'out/renderer');
  if (!existsSync(join(staticDir, 'index.html')) || !existsSync(join(staticDir, 'bridge-client.js'))) {
    throw new Error(`No built renderer in ${staticDir}: run \`npm run build\` first.`);
  }
  const ref: { bridge?: Bridge } = {};
  const host = await createCoreHost({
    storeDir: opts.storeDir ?? defaultStoreDir(),
    builtinModelDir: opts.modelDir ? resolve(opts.modelDir) : builtinModelDir(),
    openEngine: (o) => Engine.open(o),
    spawnFinetuneWorker: (input) => spawnModuleWorker(new URL('../api/finetune-worker-entry.ts', import.meta.url), input),
    emit: (e) => ref.bridge?.emit(e),
    log,
  });
  const dispatch = createDispatcher(createHandlers(host), {
    onInternalError: (op, e) => log(`voxprint web: ${op} failed: ${(e as Error)?.stack ?? String(e)}`),
  });
  const bridge = await startBridge({ dispatch, staticDir, port: opts.port, token: opts.token, log });
  ref.bridge = bridge;
  return {
    bridge,
    async close() {
      host.close();
      await bridge.close();
    },
  };
}
