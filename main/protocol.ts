/**
 * Serves the built renderer from app://voxprint/ instead of file:// (Electron's checklist: a
 * standard, secure custom scheme gives the page a real origin for the CSP and the permission check,
 * and cannot reach files outside the renderer folder).
 */
import { net, protocol } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_HOST, APP_SCHEME } from './security';

/** Must run before the app is ready. */
export function registerSchemeAsPrivileged(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/** Maps app://voxprint/<path> to a file under `root`, refusing anything outside it. */
export function resolveAppPath(root: string, requestUrl: string): string | null {
  const url = new URL(requestUrl);
  if (url.host !== APP_HOST) return null;
  const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  const file = normalize(join(root, rel));
  return file.startsWith(normalize(root) + sep) ? file : null;
}

export function handleAppProtocol(root: string): void {
  protocol.handle(APP_SCHEME, (req) => {
    const file = resolveAppPath(root, req.url);
    if (!file) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });
}
