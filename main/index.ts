/**
 * The Electron main process: security set-up, the app:// protocol, the core, one registerX() per
 * feature, and the window. Everything here is wiring; the work happens in src/.
 */
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { join } from 'node:path';
import type { JobEvent } from '../src/api/contract';
import { createMainHost } from './core';
import { EVENT_CHANNEL, ownWindowCheck } from './ipc';
import { handleAppProtocol, registerSchemeAsPrivileged } from './protocol';
import { APP_ORIGIN, decidePermission, decidePermissionCheck, ownUrlCheck } from './security';
import { createMainWindow } from './window';
import { registerApp } from './features/app';
import { registerSpeakers } from './features/speakers';
import { registerEnroll } from './features/enroll';
import { registerVerify } from './features/verify';
import { registerCalibrate } from './features/calibrate';
import { registerFinetune } from './features/finetune';
import { registerModels } from './features/models';

registerSchemeAsPrivileged();
app.enableSandbox();

const devServer = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const isOwnUrl = ownUrlCheck(devServer);
let win: BrowserWindow | null = null;

// Every web contents, present or future: no webviews, no pop-ups, no navigation elsewhere.
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (ev) => ev.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (ev, url) => {
    if (!isOwnUrl(url)) ev.preventDefault();
  });
});

void app.whenReady().then(async () => {
  handleAppProtocol(join(import.meta.dirname, '../renderer'));

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((wc, permission, callback, details) => {
    const d = details as { requestingUrl?: string; mediaTypes?: string[]; isMainFrame?: boolean };
    callback(
      wc === win?.webContents &&
        decidePermission(
          { permission, url: d.requestingUrl ?? '', mediaTypes: d.mediaTypes, isMainFrame: d.isMainFrame ?? false },
          isOwnUrl,
        ),
    );
  });
  ses.setPermissionCheckHandler((wc, permission, origin, details) =>
    wc === win?.webContents && decidePermissionCheck(permission, origin, (details as { mediaType?: string }).mediaType, isOwnUrl),
  );
  // No request leaves the machine: only our own page and the dev server are loaded.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const u = details.url;
    const local = u.startsWith(`${APP_ORIGIN}/`) || u.startsWith('devtools:') || u.startsWith('blob:') || u.startsWith('data:') || (devServer !== undefined && isOwnUrl(u));
    callback({ cancel: !local });
  });

  const host = await createMainHost((event: JobEvent) => win?.webContents.send(EVENT_CHANNEL, event));
  const ctx = {
    ipc: ipcMain,
    host,
    isTrusted: ownWindowCheck(() => win?.webContents.id, isOwnUrl),
    log: (line: string) => console.error(line),
  };
  registerApp(ctx);
  registerSpeakers(ctx);
  registerEnroll(ctx);
  registerVerify(ctx);
  registerCalibrate(ctx);
  registerFinetune(ctx);
  registerModels(ctx);

  win = createMainWindow({
    preload: join(import.meta.dirname, '../preload/preload.cjs'),
    url: devServer ?? `${APP_ORIGIN}/index.html`,
    isOwnUrl,
  });
  win.on('closed', () => {
    win = null;
  });
  app.on('before-quit', () => host.close());
});

app.on('window-all-closed', () => app.quit());
