/**
 * Start-up of `voxprint` as a user runs it (a new process through bin/voxprint.js): --version and
 * --help answer without loading tfjs, and verify with the shipped model gives the same answer
 * with and without the on-disk compile cache (src/compile-cache.ts), which the first run fills.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshBundle } from '../../bin/cli-bundle.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const DATA = path.resolve(ROOT, '..', 'shared', 'data');
const MODEL = path.join(ROOT, 'models', 'default');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-startup-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Preloaded into the child: records every @tensorflow JS file Node loads (CommonJS, or ESM importing CommonJS).
const probe = path.join(tmp, 'probe.cjs');
fs.writeFileSync(
  probe,
  `const M = require('node:module'); const load = M.prototype.load; const seen = [];
M.prototype.load = function (f) { if (/@tensorflow[\\\\/].*\\.js$/.test(f)) seen.push(f); return load.apply(this, arguments); };
process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify(seen)));`,
);

function voxprint(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; out: string; err: string; tfjsFiles: string[] } {
  const probeOut = path.join(tmp, `probe-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(process.execPath, ['--require', probe, path.join(ROOT, 'bin', 'voxprint.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, VITEST: '', VOXPRINT_CACHE: path.join(tmp, 'cache'), PROBE_OUT: probeOut, ...env },
    timeout: 120_000,
  });
  const tfjsFiles = fs.existsSync(probeOut) ? (JSON.parse(fs.readFileSync(probeOut, 'utf8')) as string[]) : ['<probe did not report>'];
  return { code: r.status, out: r.stdout, err: r.stderr, tfjsFiles };
}

describe('voxprint start-up (fresh processes)', () => {
  it('--version and --help do not load tfjs', () => {
    const v = voxprint(['--version', '--json']);
    expect(v.code, v.err).toBe(0);
    expect(JSON.parse(v.out)).toMatchObject({ version: expect.any(String), backend: expect.stringMatching(/^(wasm|tensorflow)$/), tfjs: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(v.tfjsFiles).toEqual([]);
    const forced = voxprint(['--version', '--json'], { VOXPRINT_BACKEND: 'cpu' });
    expect(JSON.parse(forced.out).backend).toBe('cpu');
    const h = voxprint(['--help']);
    expect(h.code, h.err).toBe(0);
    expect(h.out).toContain('verify NAME FILE');
    expect(h.tfjsFiles).toEqual([]);
    const eh = voxprint(['eval', '--help']);
    expect(eh.out).toContain('--baseline NAME');
    expect(eh.tfjsFiles).toEqual([]);
  });

  it('verify answers the same with a cold and a warm compile cache, and with the cache off', () => {
    const store = path.join(tmp, 'store');
    const dsp = (word: string) => path.join(DATA, 'dspspeech20', '16307130302', `16307130302-${word}-18.flac`);
    const g = ['--store', store, '--model', MODEL];
    const e = voxprint([...g, 'enroll', 'A', dsp('07'), dsp('17'), dsp('19')]);
    expect(e.code, e.err).toBe(0);
    expect(e.tfjsFiles.length).toBeGreaterThan(0); // the probe does see tfjs when a command needs it
    expect(e.tfjsFiles.filter((f) => /tfjs-(converter|data|backend-webgl)[\\/]/.test(f))).toEqual([]);
    // From the bundle, a command that does not train skips the umbrella package's own code
    // (gradients, chained ops): tfjs-core and tfjs-layers serve it (src/compile-cache.ts).
    if (freshBundle().path) {
      expect(e.tfjsFiles.filter((f) => /[\\/]tfjs[\\/]dist[\\/]tf\.node\.js$/.test(f))).toEqual([]);
      expect(e.tfjsFiles.some((f) => /[\\/]tfjs-layers[\\/]/.test(f))).toBe(true);
    }
    const cacheDir = path.join(tmp, 'cache', 'compile-cache');
    expect(fs.readdirSync(cacheDir).length).toBe(1); // one folder per Node version and architecture
    const entries = fs.readdirSync(path.join(cacheDir, fs.readdirSync(cacheDir)[0]));
    expect(entries.length).toBeGreaterThanOrEqual(3); // tfjs and the packages it loads
    const scores = [{}, {}, { VOXPRINT_COMPILE_CACHE: '0' }].map((env) => {
      const r = voxprint([...g, '--json', 'verify', 'A', dsp('08')], env);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out).score as number;
    });
    expect(scores[0]).toBeGreaterThan(0.5);
    expect(new Set(scores).size).toBe(1);
  });
});
