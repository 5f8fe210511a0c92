/**
 * A small randomly initialised model saved to a folder, for tests that need a model before (or
 * without) the trained default. Its scores mean little; tests assert structure and determinism.
 */
import { initBackend } from '../../src/backend';
import { createEmbedder, saveModel } from '../../src/model';

export const RANDOM_MODEL_ID = 'test-random-model';

export async function saveRandomModel(dir: string, id = RANDOM_MODEL_ID, seed = 3): Promise<void> {
  await initBackend();
  const e = createEmbedder({
    arch: { frameLayers: [32, 32], frameEmbed: 16, statsLayers: [32], statsEmbed: 16, embedDim: 24 },
    seed,
  });
  try {
    await saveModel(dir, e, {
      id,
      createdAt: new Date(0).toISOString(),
      training: {
        data: [{ name: 'none', speakers: 0, clips: 0, licence: 'none', attribution: 'random weights, for tests' }],
        loss: 'none',
        mining: 'none',
        steps: 0,
        seconds: 0,
        recipe: 'random initialisation (test model; never ship)',
      },
      evaluation: {},
      threshold: { value: 0.9, method: 'fixed for tests' },
      parent: null,
    });
  } finally {
    e.dispose();
  }
}
