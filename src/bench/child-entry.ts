/**
 * Entry of the bench's child processes (run through tsx by child.ts), one job per process:
 *   embed: the embedding figures on the backend named by VOXPRINT_BACKEND;
 *   train: training throughput (its own process, so its peak RSS is training's alone);
 *   finetune: a household fine-tune (./finetune).
 * Prints one JSON line last. Argument: a JSON object (see ChildJob).
 */
import { initBackend, tf } from '../backend';
import { loadModel, readModelCard } from '../model';
import { benchEmbedding } from './embed';
import { benchFinetune } from './finetune';
import { crops3s, speechOf } from './fixtures';
import { benchTraining } from './train';

export type ChildJob =
  | { job: 'embed'; modelDir: string; data: string; runs: number; long: boolean }
  | { job: 'train'; data: string; tmp: string; warmup: number; steps: number; speakers: number; files: number; recipeFrom?: string }
  | { job: 'finetune'; data: string; tmp: string; modelDir: string };

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as ChildJob;
  const backend = await initBackend();
  if (job.job === 'embed') {
    const e = await loadModel(job.modelDir);
    const [clip3s] = await crops3s(job.data, 1);
    // The slow backends get a short "30 s" clip: one window past 3 s still exercises windowing.
    const clip30s = await speechOf(job.data, job.long ? 30 : 6);
    const batch = await crops3s(job.data, 8);
    const r = await benchEmbedding(e, { clip3s, clip30s, batch }, job.runs);
    e.dispose();
    console.log(JSON.stringify({ backend, tensors: tf.memory().numTensors, ...r }));
  } else if (job.job === 'train') {
    // The trained default model's card holds the options it was trained with: its recipe.
    const card = job.recipeFrom ? await readModelCard(job.recipeFrom) : undefined;
    const recipe = card?.training.options;
    const r = await benchTraining(job.data, job.tmp, { ...job, recipe, recipeName: recipe ? `recipe of ${card!.id}` : undefined });
    console.log(JSON.stringify({ backend, ...r }));
  } else if (job.job === 'finetune') {
    const r = await benchFinetune(job.data, job.tmp, job.modelDir);
    console.log(JSON.stringify({ backend, ...r }));
  } else {
    throw new Error(`unknown bench job ${JSON.stringify(job)}`);
  }
}

await main();
