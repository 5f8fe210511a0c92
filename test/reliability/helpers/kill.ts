/**
 * Spawning a child and SIGKILLing it at a chosen moment: a delay after spawn, after a line on its
 * stdout, or after the child has taken the store's writer lock (the start of a write), so kills
 * land inside the store's write sequence rather than in process start-up.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type KillAt =
  | { afterSpawnMs: number }
  | { afterLine: string; delayMs: number }
  | { afterLockMs: number; storeDir: string };

export interface KillRun {
  /** True when our SIGKILL ended it; false when it exited on its own first. */
  killed: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whether the writer lock was seen (for afterLockMs). */
  sawLock: boolean;
  ms: number;
}

export function runAndKill(argv: string[], at: KillAt, opts: { env?: NodeJS.ProcessEnv; cwd?: string; limitMs?: number } = {}): Promise<KillRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, argv, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let killed = false;
  let sawLock = false;
  const timers: NodeJS.Timeout[] = [];
  let watcher: fs.FSWatcher | undefined;
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) {
      killed = child.kill('SIGKILL');
    }
  };
  const later = (ms: number) => timers.push(setTimeout(kill, ms));
  // A safety net: nothing here should run this long.
  timers.push(setTimeout(kill, opts.limitMs ?? 60_000));
  if ('afterSpawnMs' in at) later(at.afterSpawnMs);
  if ('afterLockMs' in at) {
    const lock = path.join(at.storeDir, '.lock');
    // Only the child's own lock counts: a killed predecessor's stale lock may still be there.
    const seen = () => {
      if (sawLock) return;
      try {
        if ((JSON.parse(fs.readFileSync(lock, 'utf8')) as { pid?: number }).pid !== child.pid) return;
      } catch {
        return; // absent, or created but not yet written
      }
      sawLock = true;
      later(at.afterLockMs);
    };
    try {
      watcher = fs.watch(at.storeDir, (_ev, name) => {
        if (name === '.lock') seen();
      });
    } catch {
      /* polling below still works */
    }
    const poll = setInterval(seen, 4);
    timers.push(poll);
  }
  child.stdout.on('data', (d: Buffer) => {
    const before = stdout;
    stdout += d.toString();
    if ('afterLine' in at && !before.split('\n').includes(at.afterLine) && stdout.split('\n').includes(at.afterLine)) later(at.delayMs);
  });
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      for (const t of timers) clearTimeout(t);
      watcher?.close();
      resolve({ killed, code, stdout, stderr, sawLock, ms: performance.now() - t0 });
    });
  });
}
