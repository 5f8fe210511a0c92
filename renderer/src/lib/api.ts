/** The renderer's only door to the core: window.voxprint, whichever transport set it. */
import { unwrapApi, ApiError, type Api } from '../../../src/api/client';

export { ApiError };
export const api: Api = unwrapApi(window.voxprint);

/** Words for any error, for showing in place: never a stack trace. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof DOMException && e.name === 'NotAllowedError') {
    return 'The microphone is blocked. Allow microphone access for voxprint, then try again.';
  }
  if (e instanceof DOMException && e.name === 'NotFoundError') {
    return 'No microphone was found. Plug one in, or drop an audio file instead.';
  }
  if (e instanceof Error) return e.message;
  return String(e);
}
