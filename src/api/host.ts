/**
 * What the handlers need from whoever hosts them (Electron main or the browser bridge): the engine
 * in use, the job runner, model switching, and the fine-tune runner (a worker thread in both hosts,
 * spawned differently: electron-vite's ?nodeWorker in main, tsx in the bridge).
 */
import type { FinetuneResult, ParsedReq, Res } from './contract';
import type { JobContext, JobRunner } from './jobs';

export type AudioInput = { path: string } | { bytes: Uint8Array; name: string };

/** The engine facade of docs/architecture.md, as far as the UI uses it. */
export interface EngineLike {
  info(): {
    version: string;
    backend: string;
    storeDir: string;
    model: { id: string; dir: string; card: unknown };
    threshold?: number;
    recommendedSpeechSec?: number;
    minSpeechSec?: number;
  };
  listSpeakers(): unknown[];
  assessTake(input: AudioInput): Promise<unknown>;
  enroll(name: string, inputs: AudioInput[], opts?: { append?: boolean }): Promise<unknown>;
  verify(name: string, input: AudioInput): Promise<{ speaker: string; score: number; threshold: number; accepted: boolean; latencyMs: number }>;
  identify(
    input: AudioInput,
    opts?: { top?: number },
  ): Promise<{ candidates: { speaker: string; score: number }[]; best: string | null; threshold: number; latencyMs: number }>;
  rename(name: string, newName: string): Promise<unknown>;
  remove(name: string, opts?: { purge?: boolean }): Promise<unknown>;
  exportProfile(name: string): Promise<Uint8Array>;
  importProfile(bytes: Uint8Array): Promise<unknown>;
  calibrate(): Promise<{
    targetScores: number[];
    nontargetScores: number[];
    eer: number;
    eerThreshold: number;
    det: { pfa: number; pmiss: number }[];
    trials: number;
  }>;
  setThreshold(t: number): Promise<void>;
  threshold?(): number;
  dispose?(): void;
}

export interface ModelSwitcher {
  list(): Promise<Res<'listModels'>>;
  use(id: string): Promise<Res<'useModel'>>;
  rollback(): Promise<Res<'rollbackModel'>>;
}

export interface CoreHost {
  engine(): EngineLike;
  jobs: JobRunner;
  models: ModelSwitcher;
  /** Seconds of speech a profile should have, and the least enroll accepts. */
  targets: { recommendedSpeechSec: number; minSpeechSec: number };
  finetune(req: ParsedReq<'startFinetune'>, ctx: JobContext<'startFinetune'>): Promise<FinetuneResult>;
  inspectFolder(path: string): Promise<Res<'inspectFolder'>>;
}
