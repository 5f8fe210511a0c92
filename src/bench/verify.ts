/**
 * End-to-end verify of a 3 s WAV: in-process through the Engine facade (decode, VAD, MFCC, embed,
 * score against the enrolled centroid), and as a whole `voxprint verify` process started cold.
 */
import { join } from 'node:path';
import { freshBundle } from '../../bin/cli-bundle';
import { Engine } from '../engine';
import { runNode } from './child';
import { REPO_ROOT, type VerifyFixture } from './fixtures';
import { measure, summarize, type Timing } from './measure';

export const BENCH_SPEAKER = 'Bench Speaker';

/** Creates a store in `storeDir` with one speaker enrolled from the fixture's enrollment file. */
export async function enrollBenchSpeaker(storeDir: string, modelDir: string, fx: VerifyFixture): Promise<void> {
  const engine = await Engine.open({ storeDir, modelDir });
  try {
    await engine.enroll(BENCH_SPEAKER, [{ path: fx.enrollFile }]);
  } finally {
    engine.dispose();
  }
}

export interface InProcessVerify {
  timing: Timing;
  score: number;
  accepted: boolean;
}

export async function benchVerifyInProcess(storeDir: string, modelDir: string, fx: VerifyFixture, runs: number): Promise<InProcessVerify> {
  const engine = await Engine.open({ storeDir, modelDir });
  try {
    let last = { score: NaN, accepted: false };
    const timing = await measure(
      runs,
      async () => {
        last = await engine.verify(BENCH_SPEAKER, { path: fx.testWav });
      },
      3,
    );
    return { timing, ...last };
  } finally {
    engine.dispose();
  }
}

export interface CliVerify {
  /** How bin/voxprint.js started: the prebuilt bundle, or the sources through tsx (and why). */
  start: string;
  /** Wall time of the whole process (spawn to exit), ms. */
  process: Timing;
  /** Largest peak RSS over the runs, MB. */
  peakRssMb: number;
  /** Median CPU time of the child process, ms. */
  cpuMs: number;
  /** Wall time of the first (warm-up) start, ms: cold OS file cache and, in a fresh clone, cold tsx cache. */
  firstMs: number;
}

/**
 * Times `voxprint verify` as whole processes: one warm-up (fills the OS file cache and tsx's
 * transform cache, as any second use would; its time is kept as `firstMs`), then `runs` measured
 * starts, each a new process. `env` may set
 * VOXPRINT_NO_BUNDLE=1 to time the tsx path.
 */
export async function benchCliVerify(storeDir: string, modelDir: string, fx: VerifyFixture, runs: number, env: NodeJS.ProcessEnv = {}): Promise<CliVerify> {
  const args = [join(REPO_ROOT, 'bin', 'voxprint.js'), 'verify', BENCH_SPEAKER, fx.testWav, '--store', storeDir, '--model', modelDir];
  const once = async () => {
    const r = await runNode(args, { timeoutMs: 120_000, env });
    if (r.code !== 0 || !/ACCEPTED|REJECTED/.test(r.stdout)) {
      throw new Error(`voxprint verify failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
    }
    return r;
  };
  const first = await once();
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  const s = summarize(
    results.map((r) => r.wallMs),
    results.map((r) => r.cpuMs),
  );
  const b = freshBundle({ ...process.env, ...env });
  return { start: b.path ? 'bundle (dist/voxprint.js)' : `sources via tsx (${b.why})`, process: s, peakRssMb: Math.max(...results.map((r) => r.peakRssMb)), cpuMs: s.cpuMedian, firstMs: first.wallMs };
}
