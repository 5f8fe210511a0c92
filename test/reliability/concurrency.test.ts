/**
 * Several processes on one store: CLIs enrolling and removing while another process (the store
 * driver, playing the app) keeps changing its own profiles; two CLIs racing for one name; a lock
 * left by a SIGKILLed CLI; and a CLI that has to wait for another writer's lock. The store must
 * stay loadable and consistent, nothing committed may be lost, and the lock semantics must hold
 * (one writer at a time, a dead holder's lock broken, a live holder's lock waited for).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { LOCK_FILE } from '../../src/speakers/lock';
import { ProfileStore } from '../../src/speakers/store';
import { saveRandomModel } from '../cli/random-model';
import { runAndKill, type KillRun } from './helpers/kill';
import { readState } from './helpers/store-check';

const DATA = path.resolve('../shared/data');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-conc-'));
const model = path.join(tmp, 'model');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => saveRandomModel(model));

const dsp = (spk: string, w: string) => path.join(DATA, 'dspspeech20', spk, `${spk}-${w}-18.flac`);
const takes = (spk: string) => ['07', '17', '19'].map((w) => dsp(spk, w));
const wavs = ['00000001-backward-01', '00000001-cancel-01'].map((w) => path.join(DATA, 'arabic-speech-commands', '00000001', `${w}.wav`));

/** Seeds a store in-process (cheaper than spawning a CLI). */
async function seed(store: string, name: string, spk: string): Promise<void> {
  let err = '';
  const io: CliIo = { stdout: () => {}, stderr: (t) => void (err += t), stderrIsTTY: false, env: process.env };
  expect(await main(['--store', store, '--model', model, 'enroll', name, ...takes(spk)], io), err).toBe(0);
}

/** Runs the CLI to completion (no kill). */
function cli(store: string, ...argv: string[]): Promise<KillRun> {
  return runAndKill(['bin/voxprint.js', '--store', store, '--model', model, ...argv], { afterSpawnMs: 120_000 }, { limitMs: 120_000 });
}

