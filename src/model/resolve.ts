/**
 * Which model folder a command, the app or a fine-tune uses: one rule for every caller.
 *
 *   1. an explicit folder (`--model DIR`, an API option) wins;
 *   2. else the version chosen in the profile store (STORE/app-models.json, written by
 *      src/model/registry.ts), when its folder still holds a model;
 *   3. else the built-in model: $VOXPRINT_MODEL, else models/default of this package.
 *
 * Light on purpose (node:fs and node:path only), so the CLI can name a folder without loading tfjs.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../package-root';

export const MODELS_STATE_FILE = 'app-models.json';
export const USER_MODELS_DIR = 'models';
export const MODELS_STATE_FORMAT = 'voxprint-app-models';
/** A version id: it names a folder, so never anything a path could escape with. */
export const MODEL_ID_RE = /^[A-Za-z0-9._-]{1,100}$/;

export interface ModelsState {
  format: typeof MODELS_STATE_FORMAT;
  version: 1;
  /** The version in use; null = the built-in model. */
  activeId: string | null;
  /** The version in use before the last switch (what `rollback` goes back to). */
  previousId: string | null;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The saved choice of a store; a missing or unreadable file means the built-in model. */
export function readModelsState(storeDir: string): ModelsState {
  try {
    const s = JSON.parse(readFileSync(path.join(storeDir, MODELS_STATE_FILE), 'utf8')) as Partial<ModelsState>;
    if (s.format === MODELS_STATE_FORMAT && s.version === 1) {
      const ok = (x: unknown) => (typeof x === 'string' && MODEL_ID_RE.test(x) ? x : null);
      return { format: MODELS_STATE_FORMAT, version: 1, activeId: ok(s.activeId), previousId: ok(s.previousId) };
    }
  } catch {
    /* missing or unreadable: the built-in model is in use */
  }
  return { format: MODELS_STATE_FORMAT, version: 1, activeId: null, previousId: null };
}

/** The built-in model: $VOXPRINT_MODEL, else models/default beside the code (sources or bundle). */
export function builtinModelDir(env: Env = process.env): string {
  if (env.VOXPRINT_MODEL) return path.resolve(env.VOXPRINT_MODEL);
  return path.join(packageRoot(), 'models', 'default');
}

export interface ResolveModelDirOptions {
  /** The profile store whose chosen version is used; without one, rule 2 is skipped. */
  storeDir?: string;
  /** An explicit model folder; wins over everything. */
  modelDir?: string;
  /** Where VOXPRINT_MODEL is read (default process.env). */
  env?: Env;
  /** The built-in model folder, when the caller knows it (the app's is inside its package); default from `env`. */
  builtinDir?: string;
  /** The built-in model's id: a store choosing that id means the built-in folder. */
  builtinId?: string;
}

/** The model folder to use, as an absolute path (see the rule above). */
export function resolveModelDir(o: ResolveModelDirOptions): string {
  if (o.modelDir) return path.resolve(o.modelDir);
  const activeId = o.storeDir ? readModelsState(o.storeDir).activeId : null;
  if (o.storeDir && activeId && activeId !== o.builtinId && !activeId.startsWith('.')) {
    const dir = path.resolve(o.storeDir, USER_MODELS_DIR, activeId);
    if (existsSync(path.join(dir, 'voxprint.json'))) return dir;
  }
  return path.resolve(o.builtinDir ?? builtinModelDir(o.env));
}
