/**
 * Worker-thread side of the fuzz runner: builds the corpus and a small random embedder once, then
 * runs the cases it is given, posting 'start' before each (so the main thread can time it and
 * terminate a hang) and 'result' after.
 */
import * as v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend';
import { createEmbedder } from '../model/embedder';
import { boundaryPlan, buildCase } from './cases';
import { currentRss, runCase } from './check';
import { loadCorpus } from './corpus';
import type { WorkerInput, WorkerMsg } from './runner';

const port = parentPort!;
const post = (m: WorkerMsg) => port.postMessage(m);

// Decoder libraries print to the console on damaged input (mpg123: "MPG123_ERR"); count the
// lines per case instead of flooding the run's output.
let consoleLines = 0;
for (const k of ['log', 'info', 'warn', 'error', 'debug'] as const) console[k] = () => void consoleLines++;

/** A small model: the fuzz exercises the embed path, not the quality of the embedding. */
export const FUZZ_ARCH = { frameLayers: [32], frameEmbed: 16, statsLayers: [16], statsEmbed: 8, embedDim: 16 };

async function main(): Promise<void> {
  const input = workerData as WorkerInput;
  await initBackend();
  const corpus = loadCorpus({ dataDir: input.dataDir, fixturesDir: input.fixturesDir });
  const plan = boundaryPlan(corpus);
  const embedder = createEmbedder({ arch: FUZZ_ARCH, seed: 1 });
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const idleRss = currentRss();
  post({ type: 'ready' });
  for (const id of input.ids) {
    const c = buildCase(corpus, plan, input.runSeed, id);
    // Garbage from earlier cases would blur the per-case peak; collect when it piles up.
    if (currentRss() > idleRss + 128 * 2 ** 20) gc();
    post({ type: 'start', id });
    consoleLines = 0;
    const r = await runCase(c, { embedder, maxPeakMiB: input.maxPeakMiB, tmpDir: input.tmpDir, fault: input.faults?.[id] });
    // Let timers the case left behind fire now, so an asynchronous throw is pinned on this case.
    await new Promise((res) => setTimeout(res, 1));
    post({ type: 'result', result: { ...r, consoleLines } });
  }
  embedder.dispose();
  post({ type: 'end' });
}

main().catch((e: unknown) => {
  // A harness failure (corpus missing, backend) rather than a case's: the runner stops on it.
  post({ type: 'fatal', message: (e as Error)?.stack ?? String(e) });
});
