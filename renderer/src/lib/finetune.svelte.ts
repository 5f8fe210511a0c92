/** One fine-tune run as the Fine-tune screen sees it: a job id, its live curves and its outcome. */
import type { FinetuneProgress, FinetuneResult, JobEvent, Req } from '../../../src/api/contract';
import { api, errorText } from './api';

export type RunStatus = 'idle' | 'starting' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';
/** What the user did with a finished run's model. */
export type Decision = 'kept' | 'rolled-back' | null;

/** A finished run and the decision on it survive a reload of the page until dismissed. */
const SAVED_KEY = 'voxprint.finetune.last';
const storage = (): Storage | undefined => (typeof localStorage === 'undefined' ? undefined : localStorage);

export class FinetuneRun {
  #status = $state<RunStatus>('idle');
  #jobId = $state<string | null>(null);
  #progress = $state<FinetuneProgress | null>(null);
  #result = $state<FinetuneResult | null>(null);
  #error = $state<string | null>(null);
  #decision = $state<Decision>(null);
  /** One point per progress event that carries a loss: x = overall step, y = value. */
  #steps = $state.raw<number[]>([]);
  #loss = $state.raw<number[]>([]);
  #active = $state.raw<number[]>([]);
  #early: JobEvent[] = [];
  #off: (() => void) | null = null;

  get status(): RunStatus {
    return this.#status;
  }
  get jobId(): string | null {
    return this.#jobId;
  }
  get progress(): FinetuneProgress | null {
    return this.#progress;
  }
  get result(): FinetuneResult | null {
    return this.#result;
  }
  get error(): string | null {
    return this.#error;
  }
  get decision(): Decision {
    return this.#decision;
  }
  set decision(d: Decision) {
    this.#decision = d;
    this.#save();
  }

  constructor() {
    try {
      const saved = JSON.parse(storage()?.getItem(SAVED_KEY) ?? 'null') as { result?: FinetuneResult; decision?: Decision } | null;
      if (saved?.result?.candidateModelId) {
        this.#result = saved.result;
        this.#decision = saved.decision ?? null;
        this.#status = 'done';
      }
    } catch {
      /* nothing saved, or from another version: start afresh */
    }
  }

  #save(): void {
    try {
      if (this.#status === 'done' && this.#result) storage()?.setItem(SAVED_KEY, JSON.stringify({ result: this.#result, decision: this.#decision }));
      else storage()?.removeItem(SAVED_KEY);
    } catch {
      /* storage full or blocked: the decision still holds until the page reloads */
    }
  }
  get steps(): number[] {
    return this.#steps;
  }
  get loss(): number[] {
    return this.#loss;
  }
  get active(): number[] {
    return this.#active;
  }
  running = $derived(this.#status === 'starting' || this.#status === 'running' || this.#status === 'cancelling');

  async start(req: Req<'startFinetune'>): Promise<void> {
    if (this.running) return;
    this.#reset();
    this.#status = 'starting';
    this.#off = api.onJobEvent((e) => this.#onEvent(e));
    try {
      const { jobId } = await api.startFinetune(req);
      this.#jobId = jobId;
      this.#status = 'running';
      // Events may overtake the answer on some transports.
      for (const e of this.#early.splice(0)) this.#onEvent(e);
    } catch (e) {
      this.#fail(errorText(e));
    }
  }

  async cancel(): Promise<void> {
    if (!this.#jobId || this.#status !== 'running') return;
    this.#status = 'cancelling';
    try {
      const { cancelled } = await api.cancelJob({ jobId: this.#jobId });
      if (!cancelled && this.#status === 'cancelling') this.#status = 'running';
    } catch (e) {
      this.#fail(errorText(e));
    }
  }

  #onEvent(e: JobEvent): void {
    if (e.op !== 'startFinetune') return;
    if (!this.#jobId) {
      if (this.#status === 'starting') this.#early.push(e);
      return;
    }
    if (e.jobId !== this.#jobId) return;
    if (e.type === 'progress') {
      if (this.#status === 'cancelling') return;
      const p = e.progress;
      this.#progress = p;
      if (p.loss !== undefined && p.phase === 'training') {
        const x = (p.epoch - 1) * Math.max(1, p.stepsPerEpoch) + p.step;
        this.#steps = [...this.#steps, x];
        this.#loss = [...this.#loss, p.loss];
        this.#active = [...this.#active, p.activeFraction ?? NaN];
      }
    } else if (e.type === 'done') {
      this.#result = e.result;
      this.#decision = null;
      this.#status = 'done';
      this.#save();
      this.#unsubscribe();
    } else {
      if (e.error.code === 'CANCELLED') {
        this.#status = 'cancelled';
        this.#unsubscribe();
      } else this.#fail(e.error.message);
    }
  }

  #fail(message: string): void {
    this.#error = message;
    this.#status = 'failed';
    this.#unsubscribe();
  }

  #unsubscribe(): void {
    this.#off?.();
    this.#off = null;
  }

  #reset(): void {
    this.#jobId = null;
    this.#progress = null;
    this.#result = null;
    this.#decision = null;
    this.#error = null;
    this.#steps = [];
    this.#loss = [];
    this.#active = [];
    this.#early = [];
  }

  /** Back to the start screen after a finished, failed or cancelled run. */
  dismiss(): void {
    if (this.running) return;
    this.#reset();
    this.#status = 'idle';
    this.#save();
  }
}

/** Lives outside the screen so that a run survives switching screens. */
export const finetuneRun = new FinetuneRun();
