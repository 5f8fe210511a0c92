/**
 * No network use: the engine paths (decode, embed, enroll, verify, identify, calibrate, export /
 * import, and eval on a few trials through the CLI) run while every Node API that can open a
 * socket or resolve a name is replaced by a recorder that refuses anything but loopback. A second
 * check runs the CLI under `strace -f -e trace=socket,connect` and reads what the process really
 * asked the kernel for (skipped, saying why, only where strace is not installed).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attempts, installNetGuard, offHost } from './helpers/net-guard';

// Before anything under test is imported (the imports below are dynamic).
installNetGuard();

const DATA = path.resolve('../shared/data');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-nonet-'));
const model = path.join(tmp, 'model');
const store = path.join(tmp, 'store');
const dsp = (spk: string, w: string, r = '18') => path.join(DATA, 'dspspeech20', spk, `${spk}-${w}-${r}.flac`);
const A = '16307130302';
const B = '15307110252';

beforeAll(async () => {
  const { saveRandomModel } = await import('../cli/random-model');
  await saveRandomModel(model);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('no network use', () => {
  it('the guard itself records and refuses a connection to another host', async () => {
    const net = await import('node:net');
    const { request } = await import('node:http');
    const before = attempts.length;
    expect(() => net.connect(9, '192.0.2.1')).toThrow(/blocked/);
    expect(() => request('http://192.0.2.1/')).toThrow(/blocked/);
    await expect(fetch('https://example.invalid/x')).rejects.toThrow(/blocked/);
    expect(offHost().length).toBeGreaterThanOrEqual(3);
    // Forget the self-test's attempts.
    attempts.splice(before);
  });

  it('decode, embed, enroll, verify, identify, calibrate, export/import and eval open no socket', async () => {
    const { Engine } = await import('../../src/engine');
    const { main } = await import('../../src/cli/main');
    const engine = await Engine.open({ storeDir: store, modelDir: model });
    try {
      await engine.assessTake({ path: dsp(A, '07') });
      const e = await engine.embed({ path: dsp(A, '07') });
      expect(e.length).toBeGreaterThan(0);
      await engine.enroll('Alice', ['07', '17', '19'].map((w) => ({ path: dsp(A, w) })));
      await engine.enroll('Bob', ['08', '03', '11'].map((w) => ({ path: dsp(B, w, '10') })));
      await engine.verify('Alice', { path: dsp(A, '12', '10') });
      await engine.identify({ path: dsp(B, '05', '10') });
      await engine.calibrate();
      const bytes = await engine.exportProfile('Alice');
      await engine.importProfile(bytes, { name: 'Alice 2' });
      await engine.remove('Alice 2', { purge: true });
    } finally {
      engine.dispose();
    }
    let err = '';
    const code = await main(['--store', store, '--model', model, '--json', 'eval', '--trials', path.join(DATA, 'dsp-dev.trials.txt'), '--limit', '4'], {
      stdout: () => {},
      stderr: (t) => void (err += t),
      stderrIsTTY: false,
      env: process.env,
    });
    expect(code, err).toBe(0);
    expect(offHost().map((a) => `${a.api} ${a.target}\n${a.stack}`)).toEqual([]);
  });

  const strace = spawnSync('strace', ['-V'], { encoding: 'utf8' });
  const why = strace.error ? 'strace is not installed (apt-get install strace)' : '';
  it.skipIf(why)(`under strace the CLI asks the kernel for no socket beyond loopback ${why ? `(skipped: ${why})` : ''}`, () => {
    const log = path.join(tmp, 'strace.txt');
    const g = ['--store', path.join(tmp, 'store2'), '--model', model];
    const runs = [
      [...g, 'enroll', 'Carol', dsp(A, '07'), dsp(A, '17'), dsp(A, '19')],
      [...g, 'enroll', 'Dan', dsp(B, '08', '10'), dsp(B, '03', '10'), dsp(B, '11', '10')],
      [...g, 'verify', 'Carol', dsp(A, '12', '10')],
      [...g, 'identify', dsp(B, '05', '10')],
      [...g, 'eval', '--trials', path.join(DATA, 'dsp-dev.trials.txt'), '--limit', '4'],
    ].map((a) => JSON.stringify(a));
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=socket,connect,sendto,sendmsg', '-o', log, process.execPath, '--import', 'tsx', 'test/reliability/helpers/cli-seq.ts', ...runs], {
      encoding: 'utf8',
      env: { ...process.env, http_proxy: '', https_proxy: '' },
    });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const lines = fs.readFileSync(log, 'utf8').split('\n');
    const inet = lines.filter((l) => /AF_INET6?\b/.test(l));
    const sockets = inet.filter((l) => /\bsocket\(/.test(l));
    const connects = inet.filter((l) => /\bconnect\(/.test(l));
    const offHostConnects = connects.filter((l) => !/inet_addr\("127\.|inet_pton\(AF_INET6, "::1"|"::ffff:127\./.test(l));
    expect(offHostConnects).toEqual([]);
    // Not even a socket of an internet family is created (name lookups would need one).
    expect(sockets).toEqual([]);
    // The trace did see the process: every command's exit code was printed.
    expect(r.stdout.trim().split('\n')).toHaveLength(runs.length);
  });
});
