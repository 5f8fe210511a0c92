/**
 * Child process for the kill test: switches the store's model version with the registry
 * (src/model/registry.ts: embeddings beside the old ones, one atomic commit, then promotion), the
 * way the app's "use this model" does. Prints `ready` before the switch starts and `done` after.
 *
 *   node --import tsx test/reliability/helpers/switch-model.ts STORE_DIR BUILTIN_MODEL_DIR TARGET_ID
 */
import * as fs from 'node:fs';
import { initBackend } from '../../../src/backend';
import { ModelRegistry, switchModel } from '../../../src/model/registry';
import { ProfileStore } from '../../../src/speakers/store';

const [storeDir, builtinDir, target] = process.argv.slice(2);
const say = (line: string) => fs.writeSync(1, `${line}\n`);

await initBackend();
const store = await ProfileStore.open(storeDir);
const registry = new ModelRegistry({ storeDir, builtinDir });
say('ready');
const r = await switchModel(registry, store, target, { onProgress: (done, total) => say(`prepared ${done}/${total}`) });
say(`done ${r.reembedded} ${r.switched}`);
