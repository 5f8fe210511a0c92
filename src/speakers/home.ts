/** Where the profile store lives by default: the per-user app-data folder of each OS. */
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * `--store DIR` wins, then VOXPRINT_HOME, then:
 *   Linux and others: $XDG_DATA_HOME/voxprint, else ~/.local/share/voxprint
 *   macOS:            ~/Library/Application Support/voxprint
 *   Windows:          %APPDATA%\voxprint
 */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.VOXPRINT_HOME) return path.resolve(env.VOXPRINT_HOME);
  const home = env.HOME || env.USERPROFILE || os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'voxprint');
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'voxprint');
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(xdg, 'voxprint');
}

/** Cache folder for derived data (fitted baselines); VOXPRINT_CACHE overrides it. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.VOXPRINT_CACHE) return path.resolve(env.VOXPRINT_CACHE);
  const home = env.HOME || env.USERPROFILE || os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'voxprint');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'voxprint', 'cache');
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache');
  return path.join(xdg, 'voxprint');
}
