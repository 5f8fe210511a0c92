/**
 * One live session as the Verify and Identify screens see it: the microphone's blocks go to the
 * core in ~0.25 s PCM pieces (in order, one request at a time), every update comes back as a job
 * progress event, and Stop ends the session (its result is the final update).
 */
import type { JobEvent, LiveUpdate } from '../../../src/api/contract';
import { api, errorText } from './api';
import { Recorder, RECORD_RATE } from './recorder.svelte';

export type LiveStatus = 'idle' | 'starting' | 'running' | 'stopping' | 'done' | 'failed';

const SEND_SAMPLES = RECORD_RATE / 4;

function toPcm16(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < x.length; i++) dv.setInt16(2 * i, Math.max(-32768, Math.min(32767, Math.round(x[i] * 32768))), true);
  return out;
}

export class LiveRun {
  readonly recorder = new Recorder();
  #status = $state<LiveStatus>('idle');
  #error = $state<string | null>(null);
  #updates = $state.raw<LiveUpdate[]>([]);
  #jobId: string | null = null;
  #early: JobEvent[] = [];
  #off: (() => void) | null = null;
  #buf: Float32Array[] = [];
  #bufLen = 0;
  #sending: Promise<unknown> = Promise.resolve();

  get status(): LiveStatus {
    return this.#status;
  }
  get error(): string | null {
    return this.#error;
  }
  get updates(): LiveUpdate[] {
    return this.#updates;
  }
  latest = $derived(this.#updates.length ? this.#updates[this.#updates.length - 1] : null);
  decision = $derived(this.#updates.find((u) => u.decision)?.decision ?? null);
  active = $derived(this.#status === 'starting' || this.#status === 'running' || this.#status === 'stopping');

  /** Verify against `speaker`, or identify when it is undefined. */
  async start(speaker: string | undefined): Promise<void> {
    if (this.active) return;
    this.#status = 'starting';
    this.#error = null;
    this.#updates = [];
    this.#jobId = null;
    this.#early = [];
    this.#buf = [];
    this.#bufLen = 0;
    this.#off = api.onJobEvent((e) => this.#onEvent(e));
    try {
      const { jobId } = await api.startLive(speaker === undefined ? { top: 3 } : { speaker, top: 3 });
      this.#jobId = jobId;
      for (const e of this.#early.splice(0)) this.#onEvent(e);
      await this.recorder.start(
        () => void this.stop(),
        (block) => this.#onSamples(block),
      );
      if (this.#status === 'starting') this.#status = 'running';
    } catch (e) {
      this.#fail(errorText(e));
      if (this.#jobId) void api.cancelJob({ jobId: this.#jobId }).catch(() => {});
    }
  }

  async stop(): Promise<void> {
    if (this.#status !== 'running' || !this.#jobId) return;
    this.#status = 'stopping';
    await this.recorder.cancel();
    this.#flush();
    const jobId = this.#jobId;
    try {
      await this.#sending;
      await api.endLive({ jobId });
    } catch (e) {
      this.#fail(errorText(e));
    }
  }

  /** Drops the session (leaving the screen). */
  async dispose(): Promise<void> {
    await this.recorder.cancel();
    if (this.#jobId && this.active) void api.cancelJob({ jobId: this.#jobId }).catch(() => {});
    this.#off?.();
    this.#off = null;
  }

  #onSamples(block: Float32Array): void {
    this.#buf.push(block.slice());
    this.#bufLen += block.length;
    if (this.#bufLen >= SEND_SAMPLES) this.#flush();
  }

  #flush(): void {
    if (!this.#bufLen || !this.#jobId) return;
    const all = new Float32Array(this.#bufLen);
    let at = 0;
    for (const b of this.#buf) {
      all.set(b, at);
      at += b.length;
    }
    this.#buf = [];
    this.#bufLen = 0;
    const jobId = this.#jobId;
    const pcm = toPcm16(all);
    this.#sending = this.#sending.then(() => (this.active ? api.pushLiveAudio({ jobId, pcm }) : null)).catch((e) => this.#fail(errorText(e)));
  }

  #onEvent(e: JobEvent): void {
    if (e.op !== 'startLive') return;
    if (!this.#jobId) {
      if (this.#status === 'starting') this.#early.push(e);
      return;
    }
    if (e.jobId !== this.#jobId) return;
    if (e.type === 'progress') this.#updates = [...this.#updates, e.progress];
    else if (e.type === 'done') {
      this.#updates = [...this.#updates, e.result];
      this.#status = 'done';
      this.#close();
    } else {
      this.#fail(e.error.code === 'CANCELLED' ? 'The live session was stopped.' : e.error.message);
    }
  }

  #fail(message: string): void {
    if (this.#status === 'failed') return;
    this.#error = message;
    this.#status = 'failed';
    void this.recorder.cancel();
    this.#close();
  }

  #close(): void {
    this.#off?.();
    this.#off = null;
  }
}
