/** Bundled by electron-vite as a worker_threads entry (imported with ?nodeWorker in main/core.ts). */
import '../src/api/finetune-worker-entry';
