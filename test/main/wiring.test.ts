/**
 * main/index.ts and main/preload.ts run against a stand-in for the `electron` module (no Electron
 * binary here): the window gets the checked options, every contract op gets a checked IPC channel,
 * the permission handlers grant the microphone to our window only, remote requests are cancelled,
 * and the preload exposes exactly one object.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { OP_NAMES } from '../../src/api/contract';
import { channelOf } from '../../main/ipc';

const h = vi.hoisted(() => {
  const state = {
    handlers: new Map<string, (e: unknown, req: unknown) => Promise<unknown>>(),
    appEvents: new Map<string, (...a: unknown[]) => void>(),
    windows: [] as { options: Record<string, unknown>; url?: string; webContents: { id: number; handlers: Map<string, unknown>; openHandler?: unknown; send: (...a: unknown[]) => void } }[],
    permissionRequest: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void, d: unknown) => void),
    permissionCheck: undefined as undefined | ((wc: unknown, p: string, origin: string, d: unknown) => boolean),
    beforeRequest: undefined as undefined | ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
    exposed: [] as [string, Record<string, unknown>][],
    invoked: [] as [string, unknown][],
    privileged: [] as unknown[],
    sandboxed: false,
  };
  let ready: () => void = () => {};
  const whenReadyPromise = new Promise<void>((r) => (ready = r));
  class BrowserWindow {
    webContents;
    constructor(public options: Record<string, unknown>) {
      const handlers = new Map<string, unknown>();
      this.webContents = {
        id: 41,
        handlers,
        on: (ev: string, fn: unknown) => handlers.set(ev, fn),
        setWindowOpenHandler: (fn: unknown) => handlers.set('open', fn),
        send: () => {},
      };
      state.windows.push(this as never);
    }
    once() {}
    on() {}
    loadURL(url: string) {
      (this as unknown as { url: string }).url = url;
      return Promise.resolve();
    }
    show() {}
  }
  const electron = {
    app: {
      enableSandbox: () => (state.sandboxed = true),
      isPackaged: true,
      whenReady: () => whenReadyPromise,
      on: (ev: string, fn: (...a: unknown[]) => void) => state.appEvents.set(ev, fn),
      getAppPath: () => '/app',
      quit: () => {},
    },
    BrowserWindow,
    ipcMain: { handle: (c: string, fn: never) => state.handlers.set(c, fn) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: never) => (state.permissionRequest = fn),
        setPermissionCheckHandler: (fn: never) => (state.permissionCheck = fn),
        webRequest: { onBeforeRequest: (fn: never) => (state.beforeRequest = fn) },
      },
    },
    protocol: { registerSchemesAsPrivileged: (s: unknown) => state.privileged.push(s), handle: () => {} },
    net: { fetch: () => {} },
    shell: { openExternal: () => {} },
    contextBridge: { exposeInMainWorld: (k: string, v: Record<string, unknown>) => state.exposed.push([k, v]) },
    ipcRenderer: { invoke: (c: string, req: unknown) => (state.invoked.push([c, req]), Promise.resolve({ ok: true, value: {} })), on: () => {}, removeListener: () => {} },
  };
  return { state, electron, ready: () => ready() };
});

vi.mock('electron', () => ({ ...h.electron, default: h.electron }));
vi.mock('../../main/core', () => ({
  createMainHost: async () => ({
    engine: () => ({ setThreshold: async () => {} }),
    ensureOpen: async () => {},
    jobs: { cancel: () => false },
    close: () => {},
  }),
}));

beforeAll(async () => {
  await import('../../main/index');
  h.ready();
  await vi.waitFor(() => expect(h.state.windows).toHaveLength(1));
});

const ourFrame = (id = 41) => ({ sender: { id }, senderFrame: { url: 'app://voxprint/index.html', parent: null } });

describe('main/index.ts wiring', () => {
  it('enables the sandbox and registers app:// as a secure standard scheme before ready', () => {
    expect(h.state.sandboxed).toBe(true);
    expect(JSON.stringify(h.state.privileged)).toMatch(/"scheme":"app".*"standard":true.*"secure":true/);
  });

  it('opens one window with the checked options, on app://voxprint/', () => {
    const w = h.state.windows[0] as unknown as { options: { webPreferences: Record<string, unknown> }; url: string };
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: expect.stringMatching(/preload\.cjs$/) });
    expect(w.url).toBe('app://voxprint/index.html');
  });

  it('blocks navigation and pop-ups on the window', () => {
    const wc = h.state.windows[0].webContents;
    let prevented = false;
    (wc.handlers.get('will-navigate') as (e: unknown) => void)({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect((wc.handlers.get('open') as (d: { url: string }) => unknown)({ url: 'https://x.example/' })).toEqual({ action: 'deny' });
  });

  it('registers one checked channel per contract op', async () => {
    expect([...h.state.handlers.keys()].sort()).toEqual(OP_NAMES.map(channelOf).sort());
    const setThreshold = h.state.handlers.get(channelOf('setThreshold'))!;
    expect(await setThreshold(ourFrame(), { threshold: 0.3 })).toEqual({ ok: true, value: { threshold: 0.3, scale: 'cosine' } });
    expect(await setThreshold(ourFrame(7), { threshold: 0.3 })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await setThreshold(ourFrame(), { threshold: 'x' })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
  });

  it('grants the microphone to our window only, and nothing else', () => {
    const wc = h.state.windows[0].webContents;
    const ask = (who: unknown, permission: string, details: Record<string, unknown>) => {
      let granted: boolean | undefined;
      h.state.permissionRequest!(who, permission, (ok) => (granted = ok), details);
      return granted;
    };
    const mic = { requestingUrl: 'app://voxprint/index.html', mediaTypes: ['audio'], isMainFrame: true };
    expect(ask(wc, 'media', mic)).toBe(true);
    expect(ask({ id: 99 }, 'media', mic)).toBe(false);
    expect(ask(wc, 'media', { ...mic, mediaTypes: ['video'] })).toBe(false);
    expect(ask(wc, 'geolocation', mic)).toBe(false);
    expect(h.state.permissionCheck!(wc, 'media', 'app://voxprint', { mediaType: 'audio' })).toBe(true);
    expect(h.state.permissionCheck!({ id: 99 }, 'media', 'app://voxprint', { mediaType: 'audio' })).toBe(false);
  });

  it('cancels every request that is not our own page', () => {
    const verdict = (url: string) => {
      let cancel: boolean | undefined;
      h.state.beforeRequest!({ url }, (r) => (cancel = r.cancel));
      return cancel;
    };
    expect(verdict('app://voxprint/assets/index.js')).toBe(false);
    expect(verdict('https://example.com/track.js')).toBe(true);
    expect(verdict('http://127.0.0.1:8080/')).toBe(true);
  });
});

describe('main/preload.ts', () => {
  it('exposes exactly one object, window.voxprint, with one method per op, each on its own channel', async () => {
    await import('../../main/preload');
    expect(h.state.exposed).toHaveLength(1);
    const [key, api] = h.state.exposed[0];
    expect(key).toBe('voxprint');
    expect(Object.keys(api).sort()).toEqual([...OP_NAMES, 'onJobEvent'].sort());
    await (api.verify as (r: unknown) => Promise<unknown>)({ speaker: 'a' });
    expect(h.state.invoked.at(-1)).toEqual([channelOf('verify'), { speaker: 'a' }]);
  });
});
