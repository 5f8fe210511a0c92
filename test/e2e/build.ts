/** Builds the app (renderer, main, preload) when out/ is missing or older than its sources. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
export const RENDERER_OUT = join(ROOT, 'out/renderer');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function ensureBuilt(log: (s: string) => void = console.log): void {
  const marker = join(RENDERER_OUT, 'bridge-client.js');
  const index = join(RENDERER_OUT, 'index.html');
  const sources = Math.max(newest(join(ROOT, 'renderer')), newest(join(ROOT, 'src/api')), newest(join(ROOT, 'src/bridge')));
  if (existsSync(marker) && existsSync(index) && statSync(index).mtimeMs >= sources) return;
  log('e2e: building the app (npm run build)…');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
}