describe('concurrent writers on one store', () => {
  it('two CLIs enrolling and a third removing, while another process keeps writing, corrupt nothing', async () => {
    const store = path.join(tmp, 'busy');
    // Seed a speaker for the remover.
    await seed(store, 'Leaving', '15307130191');
    const app = spawn(process.execPath, ['--import', 'tsx', 'test/reliability/helpers/store-driver.ts', store, '77', ...wavs], {
      env: { ...process.env, DRIVER_OWN_ONLY: '1', DRIVER_PAUSE_MS: '20' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let appOut = '';
    const commitCount = () => appOut.split('\n').filter((l) => l.startsWith('commit')).length;
    // Start the CLIs only once the app is writing: its tsx start-up can take longer than the
    // CLIs themselves on a loaded machine, and then nothing would overlap.
    await new Promise<void>((res, rej) => {
      app.stdout.on('data', (d) => {
        appOut += d;
        if (commitCount() > 0) res();
      });
      app.once('close', (code) => rej(new Error(`the store driver exited early (${code})`)));
    });
    const before = commitCount();
    const [a, b, c] = await Promise.all([
      cli(store, 'enroll', 'Conc A', ...takes('16307130302')),
      cli(store, 'enroll', 'Conc B', ...takes('15307110252')),
      cli(store, 'remove', 'Leaving', '--purge'),
    ]);
    const during = commitCount() - before;
    app.kill('SIGTERM');
    await new Promise((r) => app.once('close', r));
    for (const r of [a, b, c]) expect(r.code, r.stderr).toBe(0);
    expect(during, 'the app process made changes while the CLIs ran').toBeGreaterThan(0);
    const s = await readState(store);
    expect(s.problems).toEqual([]);
    expect(s.inconsistencies).toEqual([]);
    const names = [...s.profiles.values()].map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['Conc A', 'Conc B']));
    expect(names).not.toContain('Leaving');
    // Every change the app reported as committed is still there (it only touches its own).
    // A removal reported as begun but not as committed may or may not have committed when the
    // SIGTERM came: then the profile is either gone or as last reported.
    const last = new Map<string, string>();
    const removing = new Set<string>();
    for (const line of appOut.split('\n')) {
      const [kind, op, id, ...rest] = line.split(' ');
      if (kind === 'begin' && (op === 'remove' || op === 'purge')) removing.add(id);
      if (kind !== 'commit' || op === 'threshold') continue;
      removing.delete(id);
      last.set(id, rest.join(' '));
    }
    for (const [id, st] of last) {
      if (st === 'gone' || (removing.has(id) && !s.profiles.has(id))) expect(s.profiles.has(id)).toBe(false);
      // The app may have been stopped between a commit and its report: then the profile is newer.
      else if (s.profiles.get(id)?.digest !== JSON.parse(st).digest) expect(s.profiles.get(id)?.uttIds.slice(0, JSON.parse(st).uttIds.length)).toEqual(JSON.parse(st).uttIds);
    }
  });

  it('two CLIs racing to enroll the same name: exactly one wins, the other gets SPEAKER_EXISTS', async () => {
    const store = path.join(tmp, 'race');
    const rs = await Promise.all([cli(store, 'enroll', 'Same', ...takes('16307130302')), cli(store, 'enroll', 'same', ...takes('15307110252'))]);
    expect(rs.map((r) => r.code).sort()).toEqual([0, 2]);
    expect(rs.find((r) => r.code === 2)!.stderr).toMatch(/already enrolled/);
    const s = await readState(store);
    expect([...s.profiles.values()].map((p) => p.name.toLowerCase())).toEqual(['same']);
    expect(s.problems).toEqual([]);
  });

  it('a lock left by a SIGKILLed CLI is recognised as stale and broken by the next writer', async () => {
    const store = path.join(tmp, 'stale');
    await seed(store, 'First', '16307130302');
    // Kill the writer just after it takes the lock, so the lock file stays behind. If the kill
    // lands between creating the lock file and writing it, the file is empty: that case is broken
    // too, once it is a few seconds old.
    let r: KillRun | undefined;
    for (let i = 0; i < 5 && !(r?.killed && fs.existsSync(path.join(store, LOCK_FILE))); i++)
      r = await runAndKill(['bin/voxprint.js', '--store', store, '--model', model, 'enroll', 'Second', ...takes('15307110252')], { afterLockMs: 2, storeDir: store });
    expect(r!.killed).toBe(true);
    const text = fs.readFileSync(path.join(store, LOCK_FILE), 'utf8');
    if (text) {
      const lock = JSON.parse(text) as { pid: number };
      expect(() => process.kill(lock.pid, 0)).toThrow(); // its holder is gone
    }
    const next = await cli(store, 'enroll', 'Third', ...takes('15307130191'));
    expect(next.code, next.stderr).toBe(0);
    expect(fs.existsSync(path.join(store, LOCK_FILE))).toBe(false);
    const s = await readState(store);
    expect(s.problems).toEqual([]);
    const names = [...s.profiles.values()].map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['First', 'Third']));
  });

  it('a CLI waits for a live writer to finish instead of failing or breaking its lock', async () => {
    const store = path.join(tmp, 'wait');
    await seed(store, 'Before', '16307130302');
    // Another process holds the writer lock for 4 s (like the app in the middle of a change).
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('${path.resolve('src/speakers/lock.ts')}').then(async ({ StoreLock }) => {
           const l = await StoreLock.acquire(${JSON.stringify(store)}, { holder: 'test app' });
           console.log('held');
           setTimeout(() => { console.log('releasing ' + l.held() + ' ' + Date.now()); l.release(); }, 4000);
         })`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    const closed = new Promise((res) => holder.once('close', res));
    await new Promise<void>((res) => holder.stdout.on('data', (d) => ((out += d), out.includes('held') && res())));
    const r = await cli(store, 'enroll', 'After', ...takes('15307110252'));
    await closed;
    expect(r.code, r.stderr).toBe(0);
    // The holder still owned its lock when it let go (nobody broke a live lock), and the CLI's
    // change was made after that.
    const m = /releasing (true|false) (\d+)/.exec(out)!;
    expect(m[1]).toBe('true');
    const after = (await ProfileStore.open(store)).get('After');
    expect(Date.parse(after.createdAt)).toBeGreaterThanOrEqual(Number(m[2]));
    const s = await readState(store);
    expect([...s.profiles.values()].map((p) => p.name).sort()).toEqual(['After', 'Before']);
  });
});
