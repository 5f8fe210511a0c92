/**
 * The server side of the contract, shared by the Electron IPC handlers and the browser bridge:
 * look the op up in the table, validate the request against its schema, call the handler,
 * validate what it answers, and wrap the outcome in an envelope. Nothing here knows the transport.
 */
import { contract, type Envelope, type OpName, type ParsedReq, type Res } from './contract';
import { describeZodError, toErrorPayload } from './errors';

export type Handler<K extends OpName> = (req: ParsedReq<K>) => Promise<Res<K>>;
export type Handlers = { [K in OpName]: Handler<K> };

export type Dispatch = (op: string, rawRequest: unknown) => Promise<Envelope>;

export function isOpName(op: unknown): op is OpName {
  return typeof op === 'string' && Object.prototype.hasOwnProperty.call(contract, op);
}

export interface DispatchOptions {
  /** Called with every internal (non-user) error, for the log. Never shown to the user. */
  onInternalError?: (op: string, error: unknown) => void;
}

export function createDispatcher(handlers: Partial<Handlers>, opts: DispatchOptions = {}): Dispatch {
  return async (op, rawRequest) => {
    if (!isOpName(op)) {
      return { ok: false, error: { code: 'BAD_ARGUMENT', message: `Unknown operation "${String(op).slice(0, 60)}".` } };
    }
    const spec = contract[op];
    const parsed = spec.request.safeParse(rawRequest);
    if (!parsed.success) {
      return { ok: false, error: { code: 'BAD_ARGUMENT', message: describeZodError(op, parsed.error) } };
    }
    const handler = handlers[op] as Handler<typeof op> | undefined;
    if (!handler) {
      return { ok: false, error: { code: 'INTERNAL', message: `Internal error: no handler is registered for ${op}.` } };
    }
    try {
      const value = await handler(parsed.data as never);
      const checked = spec.response.safeParse(value);
      if (!checked.success) {
        opts.onInternalError?.(op, checked.error);
        return {
          ok: false,
          error: { code: 'INTERNAL', message: `Internal error: the core answered ${op} in an unexpected shape.` },
        };
      }
      return { ok: true, value: checked.data };
    } catch (e) {
      const payload = toErrorPayload(e);
      if (payload.code === 'INTERNAL') opts.onInternalError?.(op, e);
      return { ok: false, error: payload };
    }
  };
}
