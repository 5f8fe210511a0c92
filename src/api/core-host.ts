/**
 * The CoreHost both shells use (Electron main and the browser bridge): it opens the engine on the
 * model in use, switches models (re-embedding profiles), runs fine-tunes in a worker thread, and
 * keeps the engine's opening error, if any, to show it in words instead of crashing.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { InvalidArgumentError, VoxprintError } from '../errors';
import type { Res } from './contract';
import { runFinetuneInWorker, type SpawnFinetuneWorker } from './finetune-job';
import { inspectFolder } from './folders';
import type { CoreHost, EngineLike } from './host';
import { JobRunner, type JobEmitter } from './jobs';
import { ModelRegistry, rollbackModel, switchModel } from './models';
import { ProfileStore } from '../speakers/store';
import { toModelCard } from './handlers/adapt';

export interface CoreHostOptions {
  storeDir: string;
  /** The model shipped with the app (models/default). */
  builtinModelDir: string;
  openEngine(opts: { storeDir: string; modelDir: string }): Promise<EngineLike>;
  spawnFinetuneWorker: SpawnFinetuneWorker;
  emit: JobEmitter;
  /** Where internal faults of jobs are logged (default stderr). */
  log?: (line: string) => void;
}

export async function createCoreHost(opts: CoreHostOptions): Promise<CoreHost & { close(): void }> {
  const registry = new ModelRegistry({ storeDir: opts.storeDir, builtinDir: opts.builtinModelDir });
  const jobs = new JobRunner(opts.emit, { log: opts.log });
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

  /**
   * Switches through the core registry, as `voxprint models use|rollback` does: every profile gets
   * the new model's embeddings first and one atomic rename commits, so a failure halfway leaves the
   * old model and the old profiles in use. Then the engine is reopened on the new model.
   */
  async function switchWith(run: (store: ProfileStore) => Promise<{ model: { dir: string }; reembedded: number }>): Promise<Res<'useModel'>> {
    if (jobs.runningCount > 0) {
      throw new InvalidArgumentError('A fine-tune is running. Wait for it to finish or cancel it before switching models.');
    }
    const store = await ProfileStore.open(opts.storeDir);
    const r = await run(store);
    const next = await open(r.model.dir);
    engine?.dispose();
    engine = next;
    openError = null;
    const info = next.info();
    return { model: { id: info.model.id, dir: info.model.dir, card: toModelCard(info.model.card) }, reembedded: r.reembedded };
  }

  return {
    engine: current,
    async ensureOpen() {
      if (!engine) await tryOpen();
    },
    jobs,
    models: {
      list: () => registry.list(engine ? engine.info().model.id : ''),
      use: (id) => switchWith((store) => switchModel(registry, store, id)),
      rollback: () => switchWith((store) => rollbackModel(registry, store)),
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
