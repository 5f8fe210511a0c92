/**
 * Electron's security checklist, checked statically: the BrowserWindow options, the CSP in
 * index.html, and the source of main/ and the preload (no Electron binary runs here).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decidePermission, decidePermissionCheck, ownUrlCheck, resolveAppPath, windowOptions } from '../../main/security';
import { cspFromHtml } from '../../src/bridge/server';

const root = join(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

describe('BrowserWindow options', () => {
  const wp = windowOptions('/x/preload.cjs').webPreferences!;
  it('isolates and sandboxes the page, without Node', () => {
    expect(wp.contextIsolation).toBe(true);
    expect(wp.sandbox).toBe(true);
    expect(wp.nodeIntegration).toBe(false);
    expect(wp.nodeIntegrationInWorker).toBe(false);
    expect(wp.nodeIntegrationInSubFrames).toBe(false);
  });
  it('keeps web security on and insecure content, webviews and experimental features off', () => {
    expect(wp.webSecurity).toBe(true);
    expect(wp.allowRunningInsecureContent).toBe(false);
    expect(wp.webviewTag).toBe(false);
    expect(wp.experimentalFeatures).toBe(false);
    expect(wp.navigateOnDragDrop).toBe(false);
    expect(wp.preload).toBe('/x/preload.cjs');
  });
  it('is the options object main/window.ts actually uses', () => {
    expect(read('main/window.ts')).toMatch(/new BrowserWindow\(windowOptions\(opts\.preload\)\)/);
  });
});

describe('Content Security Policy in renderer/index.html', () => {
  const csp = cspFromHtml(read('renderer/index.html'))!;
  const directives = new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  it('exists and denies by default', () => {
    expect(csp).toBeTruthy();
    expect(directives.get('default-src')).toEqual(["'none'"]);
  });
  it('allows scripts and styles from our own origin only: no inline code, no eval', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|strict-dynamic/);
  });
  it('loads nothing remote and cannot be framed into plugins or forms', () => {
    expect(csp).not.toMatch(/https?:|wss?:|\*/);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
  });
  it('is not relaxed at build time (only the dev server relaxes it)', () => {
    const cfg = read('electron.vite.config.ts');
    expect(cfg).toMatch(/apply: 'serve'/);
  });
});

describe('main process wiring', () => {
  const main = read('main/index.ts');
  const win = read('main/window.ts');
  it('blocks navigation, new windows and webviews', () => {
    expect(win).toMatch(/'will-navigate', \(e\) => e\.preventDefault\(\)/);
    expect(win).toMatch(/setWindowOpenHandler\([\s\S]*?action: 'deny'/);
    expect(win).toMatch(/'will-attach-webview', \(e\) => e\.preventDefault\(\)/);
    expect(main).toMatch(/'web-contents-created'[\s\S]*setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
  });
  it('enables the sandbox app-wide and serves the page from app://, not file://', () => {
    expect(main).toMatch(/app\.enableSandbox\(\)/);
    expect(main).toMatch(/handleAppProtocol\(/);
    expect(main + win).not.toMatch(/loadFile\(|file:\/\//);
  });
  it('installs both permission handlers, deciding with decidePermission*', () => {
    expect(main).toMatch(/setPermissionRequestHandler\([\s\S]*decidePermission\(/);
    expect(main).toMatch(/setPermissionCheckHandler\([\s\S]*decidePermissionCheck\(/);
  });
  it('the preload exposes exactly one object, window.voxprint, and no Node or Electron objects', () => {
    const preload = read('main/preload.ts');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toMatch(/exposeInMainWorld\('voxprint', createBridgeApi\(OP_NAMES, transport\)\)/);
    expect(preload).not.toMatch(/require\(|\bprocess\.[A-Za-z]|exposeInMainWorld\([^)]*ipcRenderer/);
  });
  it('every op is registered through the checking wrapper', () => {
    expect(read('main/context.ts')).toMatch(/registerOps\(ctx\.ipc, opsOfFeature\(feature\), dispatch, ctx\.isTrusted\)/);
    expect(main).not.toMatch(/ipcMain\.(handle|on)\(/);
  });
});

describe('permission decisions', () => {
  const own = ownUrlCheck();
  const ask = { permission: 'media', url: 'app://voxprint/index.html', mediaTypes: ['audio'], isMainFrame: true };
  it('grants the microphone to our own page', () => {
    expect(decidePermission(ask, own)).toBe(true);
  });
  it.each([
    ['the camera', { ...ask, mediaTypes: ['video'] }],
    ['camera and microphone together', { ...ask, mediaTypes: ['audio', 'video'] }],
    ['media of unknown kind', { ...ask, mediaTypes: [] }],
    ['another origin', { ...ask, url: 'https://evil.example/' }],
    ['a file:// page', { ...ask, url: 'file:///index.html' }],
    ['a sub-frame', { ...ask, isMainFrame: false }],
    ['notifications', { ...ask, permission: 'notifications' }],
    ['geolocation', { ...ask, permission: 'geolocation' }],
    ['clipboard reads', { ...ask, permission: 'clipboard-read' }],
  ])('refuses %s', (_what, a) => {
    expect(decidePermission(a, own)).toBe(false);
  });
  it('checks: audio for our origin only', () => {
    expect(decidePermissionCheck('media', 'app://voxprint', 'audio', own)).toBe(true);
    expect(decidePermissionCheck('media', 'app://voxprint', 'video', own)).toBe(false);
    expect(decidePermissionCheck('media', 'https://evil.example', 'audio', own)).toBe(false);
    expect(decidePermissionCheck('notifications', 'app://voxprint', undefined, own)).toBe(false);
  });
});

describe('app:// protocol paths', () => {
  it('maps our pages and refuses anything outside the renderer folder', () => {
    expect(resolveAppPath('/r', 'app://voxprint/')).toBe('/r/index.html');
    expect(resolveAppPath('/r', 'app://voxprint/assets/a.js')).toBe('/r/assets/a.js');
    expect(resolveAppPath('/r', 'app://voxprint/../../etc/passwd')).toBe('/r/etc/passwd'); // URL parsing collapses ..
    expect(resolveAppPath('/r', 'app://voxprint/%2e%2e/%2e%2e/etc/passwd')).toBe('/r/etc/passwd'); // so does %2e%2e
    expect(resolveAppPath('/r', 'app://voxprint/..%2f..%2fetc%2fpasswd')).toBeNull();
    expect(resolveAppPath('/r', 'app://other/index.html')).toBeNull();
    expect(resolveAppPath('/r', 'app://voxprint/%E0%A4%A')).toBeNull();
  });
});
