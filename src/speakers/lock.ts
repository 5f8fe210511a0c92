/**
 * Writer lock for one profile store: a file `.lock` holding `{pid, hostname, createdAt, token}`,
 * created whole (a draft hard-linked into place, which fails if a lock exists; O_EXCL where links
 * are not supported). Writers hold it only for the length of one change (an enroll, a rename,
 * a re-embed), never for the life of a process, so the app and the CLI can both write to one store.
 *
 * A lock is stale, and may be broken, when its holder is on this host and its pid is gone, or when
 * the lock file has not been touched for `staleMs` (holders touch it every `staleMs / 4`), or when
 * it is unreadable and older than a few seconds (a crash between create and write, possible only
 * on the O_EXCL fallback).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StoreError } from '../errors';

export const LOCK_FILE = '.lock';

export interface LockInfo {
  pid: number;
  hostname: string;
  createdAt: string;
  token: string;
  /** Who holds it, for the "store is locked" message. */
  holder: string;
}

export interface LockOptions {
  /** How long to wait for another writer before giving up. */
  timeoutMs?: number;
  /** A lock untouched for this long is stale even if its pid looks alive (pid reuse, hung holder). */
  staleMs?: number;
  /** Polling interval while waiting. */
  pollMs?: number;
  /** A name for messages, e.g. "voxprint CLI". */
  holder?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): { info?: LockInfo; raw: string; mtimeMs: number } | undefined {
  try {
    const raw = fs.readFileSync(file, 'utf8');
    const mtimeMs = fs.statSync(file).mtimeMs;
    try {
      const j = JSON.parse(raw) as LockInfo;
      if (typeof j.pid === 'number' && typeof j.hostname === 'string' && typeof j.token === 'string')
        return { info: j, raw, mtimeMs };
    } catch {
      /* half-written */
    }
    return { raw, mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Why a lock is stale, or undefined if it looks live. Exported for tests and `voxprint doctor`-style messages. */
export function staleReason(
  lock: { info?: LockInfo; mtimeMs: number },
  now: number,
  staleMs: number,
): string | undefined {
  const age = now - lock.mtimeMs;
  if (!lock.info) return age > 5000 ? 'the lock file is unreadable (a writer crashed while creating it)' : undefined;
  if (lock.info.hostname === os.hostname() && !pidAlive(lock.info.pid))
    return `its process ${lock.info.pid} is no longer running`;
  if (age > staleMs) return `it has not been refreshed for ${Math.round(age / 1000)} s`;
  return undefined;
}

export class StoreLock {
  private heartbeat?: NodeJS.Timeout;
  private constructor(
    readonly file: string,
    readonly info: LockInfo,
  ) {}

  /**
   * Takes the writer lock of the store in `dir`, waiting up to `timeoutMs` for another writer.
   * Throws StoreError STORE_LOCKED naming the holder when it stays locked.
   */
  static async acquire(dir: string, opts: LockOptions = {}): Promise<StoreLock> {
    const { timeoutMs = 10_000, staleMs = 120_000, pollMs = 50, holder = 'voxprint' } = opts;
    const file = path.join(dir, LOCK_FILE);
    const info: LockInfo = {
      pid: process.pid,
      hostname: os.hostname(),
      createdAt: new Date().toISOString(),
      token: randomBytes(12).toString('hex'),
      holder,
    };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (tryCreate(file, info)) {
        sweepDrafts(dir, Date.now());
        const lock = new StoreLock(file, info);
        lock.startHeartbeat(Math.max(1000, staleMs / 4));
        return lock;
      }
      const cur = readLock(file);
      if (cur) {
        const why = staleReason(cur, Date.now(), staleMs);
        if (why) {
          breakStale(file, cur.raw);
          continue;
        }
      }
      if (Date.now() >= deadline) {
        const h = cur?.info;
        const who = h ? `${h.holder} (pid ${h.pid} on ${h.hostname}, since ${h.createdAt})` : 'another process';
        throw new StoreError(
          'STORE_LOCKED',
          `The profile store ${dir} is being changed by ${who}. Wait for it to finish and try again; ` +
            `if no voxprint is running, delete ${file}.`,
          { subject: dir },
        );
      }
      await sleep(pollMs);
    }
  }

  private startHeartbeat(everyMs: number): void {
    this.heartbeat = setInterval(() => {
      const now = new Date();
      try {
        fs.utimesSync(this.file, now, now);
      } catch {
        /* lock broken or store removed: release() will notice */
      }
    }, everyMs);
    this.heartbeat.unref();
  }

  /** True while the lock file on disk is still ours (nobody broke it). */
  held(): boolean {
    return readLock(this.file)?.info?.token === this.info.token;
  }

  /** Releases the lock if it is still ours. Safe to call twice. */
  release(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (this.held()) fs.rmSync(this.file, { force: true });
  }
}

/**
 * Creates the lock file with its content in one step: written to a private file, then hard-linked
 * into place (link fails with EEXIST when a lock exists), so a crash never leaves a half-written
 * lock for the next writer to wait on. Where hard links are not supported (FAT), falls back to an
 * O_EXCL create and write. Returns false when a lock exists.
 */
function tryCreate(file: string, info: LockInfo): boolean {
  const tmp = `${file}${NEW_SUFFIX}${info.token}`;
  writeSynced(tmp, info);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  try {
    writeSynced(file, info);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  return true;
}

const NEW_SUFFIX = '.new-';

function writeSynced(file: string, info: LockInfo): void {
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(info));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Removes lock drafts (`.lock.new-*`) that a writer killed before linking them left behind. */
function sweepDrafts(dir: string, now: number): void {
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(LOCK_FILE + NEW_SUFFIX)) continue;
    const p = path.join(dir, name);
    try {
      if (now - fs.statSync(p).mtimeMs > 5000) fs.rmSync(p, { force: true });
    } catch {
      /* already gone */
    }
  }
}

/**
 * Moves a stale lock aside and deletes it. If two processes break the same stale lock at once,
 * only one rename succeeds; if what we moved turns out to be a fresh lock (someone broke the stale
 * one and re-created it between our read and our rename), it is put back with link(), which
 * cannot overwrite a newer lock.
 */
function breakStale(file: string, judgedRaw: string): void {
  const aside = `${file}.stale-${randomBytes(6).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  let moved = '';
  try {
    moved = fs.readFileSync(aside, 'utf8');
  } catch {
    /* gone */
  }
  if (moved !== judgedRaw) {
    try {
      fs.linkSync(aside, file);
    } catch {
      /* a newer lock exists; the one we moved lost the race anyway */
    }
  }
  fs.rmSync(aside, { force: true });
}

/** Runs `fn` holding the store's writer lock. */
export async function withLock<T>(dir: string, opts: LockOptions, fn: (lock: StoreLock) => Promise<T> | T): Promise<T> {
  const lock = await StoreLock.acquire(dir, opts);
  try {
    return await fn(lock);
  } finally {
    lock.release();
  }
}
