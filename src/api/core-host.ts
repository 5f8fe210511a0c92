/**
 * The CoreHost both shells use (Electron main and the browser bridge): it opens the engine on the
 * model in use, switches models (re-embedding profiles), runs fine-tunes in a worker thread, and
 * keeps the engine's opening error, if any, to show it in words instead of crashing.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { VoxprintError } from '../errors';
import type { Res } from './contract';
import { runFinetuneInWorker, type SpawnFinetuneWorker } from './finetune-job';
import { inspectFolder } from './folders';
import type { CoreHost, EngineLike } from './host';
import { JobRunner, type JobEmitter } from './jobs';
import { ModelRegistry } from './models';
import { toModelCard } from './handlers/adapt';

export interface CoreHostOptions {
  storeDir: string;
  /** The model shipped with the app (models/default). */
  builtinModelDir: string;
  openEngine(opts: { storeDir: string; modelDir: string }): Promise<EngineLike>;
  spawnFinetuneWorker: SpawnFinetuneWorker;
  emit: JobEmitter;
}

export async function createCoreHost(opts: CoreHostOptions): Promise<CoreHost & { close(): void }> {
  const registry = new ModelRegistry({ storeDir: opts.storeDir, builtinDir: opts.builtinModelDir });
  const jobs = new JobRunner(opts.emit);
  let engine: EngineLike | null = null;
  let openError: unknown = null;

  async function open(modelDir: string): Promise<EngineLike> {
    return opts.openEngine({ storeDir: opts.storeDir, modelDir });
  }
  let builtinId: string | undefined;
  async function tryOpen(): Promise<void> {
    try {
      builtinId = (await registry.entries()).find((e) => e.builtin)?.id;
      engine = await open(registry.activeDir(builtinId));
      openError = null;
    } catch (e) {
      openError = e;
    }
  }
  await tryOpen();

  function current(): EngineLike {
    if (engine) return engine;
    if (openError instanceof VoxprintError) throw openError;
    throw new VoxprintError('NO_MODEL', `voxprint could not open its model: ${(openError as Error)?.message ?? 'unknown error'}`);
  }

  async function switchTo(id: string, dir: string, previousId: string | null): Promise<Res<'useModel'>> {
    if (jobs.runningCount > 0) {
      throw new VoxprintError('BAD_ARGUMENT', 'A fine-tune is running. Wait for it to finish or cancel it before switching models.');
    }
    const next = await open(dir);
    let reembedded: number;
    try {
      reembedded = await next.reembedStale();
    } catch (e) {
      next.dispose();
      throw e;
    }
    engine?.dispose();
    engine = next;
    openError = null;
    registry.save(id === builtinId ? null : id, previousId);
    const info = next.info();
    return { model: { id: info.model.id, dir: info.model.dir, card: toModelCard(info.model.card) }, reembedded };
  }

  return {
    engine: current,
    async ensureOpen() {
      if (!engine) await tryOpen();
    },
    jobs,
    models: {
      list: () => registry.list(engine ? engine.info().model.id : ''),
      async use(id) {
        const currentId = engine?.info().model.id ?? null;
        return switchTo(id, await registry.dirOf(id), currentId === id ? registry.state().previousId : currentId);
      },
      async rollback() {
        const prev = registry.state().previousId;
        if (!prev) throw new VoxprintError('NO_MODEL', 'There is no earlier model to roll back to.');
        const currentId = engine?.info().model.id ?? null;
        return switchTo(prev, await registry.dirOf(prev), currentId);
      },
    },
    inspectFolder: async (path) => inspectFolder(path),
    async finetune(request, ctx) {
      const e = current();
      const candidateId = `ft-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
      return runFinetuneInWorker(
        opts.spawnFinetuneWorker,
        { storeDir: opts.storeDir, modelDir: e.info().model.dir, outDir: join(registry.userDir, candidateId), candidateId, request },
        ctx,
      );
    },
    close() {
      jobs.cancelAll();
      engine?.dispose();
    },
  };
}
