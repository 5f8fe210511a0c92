/**
 * The folder of voxprint's package.json, from wherever this code runs: the TypeScript sources
 * (src/...), the CLI bundle (dist/voxprint.js) or a test. Paths that ship beside the code (models,
 * ../shared/data) are found from here, never from the source file's own depth.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'voxprint') return (cached = dir);
      } catch {
        /* a foreign or broken package.json: keep looking */
      }
    }
    if (dirname(dir) === dir) return (cached = join(start, '..'));
  }
}
