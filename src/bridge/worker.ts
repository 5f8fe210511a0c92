/**
 * Starting a worker thread from TypeScript sources (the bridge runs under tsx or vitest, not from
 * a bundle): the worker registers tsx's loader, then imports the entry. From built JavaScript the
 * entry is loaded directly. Same approach as src/train/worker.ts.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export function spawnModuleWorker(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`, {
    eval: true,
    workerData,
  });
}
