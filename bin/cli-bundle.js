// The prebuilt CLI bundle, dist/voxprint.js (scripts/build-cli.mjs makes it at `npm install`):
// starting it costs about a third of the CPU of running the TypeScript sources through tsx, which
// transpiles on every start and imports tfjs as ESM (Node then lexes ~7 MB of tfjs CommonJS for
// named exports). See docs/performance.md.
//
// It is used only while it matches the sources: the build records the size, mtime and SHA-1 of
// every file it was made from; a file whose mtime moved is hashed again, and any difference in
// content (or a missing file) falls back to the sources. VOXPRINT_NO_BUNDLE=1 always runs the sources.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MANIFEST_FORMAT = 2;

/** Where the bundle and its manifest live under a package root. */
export function bundlePaths(root = ROOT) {
  return { bundle: join(root, 'dist', 'voxprint.js'), manifest: join(root, 'dist', 'voxprint.inputs.json'), worker: join(root, 'dist', 'train-worker.js') };
}

/** Size and mtime of a file, or undefined when it is missing. */
export function fileStamp(path) {
  const s = statSync(path, { throwIfNoEntry: false });
  return s ? [s.size, s.mtimeMs] : undefined;
}

export function fileHash(path) {
  return createHash('sha1').update(readFileSync(path)).digest('hex');
}

/** `{ path }` of the bundle when it exists and every input is unchanged; else `{ why }`. */
export function freshBundle(env = process.env, root = ROOT) {
  if (env.VOXPRINT_NO_BUNDLE) return { why: 'VOXPRINT_NO_BUNDLE is set' };
  const { bundle, manifest } = bundlePaths(root);
  let m;
  try {
    m = JSON.parse(readFileSync(manifest, 'utf8'));
  } catch {
    return { why: 'no bundle (npm run build:cli makes it)' };
  }
  if (m.format !== MANIFEST_FORMAT || !Array.isArray(m.inputs)) return { why: 'bundle manifest of another format' };
  const own = fileStamp(bundle);
  if (!own || own[0] !== m.bundleSize) return { why: 'bundle missing or incomplete' };
  const worker = fileStamp(bundlePaths(root).worker);
  if (m.workerSize !== undefined && (!worker || worker[0] !== m.workerSize)) return { why: 'training worker of the bundle missing or incomplete' };
  for (const [rel, size, mtimeMs, sha1] of m.inputs) {
    const path = join(root, rel);
    const s = fileStamp(path);
    if (!s || s[0] !== size || (s[1] !== mtimeMs && fileHash(path) !== sha1)) return { why: `${rel} changed since the bundle was built` };
  }
  return { path: bundle };
}
