/**
 * Fine-tune of a household: 3 speakers enrolled with 4 takes each (real isolated-word recordings
 * of DSPSpeech-20 TRAIN speakers, ~2 s a take) in a fresh store, then `finetune()` with the
 * defaults of `voxprint finetune` (keep: never, so the store is left as it was), held-out check
 * included. Wall time from the call to its result, in its own process (child-entry's
 * `finetune` job), with its own feature cache in `tmp`: the first fine-tune on this computer,
 * replay features of the original training speakers included when their data is here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../engine';
import { finetune } from '../train/finetune';
import { quantile } from './measure';

export interface FinetuneFigures {
  seconds: number;
  /** CPU time of the fine-tune call (all threads of the process), seconds. */
  cpuSeconds: number;
  speakers: number;
  takes: number;
  epochs: number;
  steps: number;
  replay: boolean;
  eerBefore: number;
  eerAfter: number;
  estimate: string;
  /** Wall and CPU seconds until the features were ready (local takes, their variants, the replay clips), from the call. */
  featuresSeconds: number;
  featuresCpuSeconds: number;
  /** CPU seconds per epoch after that (its steps and its held-out check), median over the epochs. */
  epochCpuSeconds: number;
}

export async function benchFinetune(data: string, tmp: string, modelDir: string): Promise<FinetuneFigures> {
  const splits = JSON.parse(readFileSync(join(data, 'splits.json'), 'utf8')) as { train: Record<string, string[]> };
  const speakers = [...splits.train.dspspeech20].sort().slice(0, 3);
  const storeDir = join(tmp, 'store');
  const engine = await Engine.open({ storeDir, modelDir });
  let takes = 0;
  try {
    for (const spk of speakers) {
      const dir = join(data, 'dspspeech20', spk);
      const files = readdirSync(dir).filter((f) => f.endsWith('.flac')).sort().slice(0, 4);
      await engine.enroll(`Speaker ${spk}`, files.map((f) => ({ path: join(dir, f) })));
      takes += files.length;
    }
  } finally {
    engine.dispose();
  }
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const cpuSince = () => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  // Where the time goes: the 'baseline' event comes once the features are ready, 'epoch' after each epoch.
  let features = { seconds: NaN, cpu: NaN };
  const epochEnds: number[] = [];
  const r = await finetune({ storeDir, modelDir, keep: 'never', cacheDir: join(tmp, 'cache') }, (e) => {
    if (e.type === 'baseline') features = { seconds: (performance.now() - t0) / 1000, cpu: cpuSince() };
    if (e.type === 'epoch') epochEnds.push(cpuSince());
  });
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return {
    seconds,
    cpuSeconds: (c.user + c.system) / 1e6,
    speakers: speakers.length,
    takes,
    epochs: r.epochs,
    steps: r.steps,
    replay: r.replay.used,
    eerBefore: r.eerBefore,
    eerAfter: r.eerAfter,
    estimate: r.estimate,
    featuresSeconds: features.seconds,
    featuresCpuSeconds: features.cpu,
    epochCpuSeconds: quantile(epochEnds.map((end, i) => end - (i === 0 ? features.cpu : epochEnds[i - 1])).sort((a, b) => a - b), 0.5),
  };
}
