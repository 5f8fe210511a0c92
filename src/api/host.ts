/**
 * What the handlers need from whoever hosts them (Electron main or the browser bridge): the engine
 * in use, the job runner, model switching, and the fine-tune runner (a worker thread in both hosts,
 * spawned differently: electron-vite's ?nodeWorker in main, tsx in the bridge).
 */
import type { Engine } from '../engine';
import type { FinetuneResult, ParsedReq, Res } from './contract';
import type { JobContext, JobRunner } from './jobs';

export type { AudioInput } from '../engine';

/** The engine facade (src/engine.ts), as far as the UI uses it. */
export type EngineLike = Pick<
  Engine,
  | 'info'
  | 'listSpeakers'
  | 'assessTake'
  | 'enroll'
  | 'verify'
  | 'identify'
  | 'liveVerify'
  | 'liveIdentify'
  | 'rename'
  | 'remove'
  | 'exportProfile'
  | 'importProfile'
  | 'calibrate'
  | 'setThreshold'
  | 'threshold'
  | 'reembedStale'
  | 'dispose'
>;

export interface ModelSwitcher {
  list(): Promise<Res<'listModels'>>;
  use(id: string): Promise<Res<'useModel'>>;
  rollback(): Promise<Res<'rollbackModel'>>;
}

export interface CoreHost {
  engine(): EngineLike;
  /** Tries again to open the engine if it failed before (the model may have been installed since). */
  ensureOpen(): Promise<void>;
  jobs: JobRunner;
  models: ModelSwitcher;
  finetune(req: ParsedReq<'startFinetune'>, ctx: JobContext<'startFinetune'>): Promise<FinetuneResult>;
  inspectFolder(path: string): Promise<Res<'inspectFolder'>>;
}
