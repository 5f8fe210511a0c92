/**
 * TensorFlow.js backend selection. `@tensorflow/tfjs-node` is an optional dependency: it is used
 * whenever it loads (it binds libtensorflow, fetched at install time on machines with internet).
 * Otherwise we fall back to the wasm backend (XNNPACK, SIMD), measured on this project's
 * machines at ~18x the pure-JS `cpu` backend for a 1000x1000 matMul (docs/backend.md).
 *
 * All tensor code imports `tf` from here so that every caller shares one tfjs instance.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { BackendError } from './errors';
import type { BackendName } from './backend-plan';

export { tf };
export type { BackendName };

let chosen: Promise<BackendName> | undefined;

/** Why tfjs-node was not used, for `--version` and the app's Settings screen. */
export let nodeBackendUnavailableReason: string | undefined;

/** Loads tfjs-node, which registers the 'tensorflow' backend as it loads. */
function importTfjsNode(): Promise<unknown> {
  // A variable specifier keeps bundlers from trying to resolve the optional package.
  const name = '@tensorflow/tfjs-node';
  return import(/* @vite-ignore */ name);
}

async function tryNode(importNode: () => Promise<unknown>): Promise<boolean> {
  try {
    await importNode();
    return tf.findBackend('tensorflow') !== undefined || tf.engine().registryFactory['tensorflow'] !== undefined;
  } catch (e) {
    nodeBackendUnavailableReason = (e as Error).message.split('\n')[0];
    return false;
  }
}

export interface BackendChoice {
  /** Only this backend (VOXPRINT_BACKEND); default: tensorflow, wasm, cpu, the first that starts. */
  forced?: BackendName;
  /** How tfjs-node is loaded (tests replace it to take either path on any machine). */
  importNode?: () => Promise<unknown>;
}

/** Sets the first backend of the order that initialises and returns its name; initBackend's rule. */
export async function chooseBackend({ forced, importNode = importTfjsNode }: BackendChoice = {}): Promise<BackendName> {
  const order: BackendName[] = forced ? [forced] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    if (name === 'tensorflow' && !(await tryNode(importNode))) continue;
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      /* try the next one */
    }
  }
  throw new Error(`No TensorFlow.js backend could be initialised (tried ${order.join(', ')}).`);
}

/**
 * Picks and initialises the backend once per process: `VOXPRINT_BACKEND` if set
 * (tensorflow|wasm|cpu), else tfjs-node when it loads, else wasm, else cpu.
 */
export function initBackend(): Promise<BackendName> {
  chosen ??= chooseBackend({ forced: process.env.VOXPRINT_BACKEND as BackendName | undefined });
  return chosen;
}

/**
 * `initBackend` for code that is about to run a model: every model load calls it, so no command
 * depends on an earlier call having initialised tfjs. A failure is a BackendError (a runtime
 * problem), never a model-folder error.
 */
export async function ensureBackend(): Promise<BackendName> {
  try {
    return await initBackend();
  } catch (e) {
    throw new BackendError(
      `The TensorFlow.js runtime could not start: ${(e as Error)?.message ?? String(e)} ` +
        'Reinstall the packages (npm install), or choose another backend with VOXPRINT_BACKEND=wasm or VOXPRINT_BACKEND=cpu.',
      { cause: e },
    );
  }
}

/** True for an error thrown by tfjs because no backend was ready (a runtime fault, not bad input). */
export function isBackendFault(e: unknown): boolean {
  return /backend/i.test((e as Error)?.message ?? '') && /initiali[sz]ed|not (?:found|registered)|tf\.ready|setBackend/i.test((e as Error)?.message ?? '');
}

/** The backend in use, or undefined before `initBackend` resolves. */
export function currentBackend(): string | undefined {
  return chosen ? tf.getBackend() : undefined;
}
