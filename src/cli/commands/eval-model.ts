/** The model `voxprint eval` measures: the one `verify` would use (src/model/resolve.ts). */
import type { Embedder } from '../../model/embedder';
import { resolveModelDir } from '../../model/resolve';
import { defaultStoreDir } from '../../speakers/home';
import type { Ctx } from '../command';

export interface MeasuredModel {
  embedder: Embedder;
  /** The card's id ('' for a card without one). */
  id: string;
  dir: string;
}

/** Loads --model, else the store's model in use (a fine-tuned version after `voxprint finetune`), else the built-in one. */
export async function loadMeasuredModel(ctx: Ctx): Promise<MeasuredModel> {
  // Loaded here, not at start: these pull in tfjs, which `voxprint --help` never needs.
  const [{ initBackend }, { loadModel }] = await Promise.all([import('../../backend'), import('../../model/io')]);
  const dir = resolveModelDir({ storeDir: ctx.storeDir ?? defaultStoreDir(ctx.io.env), modelDir: ctx.modelDir, env: ctx.io.env });
  await initBackend();
  const embedder = await loadModel(dir);
  return { embedder, id: embedder.card?.id ?? '', dir };
}
