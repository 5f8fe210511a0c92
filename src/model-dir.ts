import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * models/default of this package (the source tree's, or next to a bundle's parent folder: this
 * file and dist/voxprint.js both sit one folder below the package root). Kept apart from
 * ./engine so that CLI code can name it without loading tfjs.
 */
export function defaultModelDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VOXPRINT_MODEL) return path.resolve(env.VOXPRINT_MODEL);
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'models', 'default');
}
