/**
 * The one wrapper every IPC handler goes through (after Electron Fiddle's src/main/ipc.ts), plus
 * what Fiddle lacks: the arguments are validated against the contract before any core code runs.
 * It imports no Electron values, so tests drive it with plain objects.
 */
import type { IpcMainInvokeEvent } from 'electron';
import type { Envelope, OpName } from '../src/api/contract';
import type { Dispatch } from '../src/api/dispatch';

export const CHANNEL_PREFIX = 'voxprint:';
export const EVENT_CHANNEL = 'voxprint:job-event';

export function channelOf(op: OpName): string {
  return `${CHANNEL_PREFIX}${op}`;
}

/** The parts of an invoke event the sender check looks at. */
export type SenderEvent = {
  sender: Pick<IpcMainInvokeEvent['sender'], 'id'>;
  senderFrame: { url: string; parent: unknown } | null;
};

export type SenderCheck = (event: SenderEvent) => boolean;

/**
 * Trusts only the top frame of our own window, showing our own page: a wrong window, an iframe, a
 * navigated-away frame or a destroyed one is refused.
 */
export function ownWindowCheck(getWebContentsId: () => number | undefined, isOwnUrl: (url: string) => boolean): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent) return false;
    const id = getWebContentsId();
    if (id === undefined || event.sender.id !== id) return false;
    return isOwnUrl(frame.url);
  };
}

export type IpcHandler = (event: SenderEvent, request: unknown) => Promise<Envelope>;

export function makeIpcHandler(op: OpName, dispatch: Dispatch, isTrusted: SenderCheck): IpcHandler {
  return async (event, request) => {
    if (!isTrusted(event)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: `Refused ${op}: the request did not come from the voxprint window.` } };
    }
    return dispatch(op, request);
  };
}

/** What registerX() needs from ipcMain; a Map works in tests. */
export interface IpcRegistry {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
}

export function registerOps(ipc: IpcRegistry, ops: readonly OpName[], dispatch: Dispatch, isTrusted: SenderCheck): void {
  for (const op of ops) {
    const handler = makeIpcHandler(op, dispatch, isTrusted);
    ipc.handle(channelOf(op), (event, request) => handler(event as unknown as SenderEvent, request));
  }
}
