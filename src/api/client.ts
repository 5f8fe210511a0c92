/**
 * The renderer-side view of the contract. A transport (Electron IPC in the preload, HTTP in the
 * browser bridge) only has to move an op name, a request and an envelope; `createBridgeApi`
 * turns it into the object exposed as `window.voxprint`, one method per contract entry.
 *
 * Methods resolve to envelopes rather than throwing, because Electron's contextBridge copies an
 * Error's message only and would drop its code. `unwrapApi` (used by the renderer) turns an
 * `{ ok: false }` envelope back into a thrown `ApiError` with its code.
 */
import type { ApiErrorPayload, Envelope, JobEvent, OpName, Req, Res } from './contract';

export interface Transport {
  invoke(op: OpName, req: unknown): Promise<Envelope>;
  subscribe(listener: (event: JobEvent) => void): () => void;
}

/** What `window.voxprint` is, in Electron and in the browser alike. */
export type VoxprintBridge = { [K in OpName]: (req: Req<K>) => Promise<Envelope<Res<K>>> } & {
  onJobEvent(listener: (event: JobEvent) => void): () => void;
};

/** The renderer's API: the same methods, resolving to values and throwing `ApiError`. */
export type Api = { [K in OpName]: (req: Req<K>) => Promise<Res<K>> } & {
  onJobEvent(listener: (event: JobEvent) => void): () => void;
};

export class ApiError extends Error {
  readonly code: string;
  readonly subject?: string;
  constructor(payload: ApiErrorPayload) {
    super(payload.message);
    this.name = 'ApiError';
    this.code = payload.code;
    this.subject = payload.subject;
  }
}

/** Builds `window.voxprint` from the op names of the contract and a transport. */
export function createBridgeApi(opNames: readonly OpName[], transport: Transport): VoxprintBridge {
  const api: Record<string, unknown> = {};
  for (const op of opNames) {
    api[op] = (req: unknown) => transport.invoke(op, req ?? {});
  }
  api.onJobEvent = (listener: (event: JobEvent) => void) => transport.subscribe(listener);
  return api as VoxprintBridge;
}

/** Wraps `window.voxprint` so that failed envelopes throw `ApiError`. */
export function unwrapApi(bridge: VoxprintBridge): Api {
  return new Proxy({} as Api, {
    get(_target, prop: string) {
      if (prop === 'onJobEvent') return bridge.onJobEvent.bind(bridge);
      const fn = (bridge as unknown as Record<string, (req: unknown) => Promise<Envelope>>)[prop];
      if (typeof fn !== 'function') return undefined;
      return async (req: unknown) => {
        let env: Envelope;
        try {
          env = await fn(req ?? {});
        } catch (e) {
          // Transport failures (bridge gone, IPC channel closed) are shown in words too.
          throw new ApiError({
            code: 'TRANSPORT',
            message: `Could not reach the voxprint core: ${(e as Error)?.message ?? String(e)}`,
          });
        }
        if (!env || typeof env !== 'object' || !('ok' in env)) {
          throw new ApiError({ code: 'INTERNAL', message: 'The voxprint core sent an answer in an unknown format.' });
        }
        if (env.ok) return env.value;
        throw new ApiError(env.error);
      };
    },
  });
}
