/** Bundled as out/renderer/bridge-client.js; the bridge server injects it before the app script. */
import '../api/zod-jitless';
import { OP_NAMES } from '../api/contract';
import { installBridgeClient } from './client';

installBridgeClient(OP_NAMES);
