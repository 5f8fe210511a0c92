import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { runFinetuneInWorker, type FinetuneWorkerInput } from '../../src/api/finetune-job';
import { JobRunner } from '../../src/api/jobs';
import type { FinetuneProgress, JobEvent } from '../../src/api/contract';
import { CancelledError } from '../../src/errors';

// A stand-in worker body: sends progress every 5 ms, finishes after `steps`, honours 'cancel'.
const body = (steps: number, crash = false) => `
const { parentPort } = require('node:worker_threads');
let step = 0, stop = false;
parentPort.on('message', (m) => { if (m.type === 'cancel') stop = true; });
const t = setInterval(() => {
  if (${crash}) process.exit(3);
  if (stop) { clearInterval(t); parentPort.postMessage({ type: 'error', error: { code: 'CANCELLED', message: 'cancelled' } }); return; }
  step++;
  parentPort.postMessage({ type: 'progress', progress: { phase: 'training', fraction: step / ${steps}, epoch: 1, epochs: 1, step, stepsPerEpoch: ${steps}, loss: 1 / step, activeFraction: 0.5 } });
  if (step === ${steps}) { clearInterval(t); parentPort.postMessage({ type: 'done', result: { candidateModelId: 'ft-x', eerBefore: 0.2, eerAfter: 0.1, trials: 10, durationSec: 1 } }); }
}, 5);`;

const input: FinetuneWorkerInput = {
  storeDir: '/s',
  modelDir: '/m',
  outDir: '/o',
  candidateId: 'ft-x',
  request: { useEnrolled: true, folders: [], epochs: 1, loss: 'triplet', mining: 'semihard' },
};

function ctx(ac = new AbortController()) {
  const seen: FinetuneProgress[] = [];
  return { ac, seen, ctx: { signal: ac.signal, progress: (p: FinetuneProgress) => seen.push(p) } };
}

describe('fine-tune in a worker thread', () => {
  it('streams progress and resolves with the result', async () => {
    const c = ctx();
    const r = await runFinetuneInWorker(() => new Worker(body(4), { eval: true }), input, c.ctx);
    expect(r.candidateModelId).toBe('ft-x');
    expect(c.seen.map((p) => p.step)).toEqual([1, 2, 3, 4]);
  });

  it('cancels: the worker is told, and the promise rejects with CancelledError', async () => {
    const c = ctx();
    const p = runFinetuneInWorker(() => new Worker(body(100000), { eval: true }), input, {
      ...c.ctx,
      progress: (pr) => {
        c.seen.push(pr);
        if (pr.step === 3) c.ac.abort();
      },
    });
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(c.seen.length).toBeGreaterThanOrEqual(3);
  });

  it('a crashed worker is an error, not a hang', async () => {
    const c = ctx();
    await expect(runFinetuneInWorker(() => new Worker(body(5, true), { eval: true }), input, c.ctx)).rejects.toThrow(/exit code 3/);
  });
});

describe('JobRunner', () => {
  it('answers with an id, then streams progress and one final event; cancel ends with CANCELLED', async () => {
    const events: JobEvent[] = [];
    const jobs = new JobRunner((e) => events.push(e));
    const done = new Promise<void>((ok) => {
      const id = jobs.start('startFinetune', (c) => runFinetuneInWorker(() => new Worker(body(100000), { eval: true }), input, c));
      let asked = false;
      const t = setInterval(() => {
        if (!asked && events.filter((e) => e.type === 'progress').length >= 2) asked = jobs.cancel(id);
        if (events.some((e) => e.type !== 'progress')) {
          clearInterval(t);
          ok();
        }
      }, 5);
    });
    await done;
    const last = events.at(-1)!;
    expect(last).toMatchObject({ op: 'startFinetune', type: 'failed', error: { code: 'CANCELLED' } });
    expect(events.filter((e) => e.type !== 'progress')).toHaveLength(1);
    expect(jobs.runningCount).toBe(0);
    expect(jobs.cancel(last.jobId)).toBe(false);
  });

  it('a progress event that breaks the schema is not sent, and the log says which field and why', async () => {
    const events: JobEvent[] = [];
    const log: string[] = [];
    const jobs = new JobRunner((e) => events.push(e), { log: (l) => log.push(l) });
    const good = { phase: 'training', fraction: 0.5, epoch: 1, epochs: 2, step: 3, stepsPerEpoch: 10 } as const;
    jobs.start('startFinetune', async (c) => {
      c.progress(good);
      c.progress({ ...good, fraction: 1.5 });
      return { candidateModelId: 'x', eerBefore: 0.1, eerAfter: 0.05, trials: 10, durationSec: 1 };
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(events.map((e) => e.type)).toEqual(['progress', 'done']);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/startFinetune progress event .* not sent \(fraction: .*1\b/);
  });

  it('a result that breaks the schema becomes an internal error, not a bad event', async () => {
    const events: JobEvent[] = [];
    const jobs = new JobRunner((e) => events.push(e));
    jobs.start('startFinetune', async () => ({ candidateModelId: 'x', eerBefore: 7 }) as never);
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'failed', error: { code: 'INTERNAL' } });
  });
});
