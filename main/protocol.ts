/**
 * Serves the built renderer from app://voxprint/ instead of file:// (Electron's checklist: a
 * standard, secure custom scheme gives the page a real origin for the CSP and the permission check,
 * and cannot reach files outside the renderer folder).
 */
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { APP_SCHEME, resolveAppPath } from './security';

/** Must run before the app is ready. */
export function registerSchemeAsPrivileged(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

export function handleAppProtocol(root: string): void {
  protocol.handle(APP_SCHEME, (req) => {
    const file = resolveAppPath(root, req.url);
    if (!file) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });
}
