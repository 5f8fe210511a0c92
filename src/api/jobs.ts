/**
 * Long-running operations (fine-tuning) as jobs: a job op answers `{ jobId }` at once, then streams
 * progress and exactly one final event (`done` or `failed`, the latter with code CANCELLED after
 * `cancel`). Events are checked against the op's schemas before they leave; a progress event that
 * fails its schema is not sent (the UI could not read it) but logged, since it is a core bug.
 */
import { randomUUID } from 'node:crypto';
import { CancelledError } from '../errors';
import { contract, type JobEvent, type JobOpName, type Progress, type Result } from './contract';
import { toErrorPayload } from './errors';

export interface JobContext<K extends JobOpName> {
  signal: AbortSignal;
  progress(p: Progress<K>): void;
}

export type JobEmitter = (event: JobEvent) => void;

export interface JobRunnerOptions {
  /** Where internal faults go (a progress event in the wrong shape); default stderr, like the hosts' logs. */
  log?: (line: string) => void;
}

export class JobRunner {
  readonly #emit: JobEmitter;
  readonly #log: (line: string) => void;
  readonly #running = new Map<string, { op: JobOpName; controller: AbortController }>();

  constructor(emit: JobEmitter, opts: JobRunnerOptions = {}) {
    this.#emit = emit;
    this.#log = opts.log ?? ((line) => console.error(line));
  }

  /** Starts `run` and returns the job id; `run` must honour `signal` (throw CancelledError). */
  start<K extends JobOpName>(op: K, run: (ctx: JobContext<K>) => Promise<Result<K>>): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    this.#running.set(jobId, { op, controller });
    const spec = contract[op];
    const emit = (e: JobEvent) => {
      try {
        this.#emit(e);
      } catch {
        /* a closed window or dropped SSE client must not kill the job */
      }
    };
    const ctx: JobContext<K> = {
      signal: controller.signal,
      progress: (p) => {
        if (controller.signal.aborted) return;
        const checked = spec.progress.safeParse(p);
        if (checked.success) emit({ jobId, op, type: 'progress', progress: checked.data } as JobEvent);
        else {
          const why = checked.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ');
          this.#log(`voxprint: a ${op} progress event in an unexpected shape was not sent (${why})`);
        }
      },
    };
    // Start on the next turn so that the caller has the id before the first event.
    setImmediate(() => {
      run(ctx)
        .then((result) => {
          if (controller.signal.aborted) throw new CancelledError('The job');
          const checked = spec.result.safeParse(result);
          if (!checked.success) throw new Error(`the ${op} job produced a result in an unexpected shape`);
          emit({ jobId, op, type: 'done', result: checked.data } as JobEvent);
        })
        .catch((e: unknown) => {
          const error = controller.signal.aborted ? toErrorPayload(new CancelledError('The job')) : toErrorPayload(e);
          emit({ jobId, op, type: 'failed', error });
        })
        .finally(() => this.#running.delete(jobId));
    });
    return jobId;
  }

  /** Asks a job to stop; false when no such job is running. */
  cancel(jobId: string): boolean {
    const job = this.#running.get(jobId);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  get runningCount(): number {
    return this.#running.size;
  }

  cancelAll(): void {
    for (const { controller } of this.#running.values()) controller.abort();
  }
}
