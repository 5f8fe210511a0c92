/** The model the e2e run uses: models/default when it is there, else a random one made here. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { createEmbedder, saveModel } from '../../src/model';

export const DEFAULT_MODEL = join(import.meta.dirname, '../../models/default');

export function trainedModelPresent(): boolean {
  return existsSync(join(DEFAULT_MODEL, 'voxprint.json'));
}

/** A randomly initialised model in `dir` (scores from it mean nothing; the UI says so). */
export async function makeRandomModel(dir: string, opts: { id?: string; seed?: number } = {}): Promise<string> {
  await initBackend();
  const embedder = createEmbedder({ seed: opts.seed ?? 7 });
  await saveModel(dir, embedder, {
    id: opts.id ?? 'random-e2e',
    createdAt: new Date().toISOString(),
    training: { data: [], loss: 'none', mining: '-', steps: 0, seconds: 0, recipe: 'random initialisation, for the e2e test only' },
    evaluation: {},
    threshold: { value: 0.5, method: 'arbitrary: the model is untrained' },
    parent: null,
  });
  embedder.dispose();
  return dir;
}
