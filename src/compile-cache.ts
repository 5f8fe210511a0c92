/**
 * A V8 code cache on disk for the CommonJS bundles of tfjs, which every `voxprint` command that
 * embeds audio loads: ~7 MB of JS (tfjs and the packages it re-exports: core, layers, converter,
 * data, the backends) that V8 would otherwise parse and compile on every start. Node 20 has no built-in compile cache
 * (`module.enableCompileCache` arrived in Node 22), so this does what v8-compile-cache does, for
 * those files only: compile them through `vm.Script` with the cached data of the previous start,
 * and write new cached data at exit when there was none or V8 rejected it (another Node version).
 *
 * The cache is keyed by the file's path, size and mtime, and lives in the user's cache folder
 * (src/speakers/home.ts `defaultCacheDir`, or VOXPRINT_CACHE); VOXPRINT_COMPILE_CACHE=0 turns it
 * off. Any failure (read-only folder, damaged entry) falls back to Node's own compile.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { Script } from 'node:vm';
import { defaultCacheDir } from './speakers/home';

const CACHED = /[\\/]node_modules[\\/]@tensorflow[\\/][^\\/]+[\\/]dist[\\/][^\\/]+\.js$/;

interface CjsModule {
  exports: unknown;
  require(id: string): unknown;
  _compile(content: string, filename: string): unknown;
}
type ModuleInternals = typeof Module & {
  wrap(src: string): string;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string;
  _cache: Record<string, unknown>;
  _extensions: Record<string, unknown>;
  prototype: CjsModule;
};

let installedIn: string | undefined;

/** Installs the cache for this process (once); returns its folder, or undefined when it is off. */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (installedIn || env.VOXPRINT_COMPILE_CACHE === '0') return installedIn;
  const dir = path.join(defaultCacheDir(env), 'compile-cache', `${process.version}-${process.arch}`);
  const M = Module as ModuleInternals;
  const original = M.prototype._compile;
  const pending: { file: string; script: Script }[] = [];
  M.prototype._compile = function (this: CjsModule, content: string, filename: string) {
    return compileCached(this, content, filename);
  };
  const compileCached = (mod: CjsModule, content: string, filename: string): unknown => {
    if (!CACHED.test(filename)) return original.call(mod, content, filename);
    let file: string;
    let cachedData: Buffer | undefined;
    try {
      const s = statSync(filename);
      file = path.join(dir, createHash('sha1').update(`${filename}\0${s.size}\0${s.mtimeMs}\0${content.length}`).digest('hex'));
      cachedData = readFileSync(file);
    } catch {
      file ??= '';
    }
    let script: Script;
    try {
      script = new Script(M.wrap(content), { filename, cachedData });
    } catch {
      return original.call(mod, content, filename);
    }
    if (file && (!cachedData || script.cachedDataRejected)) pending.push({ file, script });
    const req = Object.assign((id: string) => mod.require(id), {
      resolve: (request: string, options?: unknown) => M._resolveFilename(request, mod, false, options),
      main: process.mainModule,
      cache: M._cache,
      extensions: M._extensions,
    });
    const fn = script.runInThisContext({ displayErrors: true }) as (...a: unknown[]) => unknown;
    return fn.call(mod.exports, mod.exports, req, mod, filename, path.dirname(filename));
  };
  // At exit, so the data includes the functions this run compiled lazily (the ones a start uses).
  process.once('exit', () => {
    for (const { file, script } of pending) {
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = `${file}.tmp-${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, file);
      } catch {
        /* a cache that cannot be written only costs the next start its speed */
      }
    }
  });
  installedIn = dir;
  return dir;
}

/**
 * `@tensorflow/tfjs` loads the graph-model converter, tfjs-data and the WebGL backend with it
 * (~2.5 MB of JS), none of which voxprint uses (it runs LayersModels on wasm, tfjs-node or cpu).
 * For a CLI process, their require() from the umbrella package answers an empty module instead,
 * so `tf` lacks only their exports (tf.data, tf.loadGraphModel, the webgl backend). Once per process.
 *
 * A command line that does not train (no `train` or `finetune` word in `argv`) skips the umbrella
 * itself too: the bundle's `tf` is then tfjs-core, tfjs-layers and the cpu backend, which is all
 * inference calls. The umbrella's own 1.3 MB is a second copy of tfjs-core's op code that
 * registers the gradients and the chained ops (`tensor.add(...)`), used by training alone;
 * executing it cost ~10 ms of CPU per start (`voxprint verify`, 7 alternating starts each).
 */
let skipping = false;
export function skipUnusedTfjsPackages(argv: readonly string[] = ['train']): void {
  if (skipping) return;
  skipping = true;
  const M = Module as unknown as { _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown };
  const load = M._load;
  const unused = new Set(['@tensorflow/tfjs-converter', '@tensorflow/tfjs-data', '@tensorflow/tfjs-backend-webgl']);
  const inferenceOnly = !argv.some((a) => a === 'train' || a === 'finetune');
  let inference: unknown;
  M._load = function (request, parent, isMain) {
    if (unused.has(request) && parent?.filename && /[\\/]@tensorflow[\\/]tfjs[\\/]dist[\\/]tf\.node\.js$/.test(parent.filename)) return {};
    if (inferenceOnly && request === '@tensorflow/tfjs' && parent?.filename && /[\\/]dist[\\/]voxprint\.js$/.test(parent.filename)) {
      // The umbrella's exports in its order of precedence (core, then layers, then cpu).
      inference ??= { ...(load.call(this, '@tensorflow/tfjs-backend-cpu', parent, false) as object), ...(load.call(this, '@tensorflow/tfjs-layers', parent, false) as object), ...(load.call(this, '@tensorflow/tfjs-core', parent, false) as object) };
      return inference;
    }
    return load.call(this, request, parent, isMain);
  };
}
