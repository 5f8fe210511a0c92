/**
 * npm run web [-- --port N --store DIR --model DIR]
 * Serves the built renderer and the API on 127.0.0.1 with a per-run token, and prints the address
 * to open (it carries the token). Ctrl+C stops it.
 */
import { parseArgs } from 'node:util';
import { startWeb } from '../src/bridge/web';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    store: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got "${values.port}".`);
  process.exit(2);
}
try {
  const web = await startWeb({ port, storeDir: values.store, modelDir: values.model });
  if (values.json) console.log(JSON.stringify({ url: web.bridge.launchUrl, origin: web.bridge.origin }));
  else console.log(`voxprint web UI: open ${web.bridge.launchUrl}\n(listening on 127.0.0.1 only; the address carries this run's access token)`);
  const stop = () => void web.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
