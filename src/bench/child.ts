/**
 * Child processes for the bench: the CLI (cold process time, peak RSS), and TypeScript entries run
 * through tsx (per-backend embedding, training). Each child is preloaded with rss-preload.mjs,
 * which reports its peak RSS (getrusage ru_maxrss) and CPU time on exit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './fixtures';

const PRELOAD = pathToFileURL(join(import.meta.dirname, 'rss-preload.mjs')).href;

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak resident set size of the child, MB (MiB); NaN when it did not report. */
  peakRssMb: number;
  /** CPU time of the child (user + system), ms; NaN when it did not report. */
  cpuMs: number;
}

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Run the entry through tsx (TypeScript sources); the CLI's bin registers tsx itself. */
  tsx?: boolean;
}

/** Runs `node [--import tsx] <args>` in the repository root and collects its output and usage. */
export function runNode(args: string[], opts: ChildOptions = {}): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vp-bench-child-'));
  const usageFile = join(dir, 'usage.json');
  const nodeArgs = [...(opts.tsx ? ['--import', 'tsx'] : []), '--import', PRELOAD, ...args];
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, nodeArgs, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env, VOXPRINT_BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(e);
    });
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      clearTimeout(timer);
      let peakRssMb = NaN;
      let cpuMs = NaN;
      try {
        const u = JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRssKb: number; userMs: number; systemMs: number };
        peakRssMb = u.maxRssKb / 1024;
        cpuMs = u.userMs + u.systemMs;
      } catch {
        /* the child died before its exit hook ran */
      }
      rmSync(dir, { recursive: true, force: true });
      resolvePromise({ code, stdout, stderr, wallMs, peakRssMb, cpuMs });
    });
  });
}

/** The last line of a child's stdout parsed as JSON (child entries print one result line last). */
export function lastJsonLine<T>(r: ChildResult, what: string): T {
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  }
}
