/** The one app window, with navigation, new windows and webviews blocked. */
import { BrowserWindow, shell } from 'electron';
import { windowOptions } from './security';

export function createMainWindow(opts: { preload: string; url: string; isOwnUrl: (url: string) => boolean }): BrowserWindow {
  const win = new BrowserWindow(windowOptions(opts.preload));
  const contents = win.webContents;

  // No navigation away from our page, no pop-ups, no webviews.
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser, never in the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  if (!opts.isOwnUrl(opts.url)) throw new Error(`refusing to load ${opts.url} in the app window`);
  void win.loadURL(opts.url);
  return win;
}
