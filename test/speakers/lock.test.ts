import { spawnSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, StoreLock, staleReason, withLock } from '../../src/speakers/lock';
import { ProfileStore } from '../../src/speakers/store';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-lock-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('StoreLock', () => {
  it('is exclusive: a second writer waits, then fails with STORE_LOCKED naming the holder', async () => {
    const a = await StoreLock.acquire(dir, { holder: 'test A' });
    await expect(StoreLock.acquire(dir, { timeoutMs: 200, holder: 'test B' })).rejects.toMatchObject({
      code: 'STORE_LOCKED',
      message: expect.stringContaining('test A'),
    });
    a.release();
    const b = await StoreLock.acquire(dir, { timeoutMs: 200 });
    expect(b.held()).toBe(true);
    b.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('breaks a lock whose process is gone (same host)', async () => {
    const pid = deadPid();
    fs.writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid, hostname: os.hostname(), createdAt: new Date().toISOString(), token: 'dead', holder: 'x' }),
    );
    const l = await StoreLock.acquire(dir, { timeoutMs: 500 });
    expect(l.info.pid).toBe(process.pid);
    l.release();
  });

  it('breaks an old lock from another host, but not a fresh one', async () => {
    const f = path.join(dir, LOCK_FILE);
    fs.writeFileSync(f, JSON.stringify({ pid: 1, hostname: 'elsewhere.invalid', createdAt: 'x', token: 't', holder: 'x' }));
    await expect(StoreLock.acquire(dir, { timeoutMs: 150, staleMs: 60_000 })).rejects.toMatchObject({ code: 'STORE_LOCKED' });
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(f, old, old);
    const l = await StoreLock.acquire(dir, { timeoutMs: 150, staleMs: 60_000 });
    l.release();
  });

  it('treats an unreadable lock file as stale only once it is a few seconds old', () => {
    const now = Date.now();
    expect(staleReason({ mtimeMs: now - 1000 }, now, 60_000)).toBeUndefined();
    expect(staleReason({ mtimeMs: now - 10_000 }, now, 60_000)).toMatch(/unreadable/);
  });

  it('never leaves a half-written lock: drafts are linked into place, and old drafts are swept', async () => {
    // a writer killed between writing its draft and linking it leaves only the draft, which does not lock
    const old = path.join(dir, `${LOCK_FILE}.new-killed`);
    const fresh = path.join(dir, `${LOCK_FILE}.new-inflight`);
    fs.writeFileSync(old, '');
    fs.writeFileSync(fresh, '');
    const t = new Date(Date.now() - 60_000);
    fs.utimesSync(old, t, t);
    const l = await StoreLock.acquire(dir, { timeoutMs: 200 });
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).token).toBe(l.info.token);
    // the old draft is gone; a fresh one may belong to a writer about to link it, so it stays
    expect(fs.readdirSync(dir).sort()).toEqual([LOCK_FILE, `${LOCK_FILE}.new-inflight`]);
    l.release();
    expect(fs.readdirSync(dir)).toEqual([`${LOCK_FILE}.new-inflight`]);
  });

  it('does not release a lock that is no longer its own', async () => {
    const a = await StoreLock.acquire(dir);
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, hostname: os.hostname(), createdAt: 'x', token: 'other', holder: 'x' }));
    expect(a.held()).toBe(false);
    a.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true);
  });

  it('withLock releases on error', async () => {
    await expect(withLock(dir, {}, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('two processes enrolling at once into one store lose nothing and corrupt nothing', async () => {
    await ProfileStore.open(dir);
    const script = path.join(dir, '..', `vp-writer-${process.pid}.mts`);
    const storeModule = path.resolve('src/speakers/store.ts');
    fs.writeFileSync(
      script,
      `import { ProfileStore } from ${JSON.stringify(storeModule)};
const [dir, tag] = process.argv.slice(2);
const s = await ProfileStore.open(dir);
for (let i = 0; i < 8; i++) {
  const e = new Float32Array(4).fill(0.5);
  await s.create(tag + '-' + i, 'm', [{ wav: new Uint8Array([i]), source: 'x.wav', durationSec: 1, speechSec: 1, embedding: e }]);
}
`,
    );
    const run = (tag: string) =>
      new Promise<number>((resolve) => {
        const c = spawn(process.execPath, ['--import', 'tsx', script, dir, tag], { stdio: 'inherit' });
        c.on('exit', (code) => resolve(code ?? -1));
      });
    try {
      const codes = await Promise.all([run('a'), run('b')]);
      expect(codes).toEqual([0, 0]);
    } finally {
      fs.rmSync(script, { force: true });
    }
    const s = await ProfileStore.open(dir);
    expect(s.problems).toHaveLength(0);
    expect(s.list()).toHaveLength(16);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});
