/** What every feature module's registerX() gets, and the one way a feature wires its handlers. */
import { opsOfFeature, type Feature } from '../src/api/contract';
import { createDispatcher } from '../src/api/dispatch';
import { FEATURE_HANDLERS } from '../src/api/handlers';
import type { CoreHost } from '../src/api/host';
import { registerOps, type IpcRegistry, type SenderCheck } from './ipc';

export interface MainContext {
  ipc: IpcRegistry;
  host: CoreHost;
  isTrusted: SenderCheck;
  log: (line: string) => void;
}

/** Registers one IPC channel per op of `feature`, each checked and validated by the wrapper. */
export function registerFeature(ctx: MainContext, feature: Feature): void {
  const handlers = FEATURE_HANDLERS[feature](ctx.host);
  const dispatch = createDispatcher(handlers, {
    onInternalError: (op, e) => ctx.log(`voxprint: ${op} failed: ${(e as Error)?.stack ?? String(e)}`),
  });
  registerOps(ctx.ipc, opsOfFeature(feature), dispatch, ctx.isTrusted);
}
