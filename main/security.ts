/**
 * Electron's security checklist, as data and pure decisions that tests can read without Electron:
 * the window's webPreferences, which URLs are ours, and which permission requests are granted.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { join, normalize, sep } from 'node:path';

/** Our page is served from this privileged, secure custom scheme (never file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'voxprint';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'voxprint',
    backgroundColor: '#f3f4f7',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: true,
    },
  };
}

/** Our own page: app://voxprint/..., or the Vite dev server while developing. */
export function ownUrlCheck(devServerUrl?: string): (url: string) => boolean {
  const dev = devServerUrl ? new URL(devServerUrl).origin : undefined;
  return (url) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true;
    return dev !== undefined && u.origin === dev;
  };
}

export interface PermissionAsk {
  permission: string;
  /** The page asking (requestingUrl / requestingOrigin). */
  url: string;
  /** For 'media': what kinds of device; only audio is ever granted. */
  mediaTypes?: string[];
  isMainFrame: boolean;
}

/** Only the microphone, only for our own top-level page. Everything else is refused. */
export function decidePermission(ask: PermissionAsk, isOwnUrl: (url: string) => boolean): boolean {
  if (!ask.isMainFrame || !isOwnUrl(ask.url)) return false;
  if (ask.permission !== 'media') return false;
  const types = ask.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'audio');
}

/** The permission *check* (not request) side: enumerating devices and reading their labels needs this. */
export function decidePermissionCheck(
  permission: string,
  origin: string,
  mediaType: string | undefined,
  isOwnUrl: (url: string) => boolean,
): boolean {
  return permission === 'media' && mediaType !== 'video' && isOwnUrl(origin.endsWith('/') ? origin : `${origin}/`);
}

/** Maps app://voxprint/<path> to a file under `root`, refusing anything outside it. */
export function resolveAppPath(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  } catch {
    return null;
  }
  const file = normalize(join(root, rel));
  return file.startsWith(normalize(root) + sep) ? file : null;
}
