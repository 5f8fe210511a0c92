// Builds dist/voxprint.js, the CLI bundle bin/voxprint.js starts while it matches the sources
// (bin/cli-bundle.js). Run by `npm install` (the `prepare` script) and `npm run build:cli`;
// `--root DIR` builds into DIR/dist instead (tests). Never fails the install: without esbuild, or
// on a build error, it says so and the CLI keeps running from the TypeScript sources.
//
// - Pure-JS packages (zod, wavefile, fft.js, meyda's utilities) are bundled in: one module to
//   compile instead of ~100 to resolve and link (zod with its English locale only). @tensorflow/*
//   stays outside and is loaded with require(): an ESM `import` of tfjs makes Node lex its
//   CommonJS bundles for named exports, ~0.3 s of CPU on every start; src/compile-cache.ts keeps
//   V8's compiled code of those bundles on disk. audio-decode stays outside too: its decoders
//   find their wasm files next to their own modules.
// - `voxprint train` trains in a worker thread: its entry is built beside the bundle as
//   dist/train-worker.js (src/train/worker.ts looks for it there).
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MANIFEST_FORMAT, ROOT, bundlePaths, fileHash, fileStamp } from '../bin/cli-bundle.js';

const tfjsViaRequire = {
  name: 'tfjs-via-require',
  setup(b) {
    b.onResolve({ filter: /^@tensorflow\// }, (a) =>
      a.kind === 'require-call' ? { path: a.path, external: true } : { path: a.path, namespace: 'tfjs-cjs' },
    );
    b.onLoad({ filter: /.*/, namespace: 'tfjs-cjs' }, (a) => ({ contents: `module.exports = require(${JSON.stringify(a.path)});`, loader: 'js' }));
  },
};

// zod's namespace re-exports every locale (~40 of them); voxprint only uses the default English
// one, so the bundle gets `locales.en` alone instead of compiling the rest on every start.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) =>
      /[\\/]zod[\\/]v4[\\/](classic|core|mini)$/.test(a.resolveDir) ? { path: join(a.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (a) => ({ contents: `export { default as en } from ${JSON.stringify(a.path)};`, loader: 'js', resolveDir: dirname(a.path) }));
  },
};

/** Builds the bundle under `outRoot`/dist from the sources under ROOT; returns the manifest, or undefined. */
export async function buildCli(outRoot = ROOT) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    console.warn('voxprint: esbuild is not installed; the CLI will run from its TypeScript sources (slower start).');
    return undefined;
  }
  const { bundle, manifest, worker } = bundlePaths(outRoot);
  const tmpDir = join(dirname(bundle), `.build-${process.pid}`);
  const tmp = join(tmpDir, 'voxprint.js');
  mkdirSync(dirname(bundle), { recursive: true });
  try {
    const r = await esbuild.build({
      entryPoints: { voxprint: join(ROOT, 'src', 'cli', 'main.ts'), 'train-worker': join(ROOT, 'src', 'train', 'worker-entry.ts') },
      outdir: tmpDir,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['audio-decode', '@audio/*', 'esbuild', 'tsx', 'tsx/*', 'electron'],
      plugins: [tfjsViaRequire, zodEnglishOnly],
      // Fewer bytes for V8 to scan on every start; names are kept, so stack traces still read.
      minifyWhitespace: true,
      minifySyntax: true,
      banner: { js: "import { createRequire as __voxprintCreateRequire } from 'node:module'; const require = __voxprintCreateRequire(import.meta.url);" },
      metafile: true,
      absWorkingDir: ROOT,
      logLevel: 'error',
    });
    const inputs = Object.keys(r.metafile.inputs)
      .filter((p) => !p.includes(':')) // virtual modules (the tfjs-cjs and zod-locales namespaces)
      // Bundled packages change only through npm install, whose `prepare` rebuilds the bundle;
      // leaving them out spares every start ~100 stat calls.
      .filter((p) => !p.includes('node_modules/'))
      .map((p) => p.split('\\').join('/'))
      .sort()
      .map((rel) => [rel, ...fileStamp(join(ROOT, rel)), fileHash(join(ROOT, rel))]);
    const m = { format: MANIFEST_FORMAT, builtAt: new Date().toISOString(), bundleSize: fileStamp(tmp)[0], workerSize: fileStamp(join(tmpDir, 'train-worker.js'))[0], inputs };
    // Worker and bundle first, manifest second: a reader in between sees a size mismatch and uses the sources.
    renameSync(join(tmpDir, 'train-worker.js'), worker);
    renameSync(tmp, bundle);
    rmSync(tmpDir, { recursive: true, force: true });
    writeFileSync(`${manifest}.tmp`, JSON.stringify(m));
    renameSync(`${manifest}.tmp`, manifest);
    console.log(`voxprint: built ${relative(process.cwd(), bundle) || bundle} from ${inputs.length} files.`);
    return m;
  } catch (e) {
    rmSync(tmpDir, { recursive: true, force: true });
    console.warn(`voxprint: could not build the CLI bundle (${String(e?.message ?? e).split('\n')[0]}); the CLI will run from its TypeScript sources.`);
    return undefined;
  }
}

const rootAt = process.argv.indexOf('--root');
if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) await buildCli(rootAt >= 0 ? resolve(process.argv[rootAt + 1]) : ROOT);
