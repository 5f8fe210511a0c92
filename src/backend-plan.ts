/**
 * Which TensorFlow.js backend `initBackend` (./backend) will pick, worked out without loading
 * tfjs: `voxprint --version` answers from here, so it starts in the time of Node itself.
 */
import { createRequire } from 'node:module';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

const req = createRequire(import.meta.url);

export interface BackendPlan {
  backend: BackendName;
  /** Why tfjs-node will not be used, when it will not. */
  tfjsNodeUnavailable?: string;
}

/**
 * `VOXPRINT_BACKEND` when set, else tfjs-node when the package is installed, else wasm (the order
 * of initBackend). A tfjs-node that is installed but fails to load is found out only by loading it.
 */
export function plannedBackend(env: NodeJS.ProcessEnv = process.env): BackendPlan {
  const forced = env.VOXPRINT_BACKEND as BackendName | undefined;
  if (forced) return { backend: forced, ...(forced !== 'tensorflow' ? { tfjsNodeUnavailable: `VOXPRINT_BACKEND is ${forced}` } : {}) };
  try {
    req.resolve('@tensorflow/tfjs-node');
    return { backend: 'tensorflow' };
  } catch {
    return { backend: 'wasm', tfjsNodeUnavailable: 'the optional package @tensorflow/tfjs-node is not installed' };
  }
}

/** The installed tfjs version, read from its package.json (what `tf.version.tfjs` says). */
export function tfjsVersion(): string {
  return (req('@tensorflow/tfjs/package.json') as { version: string }).version;
}
