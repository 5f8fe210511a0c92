/** Turning anything thrown by a handler into an error payload a user can read: no stack traces. */
import type { ZodError } from 'zod';
import { VoxprintError } from '../errors';
import type { ApiErrorPayload } from './contract';

export function describeZodError(op: string, err: ZodError): string {
  const parts = err.issues.slice(0, 5).map((i) => {
    const where = i.path.length ? i.path.map(String).join('.') : 'request';
    return `${where}: ${i.message}`;
  });
  const more = err.issues.length > 5 ? ` (and ${err.issues.length - 5} more)` : '';
  return `Bad request to ${op}: ${parts.join('; ')}${more}.`;
}

export function toErrorPayload(e: unknown): ApiErrorPayload {
  if (e instanceof VoxprintError) {
    return { code: e.code, message: e.message, ...(e.subject ? { subject: e.subject } : {}) };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message: `Internal error: ${msg.split('\n')[0]}` };
}
