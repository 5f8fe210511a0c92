/**
 * Runs `node bin/voxprint.js` as a user starts it: a child process in the repository root, with
 * the shipped model (no --model, no VOXPRINT_MODEL), a temp store and a temp cache. The CLI
 * bundle is built first when it is stale, as `npm install` would have done.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { freshBundle } from '../../bin/cli-bundle.js';

export const ROOT = resolve(__dirname, '..', '..');
export const DATA = resolve(ROOT, '..', 'shared', 'data');
export const LIBRI = join(DATA, 'librispeech', 'test-other');

/** The i-th file (sorted) of a LibriSpeech test-other speaker. */
export function libri(speaker: string, i: number): string {
  return join(LIBRI, speaker, readdirSync(join(LIBRI, speaker)).sort()[i]);
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  dir: string;
  store: string;
  env: NodeJS.ProcessEnv;
  /** Runs voxprint with `--store STORE` in front of `args`; `extraEnv` adds to its environment. */
  vox(args: string[], timeoutMs?: number, extraEnv?: NodeJS.ProcessEnv): Promise<Run>;
  /** The same with --json: checks that stdout is exactly one JSON object and returns it. */
  json<T = Record<string, unknown>>(args: string[], timeoutMs?: number, extraEnv?: NodeJS.ProcessEnv): Promise<{ code: number | null; obj: T; stderr: string }>;
  cleanup(): void;
}

export async function ensureBundle(): Promise<void> {
  if (freshBundle().path) return;
  // @ts-expect-error: a plain .mjs script without types
  const { buildCli } = (await import('../../scripts/build-cli.mjs')) as { buildCli: () => Promise<unknown> };
  await buildCli();
}

export function sandbox(prefix: string): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), `vp-acc-${prefix}-`));
  const store = join(dir, 'store');
  const env: NodeJS.ProcessEnv = { ...process.env, VOXPRINT_CACHE: join(dir, 'cache'), NO_COLOR: '1' };
  for (const k of ['VOXPRINT_MODEL', 'VOXPRINT_HOME', 'VOXPRINT_NO_BUNDLE', 'VOXPRINT_DEBUG']) delete env[k];
  const vox = (args: string[], timeoutMs = 120_000, extraEnv: NodeJS.ProcessEnv = {}) =>
    new Promise<Run>((res, rej) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'voxprint.js'), '--store', store, ...args], {
        cwd: ROOT,
        env: { ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', rej);
      child.on('close', (code) => {
        clearTimeout(timer);
        res({ code, stdout, stderr });
      });
    });
  return {
    dir,
    store,
    env,
    vox,
    async json<T>(args: string[], timeoutMs?: number, extraEnv?: NodeJS.ProcessEnv) {
      const r = await vox(['--json', ...args], timeoutMs, extraEnv);
      let obj: unknown;
      try {
        obj = JSON.parse(r.stdout);
      } catch {
        throw new Error(`voxprint --json ${args.join(' ')} (exit ${r.code}) did not print one JSON object:\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(-2000)}`);
      }
      expect(obj !== null && typeof obj === 'object' && !Array.isArray(obj), `one JSON object from ${args[0]}`).toBe(true);
      return { code: r.code, obj: obj as T, stderr: r.stderr };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Copies `clips` files of each speaker of `corpus` into DIR/SPEAKER/ (the --data layout). */
export function dataFolder(dest: string, corpus: string, speakers: string[], clips: number): string {
  for (const s of speakers) {
    mkdirSync(join(dest, s), { recursive: true });
    const files = readdirSync(join(DATA, corpus, s)).sort().slice(0, clips);
    for (const f of files) copyFileSync(join(DATA, corpus, s, f), join(dest, s, f));
  }
  return dest;
}

/** A `--json` error object: exit 2, one object with a code, a message, no stack trace. */
export function expectUserError(r: { code: number | null; obj: unknown; stderr: string }, code: string): void {
  expect(r.code).toBe(2);
  expect(r.obj).toMatchObject({ error: { code, message: expect.any(String) } });
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** A sandbox for one test file: the bundle is made fresh first, the folder removed after. `box()` gives it. */
export function useSandbox(prefix: string): () => Sandbox {
  let box: Sandbox | undefined;
  beforeAll(async () => {
    await ensureBundle();
    box = sandbox(prefix);
  });
  afterAll(() => box?.cleanup());
  return () => box!;
}
